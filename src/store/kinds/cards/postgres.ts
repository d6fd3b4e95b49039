import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { iso } from '../../postgres/rows.js';
import type { CardRecord, CardRepo } from './index.js';

export function cardRow(r: Row): CardRecord {
  return {
    subject: String(r.subject), conversationKey: String(r.conversation_key), messageId: String(r.message_id),
    locale: r.locale as CardRecord['locale'], at: iso(r.at),
  };
}

const COLUMNS = 'subject, conversation_key, message_id, locale, at';
const values = (c: CardRecord): unknown[] => [c.subject, c.conversationKey, c.messageId, c.locale, c.at];

export function pgCards(db: Db): CardRepo {
  return {
    add: async (card) => {
      await db.query(`INSERT INTO cards (${COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, values(card));
    },
    list: async (subject) => (await db.query('SELECT * FROM cards WHERE subject = $1 ORDER BY pos', [subject])).rows.map(cardRow),
    remove: async (subject, conversationKey, messageId) =>
      ((await db.query('DELETE FROM cards WHERE subject = $1 AND conversation_key = $2 AND message_id = $3', [subject, conversationKey, messageId])).rowCount ?? 0) > 0,
  };
}

export const CARDS_SQL: PostgresPart<CardRepo> = {
  tables: ['cards'],
  repo: pgCards,
  dump: async (q) => ({ cards: (await allRows(q, 'SELECT * FROM cards ORDER BY pos')).map(cardRow) }),
  load: (q, d) => insertMany(q, 'cards', COLUMNS, ((d.cards ?? []) as CardRecord[]).map(values), (r) => `${String(r[0])} ${String(r[1])} ${String(r[2])}`),
};
