import type { Locale } from '../../../domain/turn.js';
import { defineKind } from '../../kind.js';
import { LANGUAGES_TABLE, lowdbLanguages } from './lowdb.js';
import { LANGUAGES_SQL } from './postgres.js';

/** How a remembered language was decided: the words of a message, or someone said so (`taal en`). */
export type LanguageSource = 'words' | 'command';

/**
 * The language a conversation or a person speaks, as the bot last learned it: help,
 * confirmations and one-word turns in that conversation, and proactive messages to it
 * (nudges, digests, triage posts, a reporter's status updates), follow it.
 * A person's language is personal data: `ibp-bot privacy` exports and deletes it.
 */
export interface LanguageRecord {
  /** `conversation:<conversation reference key>` or `person:<platform>:<user id>` (src/core/conversation-language.ts). */
  key: string;
  locale: Locale;
  source: LanguageSource;
  /** When it last changed (it is written only when it changes). */
  updatedAt: string;
}

export interface LanguageRepo {
  get(key: string): Promise<LanguageRecord | undefined>;
  /** Several at once, in the order asked; absent keys are left out. */
  getMany(keys: readonly string[]): Promise<LanguageRecord[]>;
  /**
   * Remembers a language. Writes only when locale or source differ from what is stored
   * (then `updatedAt` is the new one), and never replaces a 'command' record with a
   * 'words' one (words never overrule `taal`, even when the two race); returns whether it wrote.
   */
  set(record: LanguageRecord): Promise<boolean>;
  /** Privacy: forgets one (true when there was one). */
  remove(key: string): Promise<boolean>;
  /**
   * Retention: removes those whose key starts with one of `prefixes`, is not one of `keep`
   * and that last changed before `changedBefore` (so one written while the caller made
   * `keep` stays). Housekeeping keeps the languages of the web chat's sessions exactly as
   * long as their conversation references. Returns how many.
   */
  pruneExcept(prefixes: readonly string[], keep: readonly string[], changedBefore: Date): Promise<number>;
}

/** Remembered languages of conversations and people. */
export const languagesKind = defineKind({
  name: 'languages',
  lowdb: { tables: [LANGUAGES_TABLE], repo: lowdbLanguages },
  postgres: LANGUAGES_SQL,
});
