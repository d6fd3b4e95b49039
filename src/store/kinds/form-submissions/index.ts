import { defineKind } from '../../kind.js';
import { FORM_SUBMISSIONS_TABLE, lowdbFormSubmissions } from './lowdb.js';
import { FORM_SUBMISSIONS_SQL } from './postgres.js';

/**
 * One form, submitted once: every form the bot shows carries a one-time id, and the first
 * submission of it is recorded here (src/core/forms.ts). A second submission of the same
 * form (a double click, an old card, a resent modal) files nothing new and is answered
 * from the `receipt` of the first. No identity: the key is a hash of form id and one-time
 * id, the receipt what the submission made (a knelpunt reference).
 */
export interface FormSubmissionRecord {
  key: string;
  /** `pending` while the first submission is being handled; `done` once it was accepted. */
  status: 'pending' | 'done';
  /** What the accepted submission produced, for the answer to a repeat. */
  receipt?: string;
  /** When it was claimed (pending) or accepted (done). */
  at: string;
  expiresAt: string;
}

export type ClaimResult = { claimed: true } | { claimed: false; record: FormSubmissionRecord };

export interface FormSubmissionRepo {
  /**
   * Atomic: the first claim of a key gets `claimed: true` and a `pending` record until
   * `expiresAt`. Later claims get the record as it is, unless it expired, or it is still
   * `pending` since `staleBefore` or earlier (its handler died): then they take it over.
   */
  claim(key: string, now: Date, expiresAt: Date, staleBefore: Date): Promise<ClaimResult>;
  /** The claimed submission was accepted: `done`, with its receipt, kept until `expiresAt`. */
  complete(key: string, receipt: string, now: Date, expiresAt: Date): Promise<void>;
  /** The claimed submission was not accepted (field errors, a failure): the form may be sent again. */
  release(key: string): Promise<void>;
  get(key: string, now: Date): Promise<FormSubmissionRecord | undefined>;
  /** Removes what expired at or before `now`; returns how many. */
  prune(now: Date): Promise<number>;
}

/** First submissions of forms, by one-time id (no identity). */
export const formSubmissionsKind = defineKind({
  name: 'formSubmissions',
  lowdb: { tables: [FORM_SUBMISSIONS_TABLE], repo: lowdbFormSubmissions },
  postgres: FORM_SUBMISSIONS_SQL,
});
