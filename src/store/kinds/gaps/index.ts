import type { GapOutcome } from '../../../domain/knowledge-gap.js';
import type { Locale, Platform } from '../../../domain/turn.js';
import { defineKind } from '../../kind.js';
import { GAPS_TABLE, lowdbGaps } from './lowdb.js';
import { GAPS_SQL } from './postgres.js';

export { GAP_OUTCOMES, isGapOutcome, type GapOutcome } from '../../../domain/knowledge-gap.js';
export { newGapRecord } from './record.js';

export interface KnowledgeGapRecord {
  id: string;
  /** What the user asked, as typed (cleaned, trimmed, capped). No user identity is stored. */
  text: string;
  locale: Locale;
  platform: Platform;
  at: string;
  /** Gaps stored before outcomes existed read as `unknown` (what they all were then). */
  outcome: GapOutcome;
  /** Entry ids the bot offered: the "Bedoelde je…" suggestions, or the answer found not helpful. */
  offered?: string[];
  /** The suggestion the user pressed (one of `offered`); the latest press counts. */
  picked?: string;
  /** Set on the dashboard ("afgehandeld"): the question was dealt with (new knowledge, or not relevant). */
  handledAt?: string;
  /** Coordinator id of who marked it handled. */
  handledBy?: string;
}

/**
 * A gap to store. Without `outcome` it is `unknown`. With `id`, storing is idempotent:
 * when a gap with that id exists, nothing changes and that gap is returned (one
 * "not helpful" gap per answer, however often it is pressed).
 */
export type NewKnowledgeGap = Omit<KnowledgeGapRecord, 'id' | 'outcome' | 'picked' | 'handledAt' | 'handledBy'> & { id?: string; outcome?: GapOutcome };

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
  add(record: NewKnowledgeGap): Promise<KnowledgeGapRecord>;
  get(id: string): Promise<KnowledgeGapRecord | undefined>;
  /** Oldest first; `since` inclusive; `outcome` only gaps with that outcome. */
  list(opts?: { since?: string; outcome?: GapOutcome }): Promise<KnowledgeGapRecord[]>;
  count(): Promise<number>;
  /**
   * The user pressed one of the offered suggestions: records it as `picked`. False (and
   * nothing changes) for an unknown gap, a gap that is not a "Bedoelde je…" one
   * (outcome `suggested`) or an entry that was not offered.
   */
  recordPick(id: string, entryId: string): Promise<boolean>;
  /** Marks gaps handled (ids that are unknown or already handled are skipped); returns how many changed. */
  markHandled(ids: readonly string[], by: string, now: Date): Promise<number>;
  /** Retention: removes the gaps asked before `olderThan`, handled or not; returns how many. */
  prune(olderThan: Date): Promise<number>;
  /** The overview's figures; `bounds` and `oldest` as in KnelpuntRepo.stats. */
  stats(bounds: readonly string[], oldest: number): Promise<GapStats>;
}

/** Questions the bot could not answer well ("kennisvragen"), for the IBP team; no identity. */
export const gapsKind = defineKind({
  name: 'gaps',
  lowdb: { tables: [GAPS_TABLE], repo: lowdbGaps },
  postgres: GAPS_SQL,
});
