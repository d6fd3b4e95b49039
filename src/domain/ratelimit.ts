/**
 * Token-bucket arithmetic for the per-user limits, pure. A bucket holds `limit` tokens
 * and refills at `limit` per `windowMs`, so a user can burst up to the limit and then
 * keeps the average. Over the limit the user is told once per window. The PostgreSQL
 * repository does the same arithmetic in SQL; the store contract tests hold both to it.
 */
export type TakeResult = { ok: true } | { ok: false; notify: boolean };

export interface Bucket {
  tokens: number;
  /** When `tokens` was last computed (epoch ms). */
  at: number;
  /** Until when the user was already told they are over the limit (epoch ms). */
  toldUntil: number;
}

/** One take from a bucket: the new bucket and the result. */
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
