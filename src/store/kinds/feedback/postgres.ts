import { randomUUID } from 'node:crypto';
import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { count, iso, opt } from '../../postgres/rows.js';
import { voteId, type FeedbackRecord, type FeedbackRepo } from './index.js';

export function feedbackRow(r: Row): FeedbackRecord {
  return {
    id: String(r.id), entryId: String(r.entry_id), value: r.value as FeedbackRecord['value'], platform: r.platform as FeedbackRecord['platform'],
    ...opt('question', r.question as string | null), at: iso(r.at),
    ...opt('answerId', r.answer_id as string | null), ...opt('voter', r.voter as string | null),
  };
}

const COLUMNS = 'id, entry_id, value, platform, question, at, answer_id, voter';
const values = (f: FeedbackRecord): unknown[] => [f.id, f.entryId, f.value, f.platform, f.question ?? null, f.at, f.answerId ?? null, f.voter ?? null];

export function pgFeedback(db: Db): FeedbackRepo {
  return {
    // A later press of the same person on the same answer updates the first record (its id is derived), in its place (`pos`).
    add: async (rec) => {
      const full: FeedbackRecord = { id: rec.answerId !== undefined && rec.voter !== undefined ? voteId(rec.answerId, rec.voter) : randomUUID(), ...rec };
      const r = await db.query(
        `INSERT INTO feedback (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET entry_id = EXCLUDED.entry_id, value = EXCLUDED.value, platform = EXCLUDED.platform,
           question = EXCLUDED.question, at = EXCLUDED.at, answer_id = EXCLUDED.answer_id, voter = EXCLUDED.voter
         RETURNING *`,
        values(full),
      );
      return feedbackRow(r.rows[0]!);
    },
    list: async (filter) => (filter?.voter
      ? await db.query('SELECT * FROM feedback WHERE voter = $1 ORDER BY pos', [filter.voter])
      : await db.query('SELECT * FROM feedback ORDER BY pos')).rows.map(feedbackRow),
    count: async () => count((await db.query<{ n: string }>('SELECT count(*) AS n FROM feedback')).rows),
    forgetVoter: async (voter) => (await db.query('UPDATE feedback SET voter = NULL, question = NULL WHERE voter = $1', [voter])).rowCount ?? 0,
    forgetQuestions: async (olderThan) =>
      (await db.query('UPDATE feedback SET question = NULL WHERE at < $1 AND question IS NOT NULL', [olderThan.toISOString()])).rowCount ?? 0,
  };
}

export const FEEDBACK_SQL: PostgresPart<FeedbackRepo> = {
  tables: ['feedback'],
  repo: pgFeedback,
  dump: async (q) => ({ feedback: (await allRows(q, 'SELECT * FROM feedback ORDER BY pos')).map(feedbackRow) }),
  load: (q, d) => insertMany(q, 'feedback', COLUMNS, (d.feedback as FeedbackRecord[] ?? []).map(values)),
};
