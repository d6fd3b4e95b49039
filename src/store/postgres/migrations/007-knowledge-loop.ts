import type { Migration } from './index.js';

/**
 * Every miss teaches (issue 18): a knowledge gap says how the bot fell short
 * (`outcome`: "Bedoelde je…", "weet ik niet" or an answer found not helpful), which
 * entries it offered, and which suggestion the user pressed. Gaps from before were all
 * questions without an answer: `unknown`.
 */
export const knowledgeLoop: Migration = {
  version: 7,
  name: 'knowledge-loop',
  sql: `
ALTER TABLE knowledge_gaps ADD COLUMN outcome text NOT NULL DEFAULT 'unknown'
  CHECK (outcome IN ('suggested', 'unknown', 'not-helpful'));
ALTER TABLE knowledge_gaps ADD COLUMN offered text[];
ALTER TABLE knowledge_gaps ADD COLUMN picked text;
`,
};
