import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low, Memory } from 'lowdb';
import { isEmptyDump, type Dumpable, type StoreDump } from '../dump.js';
import { StoreError, StoreUnusableError } from '../errors.js';
import { guardRepo, storableDeep } from '../guard.js';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../kind.js';
import { buildRepos, LOWDB_TABLES, type Repos } from '../registry.js';
import type { Store, StoreHealth } from '../types.js';
import { JournalFile, SNAPSHOT_FILE, type Change, type Tables } from './journal.js';
import { acquireLock, type HeldLock, type LockLog } from './lock.js';
import { WriteHealth } from '../write-health.js';

export const DATA_FILE = SNAPSHOT_FILE;
export const LOCK_FILE = 'ibp-bot.lock';

export interface LowdbStoreOptions {
  dataDir: string;
  /** Read-only: no lock, no writes (CLI commands that read while the server runs). */
  readOnly?: boolean;
  /** How long the lock belongs to this process without a refresh (DATA_LOCK_LEASE_MS); see lock.ts. */
  lockLeaseMs?: number;
  /** Where the lock and the journal tell what an operator should know (waiting for a lock, a torn line dropped, a conversion). */
  log?: LockLog;
  /** Tests of write failures only: see JournalOptions.beforeWrite. */
  beforeWrite?: () => void | Promise<void>;
}

const SPECS = new Map<string, LowdbTableSpec>(LOWDB_TABLES.map((t) => [t.name, t]));

function emptyTables(): Tables {
  const t: Tables = {};
  for (const name of SPECS.keys()) t[name] = new Map();
  return t;
}

/**
 * The embedded default store (lowdb): every record in memory, every change appended to
 * a journal and fsynced before it is acknowledged, and a snapshot written now and then
 * (src/store/lowdb/journal.ts). A change costs one small append, whatever the number of
 * records; lowdb's `Low` holds the data and writes the snapshot through the adapter.
 *
 * Changes run synchronously in `mutate` (so they never interleave) and record which
 * records they set or delete; those go into the journal as one line. If a write fails,
 * that change and every change made after it fail, and the memory is reloaded from disk:
 * nothing is reported stored that is not on disk.
 *
 * One process writes, under the lease in lock.ts. A process that lost its lease fails
 * every write with StoreError and reports itself unhealthy.
 */
/** The repositories are assigned from the registry in the constructor; this merge gives them their types without listing them again. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface LowdbStore extends Repos {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LowdbStore implements Store, Dumpable {
  readonly backend = 'lowdb';
  /** One process at a time (the lock file). */
  readonly shared = false;
  private broken: Error | null = null;
  private closed = false;
  /** Whether the last write reached the disk (StoreHealth.writable). */
  private readonly writes = new WriteHealth();

  private constructor(
    private readonly db: Low<Tables>,
    private readonly journal: JournalFile | null,
    readonly path: string,
    private readonly readOnly: boolean,
    /** The lease on the data directory; null in memory and read-only (nothing written). */
    private readonly lock: HeldLock | null,
  ) {
    if (journal) journal.tables = () => this.db.data;
    const access: LowdbDb = { read: (fn) => this.read(fn), mutate: (fn) => this.mutate(fn) };
    // Every repository from the registry, with the same text rules as every backend (src/store/guard.ts).
    Object.assign(this, buildRepos((kind) => kind.lowdb.repo(access), (repo) => guardRepo(repo)));
  }


  /** An empty store that lives in memory only (CLI `ask`/`chat`, tests); same code path, no file. */
  static openInMemory(): LowdbStore {
    const db = new Low<Tables>(new Memory<Tables>(), emptyTables());
    return new LowdbStore(db, null, ':memory:', false, null);
  }

  static async open(opts: LowdbStoreOptions): Promise<LowdbStore> {
    const file = path.join(opts.dataDir, DATA_FILE);
    let lock: HeldLock | null = null;
    if (!opts.readOnly) {
      try {
        await mkdir(opts.dataDir, { recursive: true });
      } catch (e) {
        throw new StoreUnusableError(`Cannot create DATA_DIR ${opts.dataDir}: ${(e as Error).message}`, { cause: e });
      }
      lock = await acquireLock(path.join(opts.dataDir, LOCK_FILE), file, {
        ...(opts.lockLeaseMs ? { leaseMs: opts.lockLeaseMs } : {}),
        ...(opts.log ? { log: opts.log } : {}),
      });
    }
    try {
      const journal = new JournalFile(opts.dataDir, LOWDB_TABLES, {
        ...(opts.readOnly ? { readOnly: true } : {}),
        ...(opts.log ? { warn: (msg: string) => opts.log!.warn({ dataDir: opts.dataDir }, msg) } : {}),
        ...(opts.beforeWrite ? { beforeWrite: opts.beforeWrite } : {}),
        fromV1: (v1) => Object.fromEntries(LOWDB_TABLES.map((t) => [t.name, t.fromV1(v1)])),
      });
      if (opts.readOnly && !(await exists(file))) throw new StoreUnusableError(`No data file at ${file} yet (start the bot once first).`);
      const db = new Low<Tables>(journal, emptyTables());
      await db.read(); // the snapshot with the journal replayed (a new directory gets an empty snapshot)
      return new LowdbStore(db, journal, file, opts.readOnly ?? false, lock);
    } catch (e) {
      await lock?.release();
      if (e instanceof StoreError) throw e;
      throw new StoreUnusableError(`Cannot open the data file ${file}: ${(e as Error).message}`, { cause: e });
    }
  }

  private async read<T>(fn: (t: LowdbTables) => T): Promise<T> {
    await this.ensureUsable();
    const data = this.db.data;
    return fn({ table: <R>(name: string) => readOnlyTable<R>(data, name) });
  }

  /** Applies a change in memory and resolves once it is on disk (or rejects, with memory reloaded from disk). */
  private async mutate<T>(fn: (t: LowdbTables) => T): Promise<T> {
    if (this.readOnly) throw new StoreError(`The store at ${this.path} is opened read-only.`);
    await this.lock?.ensureWritable();
    await this.ensureUsable();
    const touched = new Map<string, Set<string>>();
    const data = this.db.data;
    const result = fn({ table: <R>(name: string) => trackedTable<R>(data, name, touched) });
    if (!this.journal || touched.size === 0) return result;
    const changes: Change[] = [];
    for (const [name, keys] of touched) {
      const table = data[name]!;
      for (const key of keys) changes.push([name, key, table.get(key) ?? null]);
    }
    try {
      await this.journal.append(changes);
      this.writes.succeeded();
    } catch (e) {
      this.broken ??= e as Error; // the next call reloads what is on disk
      const err = e instanceof StoreError ? e : new StoreError(`Could not write ${this.path}: ${(e as Error).message}`, { cause: e });
      this.writes.failed(err);
      throw err;
    }
    return result;
  }

  private async ensureUsable(): Promise<void> {
    if (this.closed) throw new StoreError('The store is closed.');
    if (this.broken && this.journal) {
      try {
        this.db.data = await this.journal.reload();
        this.broken = null;
      } catch (e) {
        this.broken = e as Error;
        throw new StoreError(`The data in ${this.path} cannot be read: ${(e as Error).message}`, { cause: e });
      }
    }
  }

  /** Every durable table (`ibp-bot store copy`); short-lived state is not in it. */
  async exportAll(): Promise<StoreDump> {
    return this.read(() => {
      const out: StoreDump = {};
      for (const [name, table] of Object.entries(this.db.data)) out[name] = [...table.values()].map((r) => structuredClone(r));
      return out;
    });
  }

  /** Loads a dump into this empty store, each record checked like one read from disk; refuses when the store holds any record. */
  async importAll(raw: StoreDump): Promise<void> {
    const dump = storableDeep(raw);
    for (const [name, spec] of SPECS) {
      for (const [i, rec] of (dump[name] ?? []).entries()) {
        const problem = spec.check(rec);
        if (problem) throw new StoreError(`The records do not fit the lowdb schema (${name}.${i}.${problem}).`);
      }
    }
    await this.mutate((t) => {
      if (!isEmptyDump(Object.fromEntries(Object.entries(this.db.data).map(([k, m]) => [k, [...m.values()]])))) {
        throw new StoreError(`The lowdb store ${this.path} is not empty; refusing to import into it.`);
      }
      for (const [name, spec] of SPECS) for (const rec of dump[name] ?? []) t.table(name).put(spec.upgrade ? spec.upgrade(rec) : rec);
    });
  }

  async health(): Promise<StoreHealth> {
    if (this.closed) return { ok: false, backend: 'lowdb', detail: 'closed', writable: false, writeProblem: 'closed' };
    const lockProblem = this.lock?.problem();
    if (lockProblem) return { ok: false, backend: 'lowdb', detail: lockProblem, writable: false, writeProblem: lockProblem };
    // After a failed write the memory is reloaded from disk on the next call: until then the
    // store still answers from memory (readable), but is not writable.
    return { ok: true, backend: 'lowdb', detail: this.path, ...this.writes.report() };
  }

  /**
   * A journal write and a new file in DATA_DIR, both fsynced (JournalFile.probe): what a
   * user's change and the next compaction need. After a failed write the memory is reloaded
   * from disk first, so a probe that succeeds means users' writes work again.
   */
  async probeWrite(now: Date): Promise<void> {
    if (this.readOnly || this.closed || !this.journal) return;
    try {
      await this.lock?.ensureWritable();
      await this.ensureUsable();
      await this.journal.probe(now.toISOString());
      this.writes.succeeded();
    } catch (e) {
      this.writes.failed(e);
      if (e instanceof StoreError && /Could not write/.test(e.message)) this.broken ??= e; // reload before the next use
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.journal?.close();
    this.closed = true;
    await this.lock?.release();
  }
}

const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);

function tableOf(data: Tables, name: string): Map<string, unknown> {
  const t = data[name];
  if (!t) throw new Error(`lowdb: no table "${name}" (is its kind in src/store/registry.ts?)`);
  return t;
}

function readOnlyTable<R>(data: Tables, name: string): Table<R> {
  const map = tableOf(data, name) as Map<string, R>;
  const refuse = (): never => {
    throw new Error(`lowdb: table "${name}" changed outside mutate()`);
  };
  return { get: (k) => map.get(k), has: (k) => map.has(k), values: () => map.values(), get size() { return map.size; }, put: refuse, delete: refuse };
}

/** A table whose changes are noted by key, so `mutate` can journal the records as they end up. */
function trackedTable<R>(data: Tables, name: string, touched: Map<string, Set<string>>): Table<R> {
  const map = tableOf(data, name) as Map<string, R>;
  const spec = SPECS.get(name)!;
  const note = (key: string): void => {
    let keys = touched.get(name);
    if (!keys) touched.set(name, (keys = new Set()));
    keys.add(key);
  };
  return {
    get: (k) => map.get(k),
    has: (k) => map.has(k),
    values: () => map.values(),
    get size() { return map.size; },
    put: (rec) => {
      const key = spec.key(rec);
      map.set(key, rec);
      note(key);
    },
    delete: (key) => {
      const had = map.delete(key);
      if (had) note(key);
      return had;
    },
  };
}
