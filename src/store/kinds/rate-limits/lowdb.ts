import { takeToken, type Bucket } from '../../../domain/ratelimit.js';
import type { RateLimitRepo } from './index.js';

/** Buckets kept at most; the least recently used go first. */
const MAX_BUCKETS = 50_000;

/** lowdb's RateLimitRepo, in memory: a runaway script cannot grow memory. */
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
