import type { RateLimitRepo, TakeResult } from '../store/types.js';

export type { TakeResult } from '../store/types.js';

/**
 * Per-user token buckets. A bucket holds `limit` tokens and refills at `limit` per
 * `windowMs`, so a user can burst up to the limit and then keeps the average. The
 * buckets live in the store's RateLimitRepo: in memory with lowdb (one instance),
 * in a shared table with PostgreSQL (every instance counts against the same bucket).
 */
export interface Limit {
  limit: number;
  windowMs: number;
}

export interface Bucket {
  tokens: number;
  /** When `tokens` was last computed (epoch ms). */
  at: number;
  /** Until when the user was already told they are over the limit (epoch ms). */
  toldUntil: number;
}

/**
 * One take from a bucket, pure: the new bucket and the result. The PostgreSQL
 * repository does the same arithmetic in SQL (src/store/postgres); the contract
 * tests hold both to it.
 */
export function takeToken(prev: Bucket | undefined, limit: number, windowMs: number, now: number): { bucket: Bucket; result: TakeResult } {
  const b: Bucket = prev ? { ...prev } : { tokens: limit, at: now, toldUntil: 0 };
  b.tokens = Math.min(limit, b.tokens + Math.max(0, now - b.at) * (limit / windowMs));
  b.at = Math.max(b.at, now);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return { bucket: b, result: { ok: true } };
  }
  const notify = now >= b.toldUntil;
  if (notify) b.toldUntil = now + windowMs;
  return { bucket: b, result: { ok: false, notify } };
}

/** Buckets kept at most by the in-memory repository; the least recently used go first. */
const MAX_BUCKETS = 50_000;

/** The in-memory RateLimitRepo (lowdb's, and tests'): a runaway script cannot grow memory. */
export function memoryRateLimits(): RateLimitRepo {
  const buckets = new Map<string, Bucket>();
  return {
    take: async (key, limit, windowMs, now) => {
      const { bucket, result } = takeToken(buckets.get(key), limit, windowMs, now.getTime());
      buckets.delete(key); // re-insert: the Map keeps most recently used last
      buckets.set(key, bucket);
      if (buckets.size > MAX_BUCKETS) buckets.delete(buckets.keys().next().value as string);
      return result;
    },
  };
}

/** The limits by kind (`turn`, `knelpunt`), over a bucket repository. */
export class RateLimiter {
  constructor(
    private readonly limits: Record<string, Limit>,
    private readonly repo: RateLimitRepo = memoryRateLimits(),
    /** Told of every refusal (metrics). */
    private readonly onRefused?: (kind: string) => void,
  ) {}

  /** Takes one token of `kind` for `key`; says whether to tell the user (once per window). */
  async take(kind: string, key: string, now: Date): Promise<TakeResult> {
    const l = this.limits[kind];
    if (!l || l.limit <= 0) return { ok: true };
    // `kind` is one of a few fixed words without a colon, so `kind:key` is unambiguous; the
    // separator must be a character every backend stores (PostgreSQL refuses NUL).
    const result = await this.repo.take(`${kind}:${key}`, l.limit, l.windowMs, now);
    if (!result.ok) this.onRefused?.(kind);
    return result;
  }
}
