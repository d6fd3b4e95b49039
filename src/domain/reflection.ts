/** What a reflection says; every field optional (the form checks that one is filled in). */
export interface ReflectionAnswers {
  goed?: string;
  beter?: string;
  meenemen?: string;
  /** An opgave id from the knowledge base. */
  opgave?: string;
  /** A zekerheid id from the knowledge base (`zekerheid-7`). */
  zekerheid?: string;
}

export const NUDGE_STATUSES = [
  'queued', 'sending', 'sent', 'failed', 'gone', 'unconfirmed', 'skipped-holiday', 'skipped-late', 'skipped-empty', 'skipped-inactive',
] as const;
/**
 * `queued`: claimed, not started; `sending`: handed to the outbox; `unconfirmed`: was
 * `sending` when the server stopped (never re-sent); the rest are final results.
 */
export type NudgeStatus = (typeof NUDGE_STATUSES)[number];
