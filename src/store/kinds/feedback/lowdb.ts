import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import { platform } from '../../lowdb/schemas.js';
import { voteId, type FeedbackRecord, type FeedbackRepo } from './index.js';

const schema = z.object({
  id: z.string(),
  entryId: z.string(),
  value: z.enum(['helpful', 'not_helpful']),
  platform,
  question: z.string().optional(),
  at: z.string(),
  answerId: z.string().optional(),
  voter: z.string().optional(),
});

export const FEEDBACK_TABLE: LowdbTableSpec<FeedbackRecord> = {
  name: 'feedback',
  key: (r) => r.id,
  check: checkWith(schema),
  fromV1: (v1) => v1List(v1, 'feedback'),
};

const table = (t: LowdbTables): Table<FeedbackRecord> => t.table<FeedbackRecord>('feedback');

export function lowdbFeedback(db: LowdbDb): FeedbackRepo {
  return {
    // A vote's id is derived from answer and voter: `put` replaces the earlier press (in its place: the table keeps insertion order).
    add: (rec) => db.mutate((t) => {
      const full: FeedbackRecord = { id: rec.answerId !== undefined && rec.voter !== undefined ? voteId(rec.answerId, rec.voter) : randomUUID(), ...rec };
      table(t).put(full);
      return { ...full };
    }),
    list: (filter) => db.read((t) => [...table(t).values()].filter((r) => !filter?.voter || r.voter === filter.voter).map((r) => ({ ...r }))),
    count: () => db.read((t) => table(t).size),
    forgetVoter: (voter) => db.mutate((t) => {
      let n = 0;
      for (const r of [...table(t).values()]) {
        if (r.voter !== voter) continue;
        const { voter: _gone, question: _asked, ...rest } = r;
        table(t).put(rest);
        n++;
      }
      return n;
    }),
    forgetQuestions: (olderThan) => db.mutate((t) => {
      const cutoff = olderThan.toISOString();
      let n = 0;
      for (const r of [...table(t).values()]) {
        if (r.question === undefined || r.at >= cutoff) continue;
        const { question: _asked, ...rest } = r;
        table(t).put(rest);
        n++;
      }
      return n;
    }),
  };
}
