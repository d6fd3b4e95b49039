import pg from 'pg';
import { describePostgresUrl } from '../../config.js';
import type { Logger } from '../../log.js';
import { DUMP_KINDS, dumpCounts, isEmptyDump, type Dumpable, type StoreDump } from '../dump.js';
import { StoreError, StoreUnusableError } from '../errors.js';
import { guardRepo, storableDeep } from '../guard.js';
import { buildRepos, RECORD_KINDS, type Repos } from '../registry.js';
import type { Store, StoreHealth } from '../types.js';
import { CONNECT_TIMEOUT_MS, Db, QUERY_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from './db.js';
import { assertCurrentSchema, migrate, type MigrationResult } from './migrate.js';

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

/** Every table a dump holds, in an order that satisfies the foreign keys when loading (registry order). */
const DUMPED = RECORD_KINDS.filter((k) => k.postgres.dump);
const TABLES = DUMPED.flatMap((k) => k.postgres.tables);

/**
 * The PostgreSQL store (DATABASE_URL): every repository over one `pg.Pool`, shared by
 * any number of bot instances. Exactly-once guarantees come from the database
 * (row locks, unique keys, compare-and-set updates), not from the process.
 */
/** The repositories are assigned from the registry in the constructor; this merge gives them their types without listing them again. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface PostgresStore extends Repos {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class PostgresStore implements Store, Dumpable {
  readonly backend = 'postgres';
  readonly shared = true;
  readonly sendingLeaseMs?: number;

  private constructor(
    private readonly db: Db,
    /** Host, port and database: no credentials. */
    readonly location: string,
    sendingLeaseMs: number | undefined,
  ) {
    // Every repository from the registry, with the same text rules as every backend (src/store/guard.ts).
    Object.assign(this, buildRepos((kind) => kind.postgres.repo(db), (repo) => guardRepo(repo)));
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

  /** Every durable record, per table, as one consistent snapshot (REPEATABLE READ); short-lived state is not in it. */
  async exportAll(): Promise<StoreDump> {
    return this.db.tx(async (q) => {
      await q('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const out: StoreDump = {};
      for (const k of DUMPED) Object.assign(out, await k.postgres.dump!(q));
      return out;
    }, { bulk: true });
  }

  /** Loads a dump in one transaction; refuses a database that holds any record (short-lived state aside). */
  async importAll(raw: StoreDump): Promise<void> {
    const dump = storableDeep(raw);
    await this.db.tx(async (q) => {
      // Nobody may write while we check and load.
      await q(`LOCK TABLE ${TABLES.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
      for (const t of TABLES) {
        if ((await q(`SELECT 1 FROM ${t} LIMIT 1`)).rowCount) throw new StoreError(`The PostgreSQL database at ${this.location} is not empty (table ${t} has rows); refusing to import into it.`);
      }
      for (const k of DUMPED) await k.postgres.load?.(q, dump);
    }, { bulk: true });
  }

  /** True when no table holds a record (dedupe keys and buckets aside). */
  async isEmpty(): Promise<boolean> {
    return isEmptyDump(await this.exportAll());
  }
}

export { DUMP_KINDS };
