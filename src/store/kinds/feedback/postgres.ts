import { randomUUID } from 'node:crypto';
import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { count, iso, opt } from '../../postgres/rows.js';
import type { FeedbackRecord, FeedbackRepo } from './index.js';

export function feedbackRow(r: Row): FeedbackRecord {
  return {
    id: String(r.id), entryId: String(r.entry_id), value: r.value as FeedbackRecord['value'], platform: r.platform as FeedbackRecord['platform'],
    ...opt('question', r.question as string | null), at: iso(r.at),
  };
}

export function pgFeedback(db: Db): FeedbackRepo {
  return {
    add: async (rec) => {
      const full: FeedbackRecord = { id: randomUUID(), ...rec };
      await db.query('INSERT INTO feedback (id, entry_id, value, platform, question, at) VALUES ($1, $2, $3, $4, $5, $6)',
        [full.id, full.entryId, full.value, full.platform, full.question ?? null, full.at]);
      return full;
    },
    list: async () => (await db.query('SELECT * FROM feedback ORDER BY pos')).rows.map(feedbackRow),
    count: async () => count((await db.query<{ n: string }>('SELECT count(*) AS n FROM feedback')).rows),
  };
}

export const FEEDBACK_SQL: PostgresPart<FeedbackRepo> = {
  tables: ['feedback'],
  repo: pgFeedback,
  dump: async (q) => ({ feedback: (await allRows(q, 'SELECT * FROM feedback ORDER BY pos')).map(feedbackRow) }),
  load: (q, d) => insertMany(q, 'feedback', 'id, entry_id, value, platform, question, at',
    (d.feedback as FeedbackRecord[] ?? []).map((f) => [f.id, f.entryId, f.value, f.platform, f.question ?? null, f.at])),
};
