import type { TakeResult } from '../domain/ratelimit.js';
import type { RateLimitRepo } from '../store/types.js';

export type { TakeResult } from '../domain/ratelimit.js';

/**
 * Per-user limits by kind (`turn`, `knelpunt`, …), each a token bucket (the arithmetic is
 * in src/domain/ratelimit.ts). The buckets live in the store's RateLimitRepo: in memory
 * with lowdb (one instance), in a shared table with PostgreSQL (every instance counts
 * against the same bucket).
 */
export interface Limit {
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  constructor(
    private readonly limits: Record<string, Limit>,
    private readonly repo: RateLimitRepo,
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
