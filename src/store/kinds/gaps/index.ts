import type { Locale, Platform } from '../../../domain/turn.js';
import { defineKind } from '../../kind.js';
import { GAPS_TABLE, lowdbGaps } from './lowdb.js';
import { GAPS_SQL } from './postgres.js';

export interface KnowledgeGapRecord {
  id: string;
  /** What the user asked, as typed (trimmed, capped). No user identity is stored. */
  text: string;
  locale: Locale;
  platform: Platform;
  at: string;
  /** Set on the dashboard ("afgehandeld"): the question was dealt with (new knowledge, or not relevant). */
  handledAt?: string;
  /** Coordinator id of who marked it handled. */
  handledBy?: string;
}

export interface GapStats {
  total: number;
  open: number;
  handled: number;
  /** Asked per bucket, as KnelpuntStats.perWeek. */
  perWeek: number[];
  /** The oldest unhandled questions, oldest first (ties in the order they were stored). */
  oldestOpen: KnowledgeGapRecord[];
  /** Median days from asked to handled; null when none was handled yet. */
  medianHandledDays: number | null;
}

export interface KnowledgeGapRepo {
  add(record: Omit<KnowledgeGapRecord, 'id' | 'handledAt' | 'handledBy'>): Promise<KnowledgeGapRecord>;
  /** Oldest first; `since` inclusive. */
  list(opts?: { since?: string }): Promise<KnowledgeGapRecord[]>;
  count(): Promise<number>;
  /** Marks gaps handled (ids that are unknown or already handled are skipped); returns how many changed. */
  markHandled(ids: readonly string[], by: string, now: Date): Promise<number>;
  /** Retention: removes the gaps asked before `olderThan`, handled or not; returns how many. */
  prune(olderThan: Date): Promise<number>;
  /** The overview's figures; `bounds` and `oldest` as in KnelpuntRepo.stats. */
  stats(bounds: readonly string[], oldest: number): Promise<GapStats>;
}

/** Questions the bot could not answer ("kennisvragen"), for the IBP team; no identity. */
export const gapsKind = defineKind({
  name: 'gaps',
  lowdb: { tables: [GAPS_TABLE], repo: lowdbGaps },
  postgres: GAPS_SQL,
});
