import type { Migration } from './index.js';

/** Channels by their name (issue 19): the name a platform gives a channel, kept with its reference. */
export const conversationNames: Migration = {
  version: 9,
  name: 'conversation-names',
  sql: `ALTER TABLE conversation_refs ADD COLUMN name text;`,
};
