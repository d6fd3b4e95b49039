import type { Platform } from '../../../domain/turn.js';
import { defineKind } from '../../kind.js';
import { lowdbFeedback, FEEDBACK_TABLE } from './lowdb.js';
import { pgFeedback, FEEDBACK_SQL } from './postgres.js';

export type FeedbackValue = 'helpful' | 'not_helpful';

export interface FeedbackRecord {
  id: string;
  entryId: string;
  value: FeedbackValue;
  platform: Platform;
  /**
   * The question the answer was given to, when known (no user identity). Kept for
   * KNOWLEDGE_GAP_RETENTION_DAYS, like knowledge gaps; privacy delete removes it with the voter.
   */
  question?: string;
  at: string; // ISO timestamp
  /**
   * The answer (one answer card) the press was on. With `voter`, a person's feedback on
   * one answer is one record: a later press changes its value. Absent on feedback from
   * before answers had ids.
   */
  answerId?: string;
  /**
   * Who pressed, as an unkeyed SHA-256 of their platform and user id (`voterKeyOf`),
   * never the id itself, so their feedback counts once per answer and a privacy request
   * can find it. Unkeyed: whoever knows a user id can compute it; it is pseudonymous, not anonymous.
   */
  voter?: string;
}

export interface FeedbackRepo {
  /**
   * Stores a press. With `answerId` and `voter`, it replaces that person's earlier press
   * on the same answer (one record per answer per person, in the place of the first);
   * without them, every press is a record of its own.
   */
  add(record: Omit<FeedbackRecord, 'id'>): Promise<FeedbackRecord>;
  list(filter?: { voter?: string }): Promise<FeedbackRecord[]>;
  count(): Promise<number>;
  /** Privacy: the voter's feedback stays, without the voter and the question; returns how many records changed. */
  forgetVoter(voter: string): Promise<number>;
  /** Retention: removes the question of feedback given before `olderThan` (the vote stays); returns how many changed. */
  forgetQuestions(olderThan: Date): Promise<number>;
}

/** The id of one person's feedback on one answer: the same for every later press, so it replaces the first. */
export function voteId(answerId: string, voter: string): string {
  return `vote:${answerId}:${voter}`;
}

/** "Was this answer useful?" per knowledge entry, once per answer per person (an unkeyed hash of the user id, never the id). */
export const feedbackKind = defineKind({
  name: 'feedback',
  lowdb: { tables: [FEEDBACK_TABLE], repo: lowdbFeedback },
  postgres: FEEDBACK_SQL,
});
export { pgFeedback };
