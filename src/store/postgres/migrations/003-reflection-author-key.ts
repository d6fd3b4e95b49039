import type { Migration } from './index.js';

/**
 * Named reflections keep a hash of their author's platform id (`author_key`), so a
 * privacy request (`ibp-bot privacy export|delete`) can find them. Anonymous ones never
 * have one. Reflections shared before this migration have none: they can only be found
 * by the name they carry.
 */
export const reflectionAuthorKey: Migration = {
  version: 3,
  name: 'reflection-author-key',
  sql: `
ALTER TABLE reflections ADD COLUMN author_key text;
ALTER TABLE reflections ADD CONSTRAINT reflections_anonymous_no_key CHECK (NOT anonymous OR author_key IS NULL);
CREATE INDEX reflections_author_key ON reflections (author_key) WHERE author_key IS NOT NULL;
`,
};
