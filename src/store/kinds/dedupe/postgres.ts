import type { PostgresPart } from '../../kind.js';
import type { Db } from '../../postgres/db.js';
import type { DedupeRepo } from './index.js';

/** Expired keys are removed now and then by whichever instance gets there. */
const PRUNE_EVERY = 200;

export function pgDedupe(db: Db): DedupeRepo {
  let calls = 0;
  return {
    // One statement: insert the key, or take over an expired one. A row back means first seen.
    firstSeen: async (key, now, ttlMs) => {
      const r = await db.query(
        `INSERT INTO dedupe (key, expires_at) VALUES ($1, $3) ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE dedupe.expires_at <= $2 RETURNING key`,
        [key, now.toISOString(), new Date(now.getTime() + ttlMs).toISOString()],
      );
      if (++calls % PRUNE_EVERY === 0) await db.query('DELETE FROM dedupe WHERE expires_at <= $1', [now.toISOString()]);
      return (r.rowCount ?? 0) > 0;
    },
    prune: async (now) => (await db.query('DELETE FROM dedupe WHERE expires_at <= $1', [now.toISOString()])).rowCount ?? 0,
  };
}

/** Not copied by `store copy`: redelivery keys expire within minutes. */
export const DEDUPE_SQL: PostgresPart<DedupeRepo> = { tables: ['dedupe'], repo: pgDedupe };
