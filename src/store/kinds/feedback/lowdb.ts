import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { LowdbDb, LowdbTableSpec } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import { platform } from '../../lowdb/schemas.js';
import type { FeedbackRecord, FeedbackRepo } from './index.js';

const schema = z.object({
  id: z.string(),
  entryId: z.string(),
  value: z.enum(['helpful', 'not_helpful']),
  platform,
  question: z.string().optional(),
  at: z.string(),
});

export const FEEDBACK_TABLE: LowdbTableSpec<FeedbackRecord> = {
  name: 'feedback',
  key: (r) => r.id,
  check: checkWith(schema),
  fromV1: (v1) => v1List(v1, 'feedback'),
};

export function lowdbFeedback(db: LowdbDb): FeedbackRepo {
  return {
    add: (rec) => db.mutate((t) => {
      const full: FeedbackRecord = { id: randomUUID(), ...rec };
      t.table<FeedbackRecord>('feedback').put(full);
      return { ...full };
    }),
    list: () => db.read((t) => [...t.table<FeedbackRecord>('feedback').values()].map((r) => ({ ...r }))),
    count: () => db.read((t) => t.table('feedback').size),
  };
}
