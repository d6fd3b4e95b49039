import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low, Memory } from 'lowdb';
import {
  StoreError,
  StoreUnusableError,
  type ConversationRefRecord,
  type ConversationRefRepo,
  type DedupeRepo,
  type FeedbackRecord,
  type FeedbackRepo,
  type KnowledgeGapRecord,
  type KnowledgeGapRepo,
  type KnelpuntRepo,
  type TriageChannelRepo,
  type DialogueRepo,
  type NudgeRepo,
  type ReflectionRepo,
  type SubscriptionRepo,
  type RateLimitRepo,
  type WebSessionRepo,
  type Store,
  type StoreHealth,
  CONVERSATION_REF_REFRESH_MS,
} from '../types.js';
import { AtomicJsonFile } from './file.js';
import { guardRepo, storableDeep } from '../guard.js';
import { lowdbKnelpunten, lowdbTriageChannels, type LowdbAccess } from './knelpunten.js';
import { acquireLock, type HeldLock, type LockLog } from './lock.js';
import { memoryRateLimits } from '../../core/ratelimit.js';
import { lowdbSessions } from './sessions.js';
import { lowdbDialogues, lowdbNudges, lowdbReflections, lowdbSubscriptions } from './reflectie.js';
import { dataSchema, emptyData, LOWDB_SCHEMA_VERSION, type Data } from './schema.js';
import { isEmptyDump, type Dumpable, type StoreDump } from '../dump.js';
import { gapStats } from '../stats.js';
import { WriteHealth } from '../write-health.js';

/** Where the serialised data goes: the atomic JSON file, or memory. */
export interface TextPersistence {
  /** Memory only: nothing to write, so changes are not serialised at all. */
  readonly inMemory?: boolean;
  readText(): Promise<string | null>;
  writeText(text: string): Promise<void>;
  /** The write-health probe: a small durable write where the data lives (see AtomicJsonFile.probe). */
  probe?(text: string): Promise<void>;
}

export const DATA_FILE = 'ibp-bot.json';
export const LOCK_FILE = 'ibp-bot.lock';

export interface LowdbStoreOptions {
  dataDir: string;
  /** Read-only: no lock, no writes (CLI commands that read while the server runs). */
  readOnly?: boolean;
  /** How long the lock belongs to this process without a refresh (DATA_LOCK_LEASE_MS); see lock.ts. */
  lockLeaseMs?: number;
  /** Where the lock tells that it waits for, takes over or lost the lock. */
  log?: LockLog;
}

/**
 * Parses and checks a data file's text. A file that is not JSON or not our schema
 * is refused with a message naming the file; it is never overwritten.
 */
export function parseDataFile(file: string, text: string): Data {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StoreUnusableError(
      `The data file ${file} is not valid JSON (${(e as Error).message}). ` +
        'It was left untouched. Restore it from a backup, or move it away to start with an empty store.',
      { cause: e },
    );
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > LOWDB_SCHEMA_VERSION) {
    throw new StoreUnusableError(
      `The data file ${file} has schema version ${version}, newer than this ibp-bot knows (${LOWDB_SCHEMA_VERSION}). Upgrade ibp-bot.`,
    );
  }
  const res = dataSchema.safeParse(raw);
  if (!res.success) {
    const first = res.error.issues[0];
    const where = first ? `${first.path.join('.') || '(top)'}: ${first.message}` : 'unknown problem';
    throw new StoreUnusableError(
      `The data file ${file} is not an ibp-bot data file (${where}). It was left untouched.`,
    );
  }
  return res.data;
}

/**
 * The embedded default store: all records in one JSON file in DATA_DIR, held in
 * memory and written atomically after every change.
 *
 * Writes are coalesced: changes are applied in memory synchronously (so they never
 * interleave) and every caller waits for the flush that contains its change. If a
 * flush fails, every waiting caller gets a StoreError and the memory is reloaded
 * from the last good file: nothing is reported stored that is not on disk.
 *
 * One process writes the file, under the lease in lock.ts. A process that lost its
 * lease (another one took the file over) fails every write with StoreError and reports
 * itself unhealthy: two writers would each overwrite the other's changes.
 */
export class LowdbStore implements Store, Dumpable {
  readonly feedback: FeedbackRepo;
  readonly gaps: KnowledgeGapRepo;
  readonly conversations: ConversationRefRepo;
  readonly dedupe: DedupeRepo;
  readonly knelpunten: KnelpuntRepo;
  readonly triageChannels: TriageChannelRepo;
  readonly reflections: ReflectionRepo;
  readonly dialogues: DialogueRepo;
  readonly subscriptions: SubscriptionRepo;
  readonly nudges: NudgeRepo;
  readonly rateLimits: RateLimitRepo;
  readonly sessions: WebSessionRepo;
  readonly backend = 'lowdb';
  /** One process at a time (the lock file). */
  readonly shared = false;

  private waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private broken: Error | null = null;
  private closed = false;
  private readonly writes = new WriteHealth();

  private constructor(
    private readonly db: Low<Data>,
    private readonly file: TextPersistence,
    readonly path: string,
    private readonly readOnly: boolean,
    /** The lease on the data file; null in memory and read-only (nothing written). */
    private readonly lock: HeldLock | null,
  ) {
    this.feedback = {
      add: (rec) => this.mutate((d) => {
        const full: FeedbackRecord = { id: randomUUID(), ...rec };
        d.feedback.push(full);
        return { ...full };
      }),
      list: () => this.read((d) => d.feedback.map((r) => ({ ...r }))),
      count: () => this.read((d) => d.feedback.length),
    };
    this.gaps = {
      add: (rec) => this.mutate((d) => {
        const full: KnowledgeGapRecord = { id: randomUUID(), ...rec };
        d.gaps.push(full);
        return { ...full };
      }),
      list: (opts) => this.read((d) =>
        d.gaps.filter((g) => !opts?.since || g.at >= opts.since).map((g) => ({ ...g })),
      ),
      count: () => this.read((d) => d.gaps.length),
      prune: (olderThan) => this.mutateIf((d) => {
        const before = d.gaps.length;
        const limit = olderThan.getTime();
        d.gaps = d.gaps.filter((g) => Date.parse(g.at) >= limit);
        return before - d.gaps.length;
      }),
      markHandled: (ids, by, now) => this.mutate((d) => {
        const wanted = new Set(ids);
        let n = 0;
        for (const g of d.gaps) {
          if (!wanted.has(g.id) || g.handledAt) continue;
          g.handledAt = now.toISOString();
          g.handledBy = by;
          n++;
        }
        return n;
      }),
      stats: (bounds, oldest) => this.read((d) => {
        const s = gapStats(d.gaps, bounds, oldest);
        return { ...s, oldestOpen: s.oldestOpen.map((g) => ({ ...g })) };
      }),
    };
    this.conversations = {
      upsert: async (ref, now) => {
        // Every turn upserts its conversation: skip the disk write when nothing changed.
        const same = await this.read((d) => {
          const cur = d.conversations[ref.key];
          if (!cur?.active || Date.parse(cur.updatedAt) <= now.getTime() - CONVERSATION_REF_REFRESH_MS) return undefined;
          const { updatedAt: _u, active: _a, inactiveReason: _r, ...rest } = cur;
          return JSON.stringify(rest) === JSON.stringify({ ...rest, ...ref }) ? structuredClone(cur) : undefined;
        });
        if (same) return same;
        return this.mutate((d) => {
          const full: ConversationRefRecord = { ...ref, active: true, updatedAt: now.toISOString() };
          d.conversations[ref.key] = full;
          return structuredClone(full);
        });
      },
      get: (key) => this.read((d) => {
        const r = d.conversations[key];
        return r ? structuredClone(r) : undefined;
      }),
      markInactive: (key, reason, now) => this.mutate((d) => {
        const r = d.conversations[key];
        if (r) {
          r.active = false;
          r.inactiveReason = reason;
          r.updatedAt = now.toISOString();
        }
      }),
      list: () => this.read((d) => Object.values(d.conversations).map((r) => structuredClone(r))),
      remove: (key) => this.mutate((d) => {
        const had = key in d.conversations;
        delete d.conversations[key];
        return had;
      }),
      pruneInactive: (platform, olderThan) => this.mutateIf((d) => {
        const limit = olderThan.getTime();
        const inUse = new Set([...d.triageChannels.map((c) => c.key), ...d.subscriptions.filter((s) => s.status !== 'stopped').map((s) => s.channelKey)]);
        let n = 0;
        for (const [key, r] of Object.entries(d.conversations)) {
          if (r.platform !== platform || Date.parse(r.updatedAt) >= limit || inUse.has(key)) continue;
          delete d.conversations[key];
          n++;
        }
        return n;
      }),
    };
    const access: LowdbAccess = { read: (fn) => this.read(fn), mutate: (fn) => this.mutate(fn) };
    this.knelpunten = lowdbKnelpunten(access);
    this.triageChannels = lowdbTriageChannels(access);
    this.reflections = lowdbReflections(access);
    this.dialogues = lowdbDialogues(access);
    this.subscriptions = lowdbSubscriptions(access);
    this.nudges = lowdbNudges(access);
    this.sessions = lowdbSessions(access);
    // Buckets stay in memory: one lowdb instance serves all turns, and a rate limit
    // does not need to survive a restart (writing the file on every turn would).
    this.rateLimits = memoryRateLimits();
    this.dedupe = {
      firstSeen: (key, now, ttlMs) => this.mutate((d) => {
        const t = now.getTime();
        const expires = d.dedupe[key];
        if (expires !== undefined && expires > t) return false;
        d.dedupe[key] = t + ttlMs;
        // prune expired keys now and then, so the file does not grow without bound
        if (Object.keys(d.dedupe).length % 100 === 0) {
          for (const [k, exp] of Object.entries(d.dedupe)) if (exp <= t) delete d.dedupe[k];
        }
        return true;
      }),
      prune: (now) => this.mutateIf((d) => {
        let n = 0;
        for (const [k, exp] of Object.entries(d.dedupe)) {
          if (exp > now.getTime()) continue;
          delete d.dedupe[k];
          n++;
        }
        return n;
      }),
    };
    // The same text rules as every backend (src/store/guard.ts): what PostgreSQL cannot store, lowdb does not keep either.
    this.feedback = guardRepo(this.feedback);
    this.gaps = guardRepo(this.gaps);
    this.conversations = guardRepo(this.conversations);
    this.dedupe = guardRepo(this.dedupe);
    this.knelpunten = guardRepo(this.knelpunten);
    this.triageChannels = guardRepo(this.triageChannels);
    this.reflections = guardRepo(this.reflections);
    this.dialogues = guardRepo(this.dialogues);
    this.subscriptions = guardRepo(this.subscriptions);
    this.nudges = guardRepo(this.nudges);
    this.rateLimits = guardRepo(this.rateLimits);
    this.sessions = guardRepo(this.sessions);
  }

  /** An empty store that lives in memory only (CLI `ask`/`chat`, tests); same code path, no file. */
  static openInMemory(): LowdbStore {
    const nothing: TextPersistence = {
      inMemory: true,
      readText: async () => null,
      writeText: async () => undefined,
    };
    return LowdbStore.onPersistence(nothing, emptyData(), ':memory:');
  }

  /** A store over any persistence, starting from `data` (tests use a failing one). */
  static onPersistence(persistence: TextPersistence, data: Data, label: string): LowdbStore {
    const db = new Low<Data>(new Memory<Data>(), emptyData());
    db.data = data;
    return new LowdbStore(db, persistence, label, false, null);
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
      const adapter = new AtomicJsonFile<Data>(file);
      const text = await adapter.readText();
      let data: Data;
      if (text === null) {
        if (opts.readOnly) throw new StoreUnusableError(`No data file at ${file} yet (start the bot once first).`);
        data = emptyData();
        await adapter.write(data);
      } else {
        data = parseDataFile(file, text);
      }
      const db = new Low<Data>(adapter, emptyData());
      db.data = data;
      return new LowdbStore(db, adapter, file, opts.readOnly ?? false, lock);
    } catch (e) {
      await lock?.release();
      if (e instanceof StoreError) throw e;
      throw new StoreUnusableError(`Cannot open the data file ${file}: ${(e as Error).message}`, { cause: e });
    }
  }

  private async read<T>(fn: (d: Data) => T): Promise<T> {
    await this.ensureUsable();
    return fn(this.db.data);
  }

  /** Applies a change in memory and resolves once it is on disk (or rejects, with memory restored). */
  private async mutate<T>(fn: (d: Data) => T): Promise<T> {
    if (this.readOnly) throw new StoreError(`The store at ${this.path} is opened read-only.`);
    await this.lock?.ensureWritable();
    await this.ensureUsable();
    const result = fn(this.db.data);
    await this.flushed();
    return result;
  }

  /** Resolves once a flush that contains every change made so far is on disk. */
  private flushed(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * A change that may find nothing to change (housekeeping): `fn` changes the data in place
   * and returns how many records it changed; nothing is written when that is 0.
   */
  private async mutateIf(fn: (d: Data) => number): Promise<number> {
    if (this.readOnly) throw new StoreError(`The store at ${this.path} is opened read-only.`);
    await this.ensureUsable();
    const n = fn(this.db.data);
    if (n > 0) await this.flushed();
    return n;
  }

  private scheduleFlush(): void {
    if (this.flushing) return; // the running flush schedules the next one when done
    this.flushing = (async () => {
      // Yield once: `this.flushing` must be set before the loop can finish (an
      // in-memory flush has no await of its own) and reset it to null.
      await Promise.resolve();
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        try {
          // Checked again here: the lock may have been lost while the change waited.
          await this.lock?.ensureWritable();
          if (!this.file.inMemory) await this.file.writeText(JSON.stringify(this.db.data));
          this.writes.succeeded();
          for (const w of batch) w.resolve();
        } catch (e) {
          const err = e instanceof StoreError ? e : new StoreError(`Could not write ${this.path}: ${(e as Error).message}`, { cause: e });
          this.writes.failed(err);
          // Changes made after this flush started are in memory too: they fail as well.
          const all = [...batch, ...this.waiting];
          this.waiting = [];
          await this.reloadFromDisk();
          for (const w of all) w.reject(err);
        }
      }
      this.flushing = null;
    })();
  }

  private async reloadFromDisk(): Promise<void> {
    try {
      const text = await this.file.readText();
      this.db.data = text === null ? emptyData() : parseDataFile(this.path, text);
      this.broken = null;
    } catch (e) {
      this.broken = e as Error;
    }
  }

  private async ensureUsable(): Promise<void> {
    if (this.closed) throw new StoreError('The store is closed.');
    if (this.broken) {
      await this.reloadFromDisk();
      if (this.broken) throw new StoreError(`The data file ${this.path} cannot be read: ${this.broken.message}`);
    }
  }

  /** Everything but the transient dedupe keys (`ibp-bot store copy`). */
  async exportAll(): Promise<StoreDump> {
    return this.read((d) => {
      const { version: _v, dedupe: _d, ...rest } = structuredClone(d);
      return rest;
    });
  }

  /** Loads a dump into this empty store, checked like a data file; refuses when it holds any record. */
  async importAll(raw: StoreDump): Promise<void> {
    const dump = storableDeep(raw);
    const parsed = dataSchema.safeParse({ ...dump, version: LOWDB_SCHEMA_VERSION, dedupe: {} });
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new StoreError(`The records do not fit the lowdb schema (${first ? `${first.path.join('.')}: ${first.message}` : 'unknown problem'}).`);
    }
    await this.mutate((d) => {
      if (!isEmptyDump(d)) throw new StoreError(`The lowdb store ${this.path} is not empty; refusing to import into it.`);
      Object.assign(d, parsed.data, { dedupe: d.dedupe });
    });
  }

  async health(): Promise<StoreHealth> {
    if (this.closed) return { ok: false, backend: 'lowdb', detail: 'closed', writable: false, writeProblem: 'closed' };
    if (this.broken) return { ok: false, backend: 'lowdb', detail: this.broken.message, ...this.writes.report() };
    const lockProblem = this.lock?.problem();
    if (lockProblem) return { ok: false, backend: 'lowdb', detail: lockProblem, writable: false, writeProblem: lockProblem };
    return { ok: true, backend: 'lowdb', detail: this.path, ...this.writes.report() };
  }

  /**
   * While writing works: a small fsynced probe file in DATA_DIR (a folder that became
   * read-only or vanished shows before a user's write fails). After a failed write: a real
   * flush of the data file (the same bytes, reloaded from the last good file), since only
   * that proves user writes will work again (a full disk may still take a tiny probe).
   */
  async probeWrite(now: Date): Promise<void> {
    if (this.readOnly || this.closed || this.file.inMemory) return;
    try {
      if (!this.writes.writable) await this.mutate(() => undefined);
      else if (this.file.probe) await this.file.probe(now.toISOString());
    } catch (e) {
      this.writes.failed(e);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing) await this.flushing.catch(() => undefined);
    this.closed = true;
    await this.lock?.release();
  }
}
