import type { Locale } from '../../../domain/turn.js';
import { defineKind } from '../../kind.js';
import { CARDS_TABLE, lowdbCards } from './lowdb.js';
import { CARDS_SQL } from './postgres.js';

/**
 * A card the bot posted that must keep showing the truth: where it is (conversation
 * reference key and the platform's message id), so it can be updated in place when what
 * it shows changes (a knelpunt's triage card after every status change).
 */
export interface CardRecord {
  /** What the card shows: a knelpunt reference (`KP-2026-0001`). */
  subject: string;
  /** Where it was posted: the conversation reference key (`slack:C123`, `teams:19:…`). */
  conversationKey: string;
  /** The platform's id of the message (Slack `ts`, Teams activity id). */
  messageId: string;
  /** The language it was rendered in. */
  locale: Locale;
  at: string;
}

export interface CardRepo {
  /** Remembers a card; the same card twice is kept once. */
  add(card: CardRecord): Promise<void>;
  /** Every card of a subject, oldest first. */
  list(subject: string): Promise<CardRecord[]>;
  /** Forgets one card (its message or conversation is gone); true when there was one. */
  remove(subject: string, conversationKey: string, messageId: string): Promise<boolean>;
}

/** The cards of a subject that are updated in place (knelpunt triage cards). */
export const cardsKind = defineKind({
  name: 'cards',
  lowdb: { tables: [CARDS_TABLE], repo: lowdbCards },
  postgres: CARDS_SQL,
});
