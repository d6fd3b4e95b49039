import pg from 'pg';
import { StoreError } from '../types.js';
import { WriteHealth } from '../write-health.js';

/**
 * The connection pool and the two ways the repositories reach it: one statement, or a
 * transaction. Every failure of the driver or the database becomes a StoreError (the
 * bot then answers "probeer het zo nog eens"); a deadlock or serialisation failure is
 * retried. Nothing waits long while the database is down:
 *
 * - connecting gives up after CONNECT_TIMEOUT_MS; a call that only waits for a busy pool
 *   (a burst of requests) queues in our own gate for up to BUSY_WAIT_MS instead, so a
 *   burst is served a little later rather than answered with "try again";
 * - the server cancels a statement after STATEMENT_TIMEOUT_MS (statement_timeout);
 * - the client gives up on an answer after QUERY_TIMEOUT_MS (a server that is gone
 *   answers nothing, not even the cancel), and that connection is discarded;
 * - after a failure that says the server cannot be reached, calls fail at once for
 *   FAIL_FAST_MS, so a request with several store calls does not wait for each.
 *
 * Together a request fails within about 4 s; the pool reconnects by itself once the
 * database is back.
 */
export const CONNECT_TIMEOUT_MS = 2_000;
export const STATEMENT_TIMEOUT_MS = 3_000;
export const QUERY_TIMEOUT_MS = 3_500;
export const FAIL_FAST_MS = 1_000;
/** A connection timeout within this long after the database last answered counts as load, not an outage. */
const RECENT_ANSWER_MS = 5_000;
/** How long a call may wait for one of the pool's connections while all are busy. */
export const BUSY_WAIT_MS = 10_000;
/** Scheduler claims of thousands of slots, migrations, dumps: not on a user's request path. */
export const BULK_TIMEOUT_MS = 120_000;

export type Row = Record<string, unknown>;
/** `query_timeout` per query is supported by pg (client.js) but missing from @types/pg. */
const timed = (text: string, values: unknown[], timeoutMs: number): pg.QueryConfig => ({ text, values, query_timeout: timeoutMs }) as pg.QueryConfig;
export type Query = <R extends Row = Row>(text: string, values?: unknown[]) => Promise<pg.QueryResult<R>>;

/** Our own "cannot be reached right now" while the fail-fast window is open: not a new failure. */
class FailFast extends StoreError {}

/** pg's timeout while opening a connection (not while waiting for an answer). */
const connectTimedOut = (e: unknown): boolean => e instanceof Error && /Connection terminated due to connection timeout|timeout exceeded when trying to connect/.test(e.message);

/** Errors that mean the server cannot be reached (as opposed to an SQL error). */
function unreachable(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(code)) return true;
  const msg = e instanceof Error ? e.message : '';
  // Not "timeout exceeded when trying to connect": pg-pool says that when every pooled
  // connection is busy (a burst of requests), which is no reason to refuse the next calls.
  return /Query read timeout|Connection terminated|connection timeout/i.test(msg);
}

/** Errors after which a connection must not go back to the pool. */
function connectionBroken(e: unknown): boolean {
  if (unreachable(e)) return true;
  const code = (e as { code?: unknown }).code;
  // 57P01..57P03: the server is shutting down or restarting; 08xxx: connection exceptions
  return typeof code === 'string' && (/^57P0[123]$/.test(code) || code.startsWith('08'));
}

const RETRYABLE = new Set(['40P01', '40001']); // deadlock detected, serialization failure

/** A statement that changes data (a CTE counts when it holds a write). */
export function isWrite(text: string): boolean {
  return /^\s*(INSERT|UPDATE|DELETE|MERGE|LOCK)\b/i.test(text) || (/^\s*WITH\b/i.test(text) && /\b(INSERT|UPDATE|DELETE)\b/i.test(text));
}

/**
 * A failed write that says this instance cannot write now, as opposed to one our own
 * SQL or data caused (a constraint, a deadlock: those are handled where they happen).
 * 08: connection; 25006: read-only transaction; 42501: no privilege; 53: disk full, out of
 * memory or connections; 57: cancelled (statement timeout), shutting down; 58: I/O error.
 */
export function cannotWrite(e: unknown): boolean {
  if (unreachable(e)) return true;
  if (e instanceof StoreError && /cannot be reached/.test(e.message)) return true;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (/^(08|53|57|58)/.test(code) || code === '25006' || code === '42501');
}

/** Our own errors and programming errors pass through; everything from the driver becomes a StoreError. */
export function toStoreError(e: unknown): unknown {
  if (e instanceof StoreError) return e;
  if (e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError) return e;
  if (e instanceof Error && (e as { passThrough?: boolean }).passThrough) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown }).code;
  return new StoreError(`PostgreSQL: ${msg}${typeof code === 'string' && !msg.includes(code) ? ` (${code})` : ''}`, { cause: e });
}

/**
 * At most `size` calls use the pool at once; the rest wait here, first come first served.
 * pg-pool's own wait shares CONNECT_TIMEOUT_MS with connecting, so a busy pool looked
 * like an unreachable database and a burst got 503s (seen with the default rate limits,
 * which add a statement to every turn).
 */
class Gate {
  private active = 0;
  private readonly waiting: { go: () => void; timer: NodeJS.Timeout }[] = [];
  constructor(private readonly size: number) {}

  async enter(timeoutMs: number): Promise<void> {
    if (this.active < this.size) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const entry = {
        go: (): void => {
          clearTimeout(entry.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          reject(new StoreError(`PostgreSQL: every connection stayed busy for ${timeoutMs} ms; try again shortly.`));
        }, timeoutMs),
      };
      this.waiting.push(entry);
    });
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next.go(); // the slot passes straight to the next caller
    else this.active--;
  }
}

export class Db {
  /** Whether the last write went through (StoreHealth.writable). */
  readonly writes = new WriteHealth();
  private closed = false;
  private readonly gate: Gate;
  private failFastUntil = 0;
  private lastFailure = '';

  /**
   * An idle pooled connection that breaks (the database restarts) makes the pool emit
   * 'error'; with no listener that would end the process. The pool drops that connection
   * and makes a new one when needed, so reporting it is all there is to do.
   */
  constructor(
    readonly pool: pg.Pool,
    onIdleError: (err: Error) => void = () => undefined,
    private readonly busyWaitMs = BUSY_WAIT_MS,
  ) {
    pool.on('error', onIdleError);
    this.gate = new Gate((pool.options as pg.PoolConfig | undefined)?.max ?? 10);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private check(): void {
    if (this.closed) throw new StoreError('The store is closed.');
    if (Date.now() < this.failFastUntil) throw new FailFast(`PostgreSQL cannot be reached right now (${this.lastFailure}); retrying shortly.`);
  }

  private noteFailure(e: unknown): void {
    if (e instanceof FailFast) return;
    // A new connection that is slow to open while others work is load (authentication is
    // CPU-heavy), not an unreachable server: no reason to refuse everyone's next calls.
    if (connectTimedOut(e) && this.recentlyAnswered()) return;
    if (unreachable(e)) {
      this.failFastUntil = Date.now() + FAIL_FAST_MS;
      this.lastFailure = e instanceof Error ? e.message : String(e);
    }
  }

  /** When the database last answered a statement (epoch ms). */
  private answeredAt = 0;

  /** The database answered within the last few seconds: a slow new connection is load, not an outage. */
  private recentlyAnswered(): boolean {
    return Date.now() - this.answeredAt < RECENT_ANSWER_MS;
  }

  /** The database answered: calls may go through again at once. */
  noteSuccess(): void {
    this.failFastUntil = 0;
  }

  /** One statement on any pooled connection (auto-commit). */
  async query<R extends Row = Row>(text: string, values: unknown[] = [], timeoutMs = QUERY_TIMEOUT_MS): Promise<pg.QueryResult<R>> {
    const write = isWrite(text);
    try {
      this.check();
      await this.gate.enter(this.busyWaitMs);
    } catch (e) {
      if (write && cannotWrite(e)) this.writes.failed(e);
      throw e;
    }
    try {
      this.check(); // the database may have been found down while this call waited
      const run = (): Promise<pg.QueryResult<R>> => this.pool.query<R>(timed(text, values, timeoutMs));
      // A connection that could not be opened sent nothing: once more, if the database is answering others.
      const result = await run().catch((e: unknown) => {
        if (!connectTimedOut(e) || !this.recentlyAnswered()) throw e;
        return run();
      });
      this.answeredAt = Date.now();
      if (write) this.writes.succeeded();
      return result;
    } catch (e) {
      this.noteFailure(e);
      const err = toStoreError(e);
      if (write && cannotWrite(e)) this.writes.failed(err);
      throw err;
    } finally {
      this.gate.leave();
    }
  }

  /**
   * Runs `fn` in one transaction: all its statements commit together or not at all. A
   * deadlock or serialisation failure runs it again (up to 3 times). `bulk` raises the
   * timeouts for work that is not on a request path.
   */
  async tx<T>(fn: (q: Query) => Promise<T>, opts: { bulk?: boolean } = {}): Promise<T> {
    const timeout = opts.bulk ? BULK_TIMEOUT_MS : QUERY_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      this.check();
      await this.gate.enter(this.busyWaitMs);
      let wrote = false;
      let client: pg.PoolClient;
      try {
        this.check();
        client = await this.pool.connect().catch((e: unknown) => {
          if (!connectTimedOut(e) || !this.recentlyAnswered()) throw e;
          return this.pool.connect(); // as in query(): once more while other connections work
        });
      } catch (e) {
        this.gate.leave();
        this.noteFailure(e);
        throw toStoreError(e);
      }
      let discard = false;
      // pg-pool removes its idle 'error' listener while a client is checked out, and a pg
      // client emits 'error' when its connection breaks (the server stops, the network
      // drops), even when a query also receives the error. With no listener that event
      // would crash the process, so listen for the whole checkout: the pending or next
      // query fails with the same error, and the connection is discarded at release.
      let broken: unknown;
      const onError = (err: unknown): void => {
        broken ??= err;
        discard = true;
      };
      client.on('error', onError);
      try {
        const q: Query = (text, values = []) => {
          wrote ||= isWrite(text);
          if (broken !== undefined) return Promise.reject(broken as Error);
          return client.query(timed(text, values, timeout));
        };
        await q('BEGIN');
        if (opts.bulk) await q(`SET LOCAL statement_timeout = ${BULK_TIMEOUT_MS}`);
        const out = await fn(q);
        await q('COMMIT');
        this.answeredAt = Date.now();
        if (wrote) this.writes.succeeded();
        return out;
      } catch (e) {
        discard ||= connectionBroken(e);
        // After a timeout the connection may still be waiting for an answer: never wait for a ROLLBACK on it.
        if (!discard) {
          await client.query(timed('ROLLBACK', [], QUERY_TIMEOUT_MS)).catch(() => {
            discard = true;
          });
        }
        const code = (e as { code?: unknown }).code;
        if (typeof code === 'string' && RETRYABLE.has(code) && attempt < 3) {
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
          continue;
        }
        this.noteFailure(e);
        const err = toStoreError(e);
        if (wrote && cannotWrite(e)) this.writes.failed(err);
        throw err;
      } finally {
        client.removeListener('error', onError);
        client.release(discard ? true : undefined);
        this.gate.leave();
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
