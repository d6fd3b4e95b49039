import { existsSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { describePostgresUrl, isPostgresUrl, type Config } from '../config.js';
import { createLogger } from '../log.js';
import { storableDeep } from '../store/guard.js';
import { DUMP_KINDS, dumpCounts, isEmptyDump, type Dumpable, type StoreDump } from '../store/dump.js';
import type { LockLog } from '../store/lowdb/lock.js';
import { DATA_FILE, LowdbStore } from '../store/lowdb/store.js';
import { LATEST_VERSION, MIGRATIONS } from '../store/postgres/migrations/index.js';
import { PostgresStore } from '../store/postgres/store.js';
import { LOWDB_TABLES } from '../store/registry.js';
import { StoreUnusableError, type Store } from '../store/types.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const COPY_USAGE = `Usage:
  ibp-bot store copy --to postgres://user:password@host:5432/database
      copies everything from the lowdb file in DATA_DIR into an empty PostgreSQL database
  ibp-bot store copy --to-lowdb <folder or …/${DATA_FILE}>
      copies everything from DATABASE_URL into a new (or empty) lowdb data file`;

/** The lowdb lock's notes on stderr: a copy may wait up to a lease for the lock of a bot that crashed. */
const lockNotes = (io: Io): LockLog => ({ info: () => undefined, warn: (_o, msg) => io.err(msg), error: (_o, msg) => io.err(msg) });

/** `ibp-bot migrate`: brings the PostgreSQL schema (DATABASE_URL) to this version; the bot also does this at start-up. */
export async function migrateCommand(config: Config, args: string[], io: Io): Promise<number> {
  parseArgs({ args, options: {} });
  if (!config.databaseUrl) {
    io.err('DATABASE_URL is not set. The lowdb data file in DATA_DIR needs no migrations; `ibp-bot migrate` is for PostgreSQL.');
    return 2;
  }
  const where = describePostgresUrl(config.databaseUrl);
  const res = await PostgresStore.migrate(config.databaseUrl);
  const name = MIGRATIONS.find((m) => m.version === res.to)?.name ?? '?';
  if (res.applied.length === 0) {
    io.out(`PostgreSQL at ${where}: schema already at version ${res.to} (${name}); nothing to do.`);
  } else {
    io.out(`PostgreSQL at ${where}: schema migrated from version ${res.from} to ${res.to} (${name}).`);
    for (const m of res.applied) io.out(`  applied ${m.version} ${m.name}`);
  }
  return 0;
}

/** `ibp-bot store copy --to <url>` or `--to-lowdb <path>`: moves every record between backends. */
export async function storeCommand(config: Config, args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'copy') {
    io.err(COPY_USAGE);
    return 2;
  }
  const { values } = parseArgs({ args: rest, options: { to: { type: 'string' }, 'to-lowdb': { type: 'string' } } });
  const toPg = values.to;
  const toLowdb = values['to-lowdb'];
  if ((toPg === undefined) === (toLowdb === undefined)) {
    io.err(`Give exactly one of --to and --to-lowdb.\n\n${COPY_USAGE}`);
    return 2;
  }
  const log = createLogger({ level: 'silent', pretty: false });
  const opened: Store[] = [];
  try {
    if (toPg !== undefined) {
      // The URL holds a password: never echo it back.
      if (!isPostgresUrl(toPg)) {
        io.err('--to must be a PostgreSQL URL such as postgres://user:password@host:5432/ibp_bot (value not shown).');
        return 2;
      }
      const file = path.join(config.dataDir, DATA_FILE);
      if (!existsSync(file)) {
        io.err(`There is no lowdb data file at ${file} to copy (check DATA_DIR).`);
        return 1;
      }
      // With its lock: a running bot on this DATA_DIR makes this refuse (stop it first, so nothing is written after the copy).
      const source = await openOr(io, () => LowdbStore.open({ dataDir: config.dataDir, lockLeaseMs: config.dataLockLeaseMs, log: lockNotes(io) }), 'Stop the bot that uses this DATA_DIR before copying.');
      if (!source) return 1;
      opened.push(source);
      const target = await openOr(io, () => PostgresStore.open({ url: toPg, log }));
      if (!target) return 1;
      opened.push(target);
      return await copy(source, target, `lowdb (${file})`, `PostgreSQL (${target.location}, schema version ${LATEST_VERSION})`, io);
    }
    if (!config.databaseUrl) {
      io.err('store copy --to-lowdb copies from DATABASE_URL, which is not set.');
      return 2;
    }
    const target = path.resolve(toLowdb!);
    let dir = target;
    if (target.endsWith('.json')) {
      if (path.basename(target) !== DATA_FILE) {
        io.err(`--to-lowdb: a lowdb data file is always named ${DATA_FILE}; give its folder (the new DATA_DIR) or …/${DATA_FILE}.`);
        return 2;
      }
      dir = path.dirname(target);
    }
    const source = await openOr(io, () => PostgresStore.open({ url: config.databaseUrl!, log, migrate: false }));
    if (!source) return 1;
    opened.push(source);
    const dest = await openOr(io, () => LowdbStore.open({ dataDir: dir, lockLeaseMs: config.dataLockLeaseMs, log: lockNotes(io) }));
    if (!dest) return 1;
    opened.push(dest);
    io.err('Note: stop every bot instance first; records written after the snapshot are not copied.');
    return await copy(source, dest, `PostgreSQL (${source.location})`, `lowdb (${dest.path})`, io);
  } finally {
    for (const s of opened) await s.close().catch(() => undefined);
  }
}

async function openOr<T>(io: Io, open: () => Promise<T>, hint = ''): Promise<T | undefined> {
  try {
    return await open();
  } catch (e) {
    if (!(e instanceof StoreUnusableError)) throw e;
    io.err(`${e.message}${hint ? `\n${hint}` : ''}`);
    return undefined;
  }
}

/** How many records of a kind (list entries or map values) the cleaning changed. */
function changedRecords(before: unknown, after: unknown): number {
  const values = (v: unknown): unknown[] => (Array.isArray(v) ? v : Object.values(v as object));
  const b = values(before);
  const a = values(after);
  return b.filter((x, i) => x !== a[i]).length;
}

/** A table's records as plain JSON by their key: the same data, whatever order a backend lists it in. */
function byKey(table: string, records: unknown[] | undefined): Map<string, unknown> {
  const spec = LOWDB_TABLES.find((t) => t.name === table);
  return new Map((records ?? []).map((r, i) => [spec ? spec.key(r) : String(i), plain(r)]));
}

/** Same data, whatever the key order of objects: both sides as plain JSON. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

async function copy(source: Dumpable, target: Dumpable, from: string, to: string, io: Io): Promise<number> {
  const before = await target.exportAll();
  if (!isEmptyDump(before)) {
    const full = Object.entries(dumpCounts(before)).filter(([, n]) => n > 0).map(([k, n]) => `${k}: ${n}`);
    io.err(`The target ${to} is not empty (${full.join(', ')}). Copy only into an empty store; nothing was changed.`);
    return 1;
  }
  const raw: StoreDump = await source.exportAll();
  // What no backend stores (NUL, lone surrogate halves; an older release could write them
  // into a lowdb file) is cleaned on the way, as every store does on every write.
  const dump = storableDeep(raw);
  const cleaned = DUMP_KINDS.flatMap((k) => (dump[k] === raw[k] ? [] : [`${k}: ${changedRecords(raw[k], dump[k])}`]));
  try {
    await target.importAll(dump);
  } catch (e) {
    io.err(`The copy to ${to} failed; nothing was written there.\n${(e as Error).message}`);
    return 1;
  }
  const after = await target.exportAll();
  const src = dumpCounts(dump);
  const dst = dumpCounts(after);
  io.out(`Copied from ${from}\n         to ${to}\n`);
  const rows = DUMP_KINDS.map((k) => ({ k, s: String(src[k]), t: String(dst[k]), same: src[k] === dst[k] && isDeepStrictEqual(byKey(k, dump[k]), byKey(k, after[k])) }));
  const w = Math.max(...rows.map((r) => r.k.length), 'record kind'.length);
  io.out(`${'record kind'.padEnd(w)}  ${'source'.padStart(7)}  ${'target'.padStart(7)}  content`);
  for (const r of rows) io.out(`${r.k.padEnd(w)}  ${r.s.padStart(7)}  ${r.t.padStart(7)}  ${r.same ? 'same' : 'DIFFERENT'}`);
  const bad = rows.filter((r) => !r.same);
  if (bad.length > 0) {
    io.err(`\nThe copy differs from the source for: ${bad.map((r) => r.k).join(', ')}. Do not switch over; check the target.`);
    return 1;
  }
  if (cleaned.length > 0) {
    io.out(`\nNote: some records held characters no store keeps (NUL, lone surrogate halves); they were removed or replaced by U+FFFD (${cleaned.join(', ')} records).`);
  }
  io.out(`\nOK: all ${rows.length} record kinds copied; counts and contents match.` +
    '\nNot copied (transient): redelivery dedupe keys and rate-limit buckets.');
  return 0;
}
