import type { DedupeRepo } from './index.js';

/** Keys kept at most; the oldest go first (a runaway sender cannot grow memory). */
const MAX_KEYS = 100_000;

/** lowdb's DedupeRepo: in memory, expiring by time and bounded in number. */
export function memoryDedupe(): DedupeRepo {
  const expiry = new Map<string, number>();
  return {
    firstSeen: async (key, now, ttlMs) => {
      const t = now.getTime();
      const until = expiry.get(key);
      if (until !== undefined && until > t) return false;
      expiry.delete(key); // re-insert: the Map keeps the newest last
      expiry.set(key, t + ttlMs);
      // Over the bound, the oldest go (expired ones are removed by housekeeping, `prune`).
      for (const k of expiry.keys()) {
        if (expiry.size <= MAX_KEYS) break;
        expiry.delete(k);
      }
      return true;
    },
    prune: async (now) => {
      const t = now.getTime();
      let n = 0;
      for (const [k, exp] of expiry) {
        if (exp > t) continue;
        expiry.delete(k);
        n++;
      }
      return n;
    },
  };
}
