import { initial } from './001-initial.js';
import { overviewStats } from './002-overview-stats.js';
import { reflectionAuthorKey } from './003-reflection-author-key.js';
import { housekeeping } from './004-housekeeping.js';
import { formsAndCards } from './005-forms-and-cards.js';
import { languages } from './006-languages.js';
import { knowledgeLoop } from './007-knowledge-loop.js';
import { webChat } from './008-web-chat.js';
import { conversationNames } from './009-conversation-names.js';

/**
 * The schema's history, oldest first. A migration is never changed once released:
 * a change to the schema is a new module here with the next version number.
 */
export interface Migration {
  version: number;
  /** Short name, stored in schema_migrations. */
  name: string;
  /** Runs inside the migration transaction. */
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [initial, overviewStats, reflectionAuthorKey, housekeeping, formsAndCards, languages, knowledgeLoop, webChat, conversationNames];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
