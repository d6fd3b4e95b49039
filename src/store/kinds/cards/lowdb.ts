import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith } from '../../lowdb/check.js';
import { locale } from '../../lowdb/schemas.js';
import type { CardRecord, CardRepo } from './index.js';

const schema = z.object({ subject: z.string(), conversationKey: z.string(), messageId: z.string(), locale, at: z.string() });

/** `|` never occurs in a knelpunt reference; the JSON form keeps any conversation key or message id apart. */
export const cardKey = (subject: string, conversationKey: string, messageId: string): string => JSON.stringify([subject, conversationKey, messageId]);

export const CARDS_TABLE: LowdbTableSpec<CardRecord> = {
  name: 'cards',
  key: (r) => cardKey(r.subject, r.conversationKey, r.messageId),
  check: checkWith(schema),
  fromV1: () => [], // newer than the single-file store
};

const cards = (t: LowdbTables): Table<CardRecord> => t.table<CardRecord>('cards');

export function lowdbCards(db: LowdbDb): CardRepo {
  return {
    add: (card) => db.mutate((t) => {
      if (!cards(t).has(cardKey(card.subject, card.conversationKey, card.messageId))) cards(t).put({ ...card });
    }),
    list: (subject) => db.read((t) => [...cards(t).values()].filter((c) => c.subject === subject).map((c) => ({ ...c }))),
    remove: (subject, conversationKey, messageId) => db.mutate((t) => cards(t).delete(cardKey(subject, conversationKey, messageId))),
  };
}
