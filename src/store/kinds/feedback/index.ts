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
  /** The question the answer was given to, when known (no user identity). */
  question?: string;
  at: string; // ISO timestamp
}

export interface FeedbackRepo {
  add(record: Omit<FeedbackRecord, 'id'>): Promise<FeedbackRecord>;
  list(): Promise<FeedbackRecord[]>;
  count(): Promise<number>;
}

/** "Was this answer useful?" per knowledge entry, without identity. */
export const feedbackKind = defineKind({
  name: 'feedback',
  lowdb: { tables: [FEEDBACK_TABLE], repo: lowdbFeedback },
  postgres: FEEDBACK_SQL,
});
export { pgFeedback };
