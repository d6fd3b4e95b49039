import { defineKind } from '../../kind.js';
import { memoryDedupe } from './lowdb.js';
import { DEDUPE_SQL } from './postgres.js';

export interface DedupeRepo {
  /**
   * Atomic set-if-absent: true the first time a key is seen within `ttlMs`, false
   * for a redelivery. Used for Slack event ids, interaction ids and Teams activity ids.
   */
  firstSeen(key: string, now: Date, ttlMs: number): Promise<boolean>;
  /** Removes the keys that expired at or before `now`; returns how many. */
  prune(now: Date): Promise<number>;
}

/**
 * Redelivery keys. Short-lived: lowdb keeps them in memory (one instance; after a restart
 * a platform's redelivery of a turn that never finished is welcome), PostgreSQL in a
 * table every instance shares.
 */
export const dedupeKind = defineKind({
  name: 'dedupe',
  lowdb: { tables: [], repo: () => memoryDedupe() },
  postgres: DEDUPE_SQL,
});
