import type { Migration } from './index.js';

/**
 * Forms submit once, cards show the truth (issue 19).
 *
 * - `feedback.answer_id`, `feedback.voter`: feedback counts once per answer per person
 *   (the voter a keyed hash, never an id); a later press updates that person's record,
 *   whose id is derived from both. Feedback from before has neither.
 * - `form_submissions`: the first submission of each form, by a hash of its one-time id
 *   (no identity), so a second one is answered from what the first produced.
 * - `cards`: where the triage cards of a knelpunt were posted (conversation reference key
 *   and message id), so every one of them is updated after a status change.
 */
export const formsAndCards: Migration = {
  version: 5,
  name: 'forms-and-cards',
  sql: `
ALTER TABLE feedback ADD COLUMN answer_id text;
ALTER TABLE feedback ADD COLUMN voter text;
CREATE INDEX feedback_voter ON feedback (voter) WHERE voter IS NOT NULL;

CREATE TABLE form_submissions (
  key text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('pending', 'done')),
  receipt text,
  at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX form_submissions_expires ON form_submissions (expires_at);

CREATE TABLE cards (
  pos bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  subject text NOT NULL,
  conversation_key text NOT NULL,
  message_id text NOT NULL,
  locale text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (subject, conversation_key, message_id)
);
`,
};
