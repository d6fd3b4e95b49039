import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { StoreError, StoreUnusableError } from '../types.js';

/**
 * lowdb's adapter for the embedded store, as a journal with periodic compaction, so a
 * change costs the same however many records there are:
 *
 * - `ibp-bot.json` is a snapshot: every table as an array of records, plus the number of
 *   the first journal file that comes after it;
 * - `ibp-bot.journal.<n>` holds the changes since, one line per committed change (a
 *   checksum, a tab, then `[[table, key, record or null], ...]`), appended and fsynced
 *   before the change is acknowledged (concurrent changes share one fsync);
 * - when the journal has grown as large as the snapshot (at least COMPACT_MIN_BYTES), a
 *   new snapshot is written in the background, a chunk at a time so turns keep flowing,
 *   and the journals it covers are deleted (`write`, lowdb's "write everything").
 *
 * Every journal line sets or deletes whole records, so replaying a line twice changes
 * nothing: a snapshot may be written while changes go on (they land in the next journal,
 * which is replayed on top). A torn last line (a crash mid-append) is dropped with a
 * warning; any other damage refuses to open and is never overwritten.
 */

export const SNAPSHOT_FILE = 'ibp-bot.json';
/** The write-health probe's short-lived file in DATA_DIR (`.ibp-bot.probe.<random>`, removed at once). */
export const PROBE_FILE = 'ibp-bot.probe';
const JOURNAL_PREFIX = 'ibp-bot.journal.';
/** The snapshot format this code writes (1 was the single-file store, read once and migrated). */
export const SNAPSHOT_VERSION = 2;
/** A snapshot is due when the journal is at least this big and as big as the last snapshot. */
export const COMPACT_MIN_BYTES = 8 * 1024 * 1024;
/** Records per chunk while writing a snapshot; the event loop gets a turn between chunks. */
const SNAPSHOT_CHUNK = 2_000;

export interface TableSpec {
  name: string;
  /** The record's key in its table (unique). */
  key(record: unknown): string;
  /** Checks a record read from disk; returns a problem, or null when it is fine. */
  check(record: unknown): string | null;
  /** A checked record written by an older release, with the fields added since filled in (so every backend holds the same). */
  upgrade?(record: unknown): unknown;
}

export type Tables = Record<string, Map<string, unknown>>;
/** One record set (`value`) or deleted (`null`). */
export type Change = readonly [table: string, key: string, value: unknown];

export interface JournalOptions {
  readOnly?: boolean;
  /** Told about a torn last line and other things an operator may want to know. */
  warn?: (msg: string) => void;
  /** Turns a version-1 data file (the single-file store) into tables. */
  fromV1?: (raw: Record<string, unknown>) => Record<string, unknown[]>;
  compactMinBytes?: number;
  /**
   * Called before each journal write; what it throws fails that write like an I/O error
   * would. Tests use it for a full disk; nothing else sets it.
   */
  beforeWrite?: () => void | Promise<void>;
}

const checksum = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);
const journalName = (n: number): string => `${JOURNAL_PREFIX}${n}`;

async function fsyncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r').catch(() => null);
  if (dh) await dh.sync().catch(() => undefined).finally(() => dh.close());
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export class JournalFile implements Adapter<Tables> {
  private readonly snapshotPath: string;
  private readonly specs = new Map<string, TableSpec>();
  private journalNo = 1;
  private fh: FileHandle | null = null;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private pending: { line: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private compacting: Promise<void> | null = null;
  /** Appends that failed so far: a snapshot taken meanwhile may hold a change that was reported failed, so it is dropped. */
  private failures = 0;
  /**
   * After a failed write, every append fails until the owner reloads (`reload`): changes
   * made in memory after the failure may rest on changes that never reached the disk.
   */
  private failed: StoreError | null = null;
  /** Set by the owner: the tables to snapshot when compaction is due. */
  tables: (() => Tables) | null = null;
  private readonly compactMin: number;

  constructor(
    readonly dir: string,
    specs: readonly TableSpec[],
    private readonly opts: JournalOptions = {},
  ) {
    this.snapshotPath = path.join(dir, SNAPSHOT_FILE);
    for (const s of specs) this.specs.set(s.name, s);
    this.compactMin = opts.compactMinBytes ?? COMPACT_MIN_BYTES;
  }

  get path(): string {
    return this.snapshotPath;
  }

  /** Bytes in the current journal and in the last snapshot (for tests and the bench). */
  get sizes(): { journal: number; snapshot: number } {
    return { journal: this.journalBytes, snapshot: this.snapshotBytes };
  }

  private emptyTables(): Tables {
    const t: Tables = {};
    for (const name of this.specs.keys()) t[name] = new Map();
    return t;
  }

  /**
   * The snapshot with every journal after it replayed. A new data directory gets an empty
   * snapshot; only a read-only reader gets null there (no data yet).
   * Read-only readers (CLI exports beside a running bot) retry when a compaction
   * removed a journal between their two reads.
   */
  async read(): Promise<Tables | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.readOnce();
      } catch (e) {
        if (!(e instanceof JournalMovedError) || attempt >= 5) throw e;
      }
    }
  }

  private async readOnce(): Promise<Tables | null> {
    const text = await readIfExists(this.snapshotPath);
    const journals = await this.journalFiles();
    if (text === null) {
      if (journals.length > 0) {
        throw new StoreUnusableError(`${this.dir} has journal files (${journals.map((j) => journalName(j)).join(', ')}) but no ${SNAPSHOT_FILE}. It was left untouched; restore ${SNAPSHOT_FILE} from a backup.`);
      }
      if (this.opts.readOnly) return null;
      // A new data directory: an empty snapshot first, so journals always have one to follow.
      const tables = this.emptyTables();
      await this.writeSnapshot(tables, 1);
      this.journalNo = 1;
      this.journalBytes = 0;
      return tables;
    }
    this.snapshotBytes = Buffer.byteLength(text);
    const { tables, firstJournal, version } = this.parseSnapshot(text);
    const after = journals.filter((n) => n >= firstJournal);
    const missing = (n: number): Error => this.opts.readOnly
      ? new JournalMovedError() // a compaction of the running bot moved on between two reads: read again
      : new StoreUnusableError(`The journal ${journalName(n)} in ${this.dir} is missing, so changes after ${SNAPSHOT_FILE} would be lost. Nothing was changed; restore the data directory from a backup.`);
    if (after.length > 0 && after[0] !== firstJournal) throw missing(firstJournal);
    for (const [i, n] of after.entries()) {
      if (i > 0 && n !== after[i - 1]! + 1) throw missing(after[i - 1]! + 1);
      const content = await readIfExists(path.join(this.dir, journalName(n)));
      if (content === null) throw missing(n);
      const last = i === after.length - 1;
      const good = this.replay(tables, n, content, last);
      if (last) {
        this.journalNo = n;
        this.journalBytes = good;
        if (good < Buffer.byteLength(content) && !this.opts.readOnly) await this.truncate(n, good);
      }
    }
    if (after.length === 0) {
      this.journalNo = firstJournal;
      this.journalBytes = 0;
    }
    if (!this.opts.readOnly) {
      // Journals a finished snapshot already covers (a crash between writing it and deleting them).
      for (const n of journals.filter((j) => j < firstJournal)) await unlink(path.join(this.dir, journalName(n))).catch(() => undefined);
      if (version < SNAPSHOT_VERSION) await this.migrateFrom(version, text, tables);
    }
    return tables;
  }

  /** A version-1 file is kept beside the new snapshot, once, then replaced by the current format. */
  private async migrateFrom(version: number, text: string, tables: Tables): Promise<void> {
    const backup = `${this.snapshotPath}.v${version}.bak`;
    if ((await readIfExists(backup)) === null) await this.writeFileDurably(backup, text);
    this.opts.warn?.(`Data file ${this.snapshotPath} converted from format ${version} to ${SNAPSHOT_VERSION} (the old file is kept as ${path.basename(backup)}).`);
    await this.writeSnapshot(tables, this.journalNo);
  }

  private parseSnapshot(text: string): { tables: Tables; firstJournal: number; version: number } {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new StoreUnusableError(
        `The data file ${this.snapshotPath} is not valid JSON (${(e as Error).message}). It was left untouched. Restore it from a backup, or move it away to start with an empty store.`,
        { cause: e },
      );
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw this.notOurs('(top): not an object');
    const obj = raw as Record<string, unknown>;
    const version = obj.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw this.notOurs('version: missing');
    if (version > SNAPSHOT_VERSION) {
      throw new StoreUnusableError(`The data file ${this.snapshotPath} has schema version ${version}, newer than this ibp-bot knows (${SNAPSHOT_VERSION}). Upgrade ibp-bot.`);
    }
    let lists: Record<string, unknown>;
    let firstJournal = 1;
    if (version === 1) {
      if (!this.opts.fromV1) throw this.notOurs('version 1 is not readable here');
      lists = this.opts.fromV1(obj);
    } else {
      lists = obj;
      firstJournal = typeof obj.journal === 'number' && Number.isInteger(obj.journal) && obj.journal >= 1 ? obj.journal : NaN;
      if (Number.isNaN(firstJournal)) throw this.notOurs('journal: missing');
    }
    const tables = this.emptyTables();
    for (const [name, spec] of this.specs) {
      const list = lists[name] ?? [];
      if (!Array.isArray(list)) throw this.notOurs(`${name}: not a list`);
      const table = tables[name]!;
      for (const [i, rec] of list.entries()) {
        const problem = spec.check(rec);
        if (problem) throw this.notOurs(`${name}.${i}.${problem}`);
        table.set(spec.key(rec), spec.upgrade ? spec.upgrade(rec) : rec);
      }
    }
    return { tables, firstJournal, version };
  }

  private notOurs(where: string): StoreUnusableError {
    return new StoreUnusableError(`The data file ${this.snapshotPath} is not an ibp-bot data file (${where}). It was left untouched.`);
  }

  /** Applies one journal file; returns the byte length of its good part. */
  private replay(tables: Tables, n: number, content: string, last: boolean): number {
    const file = path.join(this.dir, journalName(n));
    let offset = 0;
    let lineNo = 0;
    while (offset < content.length) {
      const end = content.indexOf('\n', offset);
      lineNo++;
      const line = end === -1 ? content.slice(offset) : content.slice(offset, end);
      const changes = end === -1 ? null : this.parseLine(line);
      if (changes === null) {
        // Only the very last line may be torn (a crash while it was being written).
        const rest = content.slice(end === -1 ? content.length : end + 1);
        if (last && rest === '') {
          if (!this.opts.readOnly) this.opts.warn?.(`${file}: dropped a torn last line (${line.length} characters) left by a crash while it was written; it was never acknowledged.`);
          return Buffer.byteLength(content.slice(0, offset));
        }
        throw new StoreUnusableError(`The journal ${file} is damaged at line ${lineNo}. It was left untouched. Restore the data directory from a backup.`);
      }
      for (const [table, key, value] of changes) {
        const spec = this.specs.get(table);
        const t = tables[table];
        if (!spec || !t) throw new StoreUnusableError(`The journal ${file} line ${lineNo} names an unknown table "${table}". It was left untouched.`);
        if (value === null) t.delete(key);
        else {
          const problem = spec.check(value);
          if (problem || spec.key(value) !== key) {
            throw new StoreUnusableError(`The journal ${file} line ${lineNo} holds a record that does not fit table ${table} (${problem ?? 'key mismatch'}). It was left untouched.`);
          }
          t.set(key, spec.upgrade ? spec.upgrade(value) : value);
        }
      }
      offset = end + 1;
    }
    return Buffer.byteLength(content);
  }

  private parseLine(line: string): Change[] | null {
    const tab = line.indexOf('\t');
    if (tab !== 12) return null;
    const body = line.slice(tab + 1);
    if (checksum(body) !== line.slice(0, tab)) return null;
    try {
      const parsed = JSON.parse(body) as unknown;
      if (!Array.isArray(parsed)) return null;
      for (const c of parsed) {
        if (!Array.isArray(c) || c.length !== 3 || typeof c[0] !== 'string' || typeof c[1] !== 'string') return null;
      }
      return parsed as Change[];
    } catch {
      return null;
    }
  }

  private async truncate(n: number, length: number): Promise<void> {
    const fh = await open(path.join(this.dir, journalName(n)), 'r+');
    try {
      await fh.truncate(length);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  private async journalFiles(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names
      .filter((f) => f.startsWith(JOURNAL_PREFIX) && /^\d+$/.test(f.slice(JOURNAL_PREFIX.length)))
      .map((f) => Number(f.slice(JOURNAL_PREFIX.length)))
      .sort((a, b) => a - b);
  }

  /**
   * Appends one committed change; resolves once it is on disk. Changes that arrive while
   * a write is running go together in the next one (one fsync for all of them).
   */
  append(changes: readonly Change[], opts: { evenIfEmpty?: boolean } = {}): Promise<void> {
    if (this.opts.readOnly) return Promise.reject(new StoreError(`The store at ${this.snapshotPath} is opened read-only.`));
    if (this.failed) return Promise.reject(this.failed);
    // An empty line is harmless on replay; the write probe uses it to prove the journal takes writes again.
    if (changes.length === 0 && !opts.evenIfEmpty) return Promise.resolve();
    const body = JSON.stringify(changes);
    const line = `${checksum(body)}\t${body}\n`;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    await Promise.resolve(); // let changes made in the same tick join this write
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        const text = batch.map((b) => b.line).join('');
        const before = this.journalBytes;
        try {
          await this.opts.beforeWrite?.();
          const fh = await this.journal();
          await fh.write(text, null, 'utf8');
          await fh.datasync();
          this.journalBytes = before + Buffer.byteLength(text);
          for (const b of batch) b.resolve();
        } catch (e) {
          // Take back what may have reached the file, so a change we report as failed is not replayed later.
          await this.fh?.truncate(before).catch(() => undefined);
          this.failures++;
          const err = new StoreError(`Could not write ${path.join(this.dir, journalName(this.journalNo))}: ${(e as Error).message}`, { cause: e });
          this.failed = err;
          // What waits was built on this batch in memory: it fails too.
          const all = [...batch, ...this.pending];
          this.pending = [];
          for (const b of all) b.reject(err);
        }
      }
    } finally {
      this.flushing = null;
    }
    if (this.journalBytes >= Math.max(this.compactMin, this.snapshotBytes) && !this.compacting && this.tables) {
      const tables = this.tables();
      this.compacting = this.write(tables)
        .catch((e: unknown) => this.opts.warn?.(`Compaction of ${this.snapshotPath} failed; the journal keeps every change and it is tried again later: ${(e as Error).message}`))
        .finally(() => {
          this.compacting = null;
        });
    }
  }

  private async journal(): Promise<FileHandle> {
    if (!this.fh) {
      const file = path.join(this.dir, journalName(this.journalNo));
      const created = (await stat(file).catch(() => null)) === null;
      this.fh = await open(file, 'a', 0o600);
      if (created) await fsyncDir(this.dir);
    }
    return this.fh;
  }

  /**
   * Compaction: a new snapshot of `tables`, then the journals it covers go. Changes go on
   * meanwhile, into the next journal (it is started first, once the running write is done).
   */
  async write(tables: Tables): Promise<void> {
    if (this.opts.readOnly) throw new StoreError(`The store at ${this.snapshotPath} is opened read-only.`);
    while (this.flushing) await this.flushing;
    // Switch journals in one synchronous step: no append can use the old file after this.
    const covered = this.journalNo;
    const old = this.fh;
    this.fh = null;
    this.journalNo = covered + 1;
    this.journalBytes = 0;
    await old?.close();
    await this.writeSnapshot(tables, this.journalNo, this.failures);
    for (const n of await this.journalFiles()) if (n <= covered) await unlink(path.join(this.dir, journalName(n))).catch(() => undefined);
  }

  /** Writes the snapshot to a temporary file a chunk at a time, fsyncs it and renames it over the old one. */
  private async writeSnapshot(tables: Tables, firstJournal: number, failuresBefore = this.failures): Promise<void> {
    const tmp = path.join(this.dir, `.${SNAPSHOT_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fh = await open(tmp, 'w', 0o600);
    let bytes = 0;
    const put = async (s: string): Promise<void> => {
      await fh.write(s);
      bytes += Buffer.byteLength(s);
    };
    try {
      await put(`{"version":${SNAPSHOT_VERSION},"journal":${firstJournal}`);
      for (const name of this.specs.keys()) {
        await put(`,\n${JSON.stringify(name)}:[`);
        let first = true;
        let chunk: string[] = [];
        for (const rec of (tables[name] ?? new Map()).values()) {
          chunk.push(JSON.stringify(rec));
          if (chunk.length >= SNAPSHOT_CHUNK) {
            await put(`${first ? '' : ','}\n${chunk.join(',\n')}`);
            first = false;
            chunk = [];
            await new Promise((r) => setImmediate(r)); // turns go on between chunks
          }
        }
        if (chunk.length > 0) await put(`${first ? '' : ','}\n${chunk.join(',\n')}`);
        await put(']');
      }
      await put('}\n');
      await fh.sync();
      if (this.failures !== failuresBefore) throw new StoreError('a change failed while the snapshot was written; the journal keeps everything, the snapshot is written again later');
    } catch (e) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await fh.close();
    try {
      await rename(tmp, this.snapshotPath);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await fsyncDir(this.dir);
    this.snapshotBytes = bytes;
  }

  private async writeFileDurably(file: string, text: string): Promise<void> {
    const fh = await open(file, 'w', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsyncDir(this.dir);
  }

  /**
   * The write-health probe: an (empty) journal line, written and fsynced like a user's
   * change, and a new file created, fsynced and removed in the data directory, which a
   * compaction and the next start need (a folder that became read-only or was replaced
   * shows here before anything else notices).
   */
  async probe(text: string): Promise<void> {
    await this.append([], { evenIfEmpty: true });
    const file = path.join(this.dir, `.${PROBE_FILE}.${randomBytes(4).toString('hex')}`);
    const fh = await open(file, 'wx', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
      await unlink(file).catch(() => undefined);
    }
  }

  /** After a failed write: the tables as they are on disk, and appends work again. */
  async reload(): Promise<Tables> {
    while (this.flushing) await this.flushing.catch(() => undefined);
    await this.fh?.close().catch(() => undefined);
    this.fh = null;
    const tables = await this.read();
    this.failed = null;
    if (!tables) throw new StoreError(`The data file ${this.snapshotPath} is gone.`);
    return tables;
  }

  /** Why writes fail at the moment (a failed write not yet followed by a reload), or null. */
  get problem(): string | null {
    return this.failed?.message ?? null;
  }

  /** Waits for pending appends and a running compaction, then closes the journal. */
  async close(): Promise<void> {
    while (this.flushing || this.compacting) {
      await this.flushing;
      await this.compacting;
    }
    await this.fh?.close();
    this.fh = null;
  }
}

/** A compaction removed a journal between reading the snapshot and the journal: read again. */
class JournalMovedError extends Error {}
