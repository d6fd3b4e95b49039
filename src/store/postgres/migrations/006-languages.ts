import type { Migration } from './index.js';

/**
 * Speak the user's language (issue 18): the language a conversation or a person was
 * last known to speak (`conversation:<key>` or `person:<platform>:<id>`), decided by the
 * words of a message or set with `taal en`. Written only when it changes.
 */
export const languages: Migration = {
  version: 6,
  name: 'languages',
  sql: `
CREATE TABLE languages (
  pos bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  key text PRIMARY KEY,
  locale text NOT NULL CHECK (locale IN ('nl', 'en')),
  source text NOT NULL CHECK (source IN ('words', 'command')),
  updated_at timestamptz NOT NULL
);
`,
};
