import type { Locale } from '../../src/domain/turn.js';
import { messages, type Messages } from '../../src/i18n/index.js';

/** Slack-only user text (modal buttons, cut-off notes); it lives in the catalogue with the rest. */
export type SlackTexts = Messages['slack'];

export function slackTexts(locale: Locale): SlackTexts {
  return messages(locale).slack;
}
