import type { Locale } from '../../src/domain/turn.js';
import { messages, type Messages } from '../../src/i18n/index.js';

/** Teams-only user text (a shortened card, the client-side check of a form field); it lives in the catalogue. */
export type TeamsStrings = Messages['teams'];

export function teamsStrings(locale: Locale): TeamsStrings {
  return messages(locale).teams;
}
