import { takeToken } from '../../../domain/ratelimit.js';
import type { PostgresPart } from '../../kind.js';
import type { Db } from '../../postgres/db.js';
import type { RateLimitRepo } from './index.js';

/** Buckets untouched for a whole window are removed now and then by whichever instance gets there. */
const PRUNE_EVERY = 200;

/**
 * Token buckets shared by every instance. A first take inserts the bucket computed by
 * `takeToken` itself; later takes do the same arithmetic in SQL, in the same order of
 * float8 operations, inside the ON CONFLICT update (the row lock makes it atomic). In
 * SET, every column reference is the old value, so `outcome` sees the bucket before
 * this take.
 */
export function pgRateLimits(db: Db): RateLimitRepo {
  let calls = 0;
  const refill = 'LEAST($2::float8, rate_limits.tokens + GREATEST(0::float8, $4::float8 - rate_limits.at_ms) * ($2::float8 / $3::float8))';
  return {
    take: async (key, limit, windowMs, now) => {
      const t = now.getTime();
      const first = takeToken(undefined, limit, windowMs, t);
      const firstOutcome = first.result.ok ? 0 : first.result.notify ? 1 : 2;
      const r = await db.query<{ outcome: number }>(
        `INSERT INTO rate_limits (key, tokens, at_ms, told_until_ms, window_ms, outcome) VALUES ($1, $5, $6, $7, $3, $8)
         ON CONFLICT (key) DO UPDATE SET
           tokens = CASE WHEN ${refill} >= 1 THEN ${refill} - 1 ELSE ${refill} END,
           at_ms = GREATEST(rate_limits.at_ms, $4::float8),
           told_until_ms = CASE WHEN ${refill} >= 1 THEN rate_limits.told_until_ms
                                WHEN $4::float8 >= rate_limits.told_until_ms THEN $4::float8 + $3::float8
                                ELSE rate_limits.told_until_ms END,
           window_ms = $3::float8,
           outcome = CASE WHEN ${refill} >= 1 THEN 0 WHEN $4::float8 >= rate_limits.told_until_ms THEN 1 ELSE 2 END
         RETURNING outcome`,
        [key, limit, windowMs, t, first.bucket.tokens, first.bucket.at, first.bucket.toldUntil, firstOutcome],
      );
      // A bucket untouched for a whole window is full again, the same as no bucket: remove those now and then.
      if (++calls % PRUNE_EVERY === 0) await db.query('DELETE FROM rate_limits WHERE at_ms + window_ms <= $1', [t]);
      const outcome = r.rows[0]?.outcome ?? 0;
      return outcome === 0 ? { ok: true } : { ok: false, notify: outcome === 1 };
    },
  };
}

/** Not copied by `store copy`: buckets refill within their window. */
export const RATE_LIMITS_SQL: PostgresPart<RateLimitRepo> = { tables: ['rate_limits'], repo: pgRateLimits };
