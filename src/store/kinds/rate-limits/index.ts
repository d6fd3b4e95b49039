import type { TakeResult } from '../../../domain/ratelimit.js';
import { defineKind } from '../../kind.js';
import { memoryRateLimits } from './lowdb.js';
import { RATE_LIMITS_SQL } from './postgres.js';

/**
 * Per-user token buckets (the arithmetic: src/domain/ratelimit.ts). Over the limit,
 * `notify` is true once per window. lowdb keeps buckets in memory (one instance; a limit
 * need not survive a restart); PostgreSQL shares them between instances (one statement).
 */
export interface RateLimitRepo {
  take(key: string, limit: number, windowMs: number, now: Date): Promise<TakeResult>;
}

export const rateLimitsKind = defineKind({
  name: 'rateLimits',
  lowdb: { tables: [], repo: () => memoryRateLimits() },
  postgres: RATE_LIMITS_SQL,
});
