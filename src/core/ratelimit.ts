/**
 * Per-user token buckets (in memory; a shared counter comes with PostgreSQL). A
 * bucket holds `limit` tokens and refills at `limit` per `windowMs`, so a user can
 * burst up to the limit and then keeps the average. Pure apart from its own state;
 * the clock is passed in.
 */
export interface Limit {
  limit: number;
  windowMs: number;
}

export type TakeResult = { ok: true } | { ok: false; notify: boolean };

interface Bucket {
  tokens: number;
  at: number;
  /** Until when the user was already told they are over the limit. */
  toldUntil: number;
}

/** Buckets kept at most; the oldest are dropped first (a runaway script cannot grow memory). */
const MAX_BUCKETS = 50_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limits: Record<string, Limit>) {}

  /** Takes one token of `kind` for `key`; says whether to tell the user (once per window). */
  take(kind: string, key: string, now: number): TakeResult {
    const l = this.limits[kind];
    if (!l || l.limit <= 0) return { ok: true };
    const id = `${kind}\u0000${key}`;
    const rate = l.limit / l.windowMs;
    const b = this.buckets.get(id) ?? { tokens: l.limit, at: now, toldUntil: 0 };
    b.tokens = Math.min(l.limit, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.buckets.delete(id); // re-insert: the Map keeps most recently used last
    this.buckets.set(id, b);
    if (this.buckets.size > MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value as string);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    const notify = now >= b.toldUntil;
    if (notify) b.toldUntil = now + l.windowMs;
    return { ok: false, notify };
  }
}
