import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith } from '../../lowdb/check.js';
import type { FormSubmissionRecord, FormSubmissionRepo } from './index.js';

const schema = z.object({
  key: z.string(),
  status: z.enum(['pending', 'done']),
  receipt: z.string().optional(),
  at: z.string(),
  expiresAt: z.string(),
});

export const FORM_SUBMISSIONS_TABLE: LowdbTableSpec<FormSubmissionRecord> = {
  name: 'formSubmissions',
  key: (r) => r.key,
  check: checkWith(schema),
  fromV1: () => [], // newer than the single-file store
};

const table = (t: LowdbTables): Table<FormSubmissionRecord> => t.table<FormSubmissionRecord>('formSubmissions');

export function lowdbFormSubmissions(db: LowdbDb): FormSubmissionRepo {
  return {
    // One synchronous step inside `mutate`: of two claims at once, one finds the other's record.
    claim: (key, now, expiresAt, staleBefore) => db.mutate((t) => {
      const cur = table(t).get(key);
      const free = !cur || cur.expiresAt <= now.toISOString() || (cur.status === 'pending' && cur.at <= staleBefore.toISOString());
      if (!free) return { claimed: false as const, record: { ...cur } };
      table(t).put({ key, status: 'pending', at: now.toISOString(), expiresAt: expiresAt.toISOString() });
      return { claimed: true as const };
    }),
    complete: (key, receipt, now, expiresAt) => db.mutate((t) => {
      table(t).put({ key, status: 'done', receipt, at: now.toISOString(), expiresAt: expiresAt.toISOString() });
    }),
    release: (key) => db.mutate((t) => {
      table(t).delete(key);
    }),
    get: (key, now) => db.read((t) => {
      const r = table(t).get(key);
      return r && r.expiresAt > now.toISOString() ? { ...r } : undefined;
    }),
    prune: (now) => db.mutate((t) => {
      const cutoff = now.toISOString();
      let n = 0;
      for (const r of [...table(t).values()]) {
        if (r.expiresAt > cutoff) continue;
        table(t).delete(r.key);
        n++;
      }
      return n;
    }),
  };
}
