import pg from 'pg';
import { describePostgresUrl } from '../../config.js';
import type { Logger } from '../../log.js';
import { guardRepo, storableDeep } from '../guard.js';
import { DUMP_KINDS, dumpCounts, isEmptyDump, type Dumpable, type StoreDump } from '../dump.js';
import {
  StoreError, StoreUnusableError,
  type ConversationRefRepo, type DedupeRepo, type DialogueRepo, type FeedbackRepo, type KnelpuntRepo, type KnowledgeGapRepo, type NudgeRepo,
  type RateLimitRepo, type ReflectionRepo, type Store, type StoreHealth, type SubscriptionRepo, type TriageChannelRepo, type WebSessionRepo,
} from '../types.js';
import {
  conversationRow, feedbackRow, gapRow, pgConversations, pgDedupe, pgFeedback, pgGaps, pgRateLimits, pgSessions, pgTriageChannels,
  SESSION_COLUMNS, sessionRow, sessionValues,
} from './basic.js';
import { CONNECT_TIMEOUT_MS, Db, QUERY_TIMEOUT_MS, STATEMENT_TIMEOUT_MS, type Query } from './db.js';
import { KNELPUNT_COLUMNS, knelpuntRow, knelpuntValues, pgKnelpunten } from './knelpunten.js';
import { assertCurrentSchema, migrate, type MigrationResult } from './migrate.js';
import {
  DIALOGUE_COLUMNS, dialogueRow, dialogueValues, NUDGE_COLUMNS, nudgeRow, pgDialogues, pgNudges, pgReflections, pgSubscriptions,
  REFLECTION_COLUMNS, reflectionRow, reflectionValues, SUBSCRIPTION_COLUMNS, subscriptionRow, subscriptionValues,
} from './reflectie.js';

export interface PostgresStoreOptions {
  /** A postgres:// URL (a secret: it is never logged or put in an error message). */
  url: string;
  log?: Logger;
  /** Apply missing migrations (start-up, `ibp-bot migrate`); false: refuse a schema that is not current (read-only CLI use). */
  migrate?: boolean;
  /** NUDGE_SENDING_LEASE_MS. */
  sendingLeaseMs?: number;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

/** Every table, in an order that satisfies the foreign keys when loading. */
const TABLES = [
  'feedback', 'knowledge_gaps', 'conversation_refs', 'knelpunten', 'knelpunt_counters', 'knelpunt_submissions', 'triage_channels',
  'reflections', 'dialogues', 'subscriptions', 'nudges', 'web_sessions',
] as const;

/**
 * Multi-row INSERT in chunks (a statement takes at most 65,535 parameters). When a chunk
 * is refused, its rows are tried one at a time (each under a savepoint) to find the
 * record, and the error names the table and that record's key, so an operator can fix
 * the source instead of guessing.
 */
async function insertMany(q: Query, table: string, columns: string, rows: unknown[][], keyOf: (row: unknown[]) => string = (r) => String(r[0])): Promise<void> {
  const width = columns.split(',').length;
  const per = Math.max(1, Math.floor(10_000 / width));
  const insert = (chunk: unknown[][]): Promise<unknown> => {
    const values = chunk.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
    return q(`INSERT INTO ${table} (${columns}) VALUES ${values}`, chunk.flat());
  };
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    await q('SAVEPOINT chunk');
    try {
      await insert(chunk);
      await q('RELEASE SAVEPOINT chunk');
      continue;
    } catch (e) {
      await q('ROLLBACK TO SAVEPOINT chunk');
      if (chunk.length === 1) throw recordError(table, keyOf(chunk[0]!), e);
      for (const row of chunk) {
        await q('SAVEPOINT one');
        try {
          await insert([row]);
        } catch (err) {
          throw recordError(table, keyOf(row), err);
        }
        await q('RELEASE SAVEPOINT one');
      }
      throw recordError(table, '(unknown)', e); // the chunk failed but every row alone succeeded: report the chunk's error
    }
  }
}

function recordError(table: string, key: string, cause: unknown): StoreError {
  const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
  return new StoreError(`PostgreSQL refused the record ${shown} of table ${table}: ${(cause as Error).message}`, { cause });
}

/**
 * The PostgreSQL store (DATABASE_URL): every repository over one `pg.Pool`, shared by
 * any number of bot instances. Exactly-once guarantees come from the database
 * (row locks, unique keys, compare-and-set updates), not from the process.
 */
export class PostgresStore implements Store, Dumpable {
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
  readonly backend = 'postgres';
  readonly shared = true;
  readonly sendingLeaseMs?: number;

  private constructor(
    private readonly db: Db,
    /** Host, port and database: no credentials. */
    readonly location: string,
    sendingLeaseMs: number | undefined,
  ) {
    this.feedback = guardRepo(pgFeedback(db));
    this.gaps = guardRepo(pgGaps(db));
    this.conversations = guardRepo(pgConversations(db));
    this.dedupe = guardRepo(pgDedupe(db));
    this.knelpunten = guardRepo(pgKnelpunten(db));
    this.triageChannels = guardRepo(pgTriageChannels(db));
    this.reflections = guardRepo(pgReflections(db));
    this.dialogues = guardRepo(pgDialogues(db));
    this.subscriptions = guardRepo(pgSubscriptions(db));
    this.nudges = guardRepo(pgNudges(db));
    this.rateLimits = guardRepo(pgRateLimits(db));
    this.sessions = guardRepo(pgSessions(db));
    if (sendingLeaseMs !== undefined) this.sendingLeaseMs = sendingLeaseMs;
  }

  /**
   * Connects, then migrates (or checks the schema). Refuses with a StoreUnusableError
   * naming host and database (never the URL's password) when the database cannot be
   * reached or its schema is newer than this code.
   */
  static async open(opts: PostgresStoreOptions): Promise<PostgresStore> {
    const location = describePostgresUrl(opts.url);
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      idle_in_transaction_session_timeout: 30_000,
      application_name: 'ibp-bot',
      keepAlive: true,
    });
    const db = new Db(pool, (err) => opts.log?.warn({ reason: err.message }, 'PostgreSQL: an idle connection was lost; the pool reconnects when needed'));
    try {
      if (opts.migrate === false) {
        await assertCurrentSchema(db);
      } else {
        const res = await migrate(db);
        if (res.applied.length > 0) opts.log?.info({ from: res.from, to: res.to, applied: res.applied.map((m) => `${m.version} ${m.name}`) }, 'PostgreSQL: schema migrated');
      }
    } catch (e) {
      await db.close().catch(() => undefined);
      if (e instanceof StoreUnusableError) throw e;
      throw new StoreUnusableError(`Cannot use the PostgreSQL database at ${location}: ${(e as Error).message}`, { cause: e });
    }
    return new PostgresStore(db, location, opts.sendingLeaseMs);
  }

  /** `ibp-bot migrate`: applies missing migrations and closes again. */
  static async migrate(url: string): Promise<MigrationResult> {
    const db = new Db(new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'ibp-bot migrate' }));
    db.pool.on('error', () => undefined);
    try {
      return await migrate(db);
    } catch (e) {
      if (e instanceof StoreUnusableError) throw e;
      throw new StoreUnusableError(`Cannot migrate the PostgreSQL database at ${describePostgresUrl(url)}: ${(e as Error).message}`, { cause: e });
    } finally {
      await db.close().catch(() => undefined);
    }
  }

  async health(): Promise<StoreHealth> {
    if (this.db.isClosed) return { ok: false, backend: 'postgres', detail: 'closed', writable: false, writeProblem: 'closed' };
    try {
      await this.db.query('SELECT 1', [], CONNECT_TIMEOUT_MS);
      this.db.noteSuccess();
      return { ok: true, backend: 'postgres', detail: this.location, ...this.db.writes.report() };
    } catch (e) {
      return { ok: false, backend: 'postgres', detail: (e as Error).message, ...this.db.writes.report() };
    }
  }

  /** Updates the one row of `store_probe` (migration 4); any failure counts, whatever its code. */
  async probeWrite(now: Date): Promise<void> {
    if (this.db.isClosed) return;
    try {
      await this.db.query('INSERT INTO store_probe (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at', [now.toISOString()], CONNECT_TIMEOUT_MS);
    } catch (e) {
      this.db.writes.failed(e);
    }
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /** Record counts per kind, read in one snapshot. */
  async counts(): Promise<ReturnType<typeof dumpCounts>> {
    return dumpCounts(await this.exportAll());
  }

  /** Everything but dedupe keys and rate-limit buckets, as one consistent snapshot (REPEATABLE READ). */
  async exportAll(): Promise<StoreDump> {
    return this.db.tx(async (q) => {
      await q('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const all = async (sql: string): Promise<Record<string, unknown>[]> => (await q(sql)).rows;
      const conversations = (await all('SELECT * FROM conversation_refs ORDER BY key')).map(conversationRow);
      const dialogues = (await all('SELECT * FROM dialogues ORDER BY key')).map(dialogueRow);
      const nudges = (await all('SELECT * FROM nudges ORDER BY slot, subscription_id')).map(nudgeRow);
      const sessions = (await all('SELECT * FROM web_sessions ORDER BY id')).map(sessionRow);
      return {
        feedback: (await all('SELECT * FROM feedback ORDER BY pos')).map(feedbackRow),
        gaps: (await all('SELECT * FROM knowledge_gaps ORDER BY pos')).map(gapRow),
        conversations: Object.fromEntries(conversations.map((c) => [c.key, c])),
        knelpunten: (await all('SELECT * FROM knelpunten ORDER BY pos')).map(knelpuntRow),
        knelpuntCounters: Object.fromEntries((await all('SELECT year, seq FROM knelpunt_counters ORDER BY year')).map((r) => [String(r.year), Number(r.seq)])),
        knelpuntSubmissions: Object.fromEntries((await all('SELECT key, ref FROM knelpunt_submissions ORDER BY key')).map((r) => [String(r.key), String(r.ref)])),
        triageChannels: (await all('SELECT * FROM triage_channels ORDER BY pos')).map((r) => ({ key: String(r.key), by: String(r.added_by), at: (r.added_at as Date).toISOString() })),
        reflections: (await all('SELECT * FROM reflections ORDER BY pos')).map(reflectionRow),
        dialogues: Object.fromEntries(dialogues.map((d) => [d.key, d])),
        subscriptions: (await all('SELECT * FROM subscriptions ORDER BY pos')).map(subscriptionRow),
        nudges: Object.fromEntries(nudges.map((n) => [`${n.subscriptionId}|${n.slot}`, n])),
        sessions: Object.fromEntries(sessions.map((s) => [s.id, s])),
      };
    }, { bulk: true });
  }

  /** Loads a dump in one transaction; refuses a database that holds any record (dedupe keys and buckets aside). */
  async importAll(raw: StoreDump): Promise<void> {
    const dump = storableDeep(raw);
    await this.db.tx(async (q) => {
      // Nobody may write while we check and load.
      await q(`LOCK TABLE ${TABLES.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
      for (const t of TABLES) {
        if ((await q(`SELECT 1 FROM ${t} LIMIT 1`)).rowCount) throw new StoreError(`The PostgreSQL database at ${this.location} is not empty (table ${t} has rows); refusing to import into it.`);
      }
      await insertMany(q, 'feedback', 'id, entry_id, value, platform, question, at', dump.feedback.map((f) => [f.id, f.entryId, f.value, f.platform, f.question ?? null, f.at]));
      await insertMany(q, 'knowledge_gaps', 'id, text, locale, platform, at, handled_at, handled_by',
        dump.gaps.map((g) => [g.id, g.text, g.locale, g.platform, g.at, g.handledAt ?? null, g.handledBy ?? null]));
      await insertMany(q, 'conversation_refs', 'key, platform, conversation_id, kind, thread_id, team_id, data, active, inactive_reason, updated_at',
        Object.values(dump.conversations).map((c) => [c.key, c.platform, c.conversationId, c.kind, c.threadId ?? null, c.teamId ?? null, JSON.stringify(c.data), c.active, c.inactiveReason ?? null, c.updatedAt]));
      await insertMany(q, 'knelpunten', KNELPUNT_COLUMNS, dump.knelpunten.map(knelpuntValues));
      await insertMany(q, 'knelpunt_counters', 'year, seq', Object.entries(dump.knelpuntCounters).map(([y, n]) => [Number(y), n]));
      await insertMany(q, 'knelpunt_submissions', 'key, ref', Object.entries(dump.knelpuntSubmissions));
      await insertMany(q, 'triage_channels', 'key, added_by, added_at', dump.triageChannels.map((c) => [c.key, c.by, c.at]));
      await insertMany(q, 'reflections', REFLECTION_COLUMNS, dump.reflections.map(reflectionValues));
      await insertMany(q, 'dialogues', DIALOGUE_COLUMNS, Object.values(dump.dialogues).map(dialogueValues));
      await insertMany(q, 'subscriptions', SUBSCRIPTION_COLUMNS, dump.subscriptions.map(subscriptionValues));
      await insertMany(q, 'nudges', NUDGE_COLUMNS, Object.values(dump.nudges).map((n) => [
        n.subscriptionId, n.slot, n.kind, n.channelKey, n.status, n.questionId ?? null, n.detail ?? null, n.claimedAt, n.updatedAt,
      ]), (r) => `${String(r[0])}|${String(r[1])}`);
      await insertMany(q, 'web_sessions', SESSION_COLUMNS, Object.values(dump.sessions).map(sessionValues));
    }, { bulk: true });
  }

  /** True when no table holds a record (dedupe keys and buckets aside). */
  async isEmpty(): Promise<boolean> {
    return isEmptyDump(await this.exportAll());
  }
}

export { DUMP_KINDS };
