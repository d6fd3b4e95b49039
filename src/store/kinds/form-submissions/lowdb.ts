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

/**
 * lowdb: one instance, so a claim that is still pending lives in memory and costs no
 * write; only an accepted submission (`done`) is journalled. After a crash the pending
 * claims are gone, and the form may be sent again: a handler that had already stored
 * something finds it by the same one-time id (the knelpunt's submission key).
 */
export function lowdbFormSubmissions(db: LowdbDb): FormSubmissionRepo {
  const pending = new Map<string, { at: string; expiresAt: string }>();
  return {
    claim: async (key, now, expiresAt, staleBefore) => {
      const stored = await db.read((t) => table(t).get(key));
      // From here on synchronous: of two claims at once, the second sees the first's.
      const at = now.toISOString();
      if (stored && stored.expiresAt > at && !(stored.status === 'pending' && stored.at <= staleBefore.toISOString())) {
        return { claimed: false as const, record: { ...stored } };
      }
      const p = pending.get(key);
      if (p && p.expiresAt > at && p.at > staleBefore.toISOString()) return { claimed: false as const, record: { key, status: 'pending' as const, ...p } };
      pending.set(key, { at, expiresAt: expiresAt.toISOString() });
      // Taken over (expired, or abandoned): the old record goes, as a new claim replaces it on PostgreSQL.
      if (stored) await db.mutate((t) => void table(t).delete(key));
      return { claimed: true as const };
    },
    complete: async (key, receipt, now, expiresAt) => {
      await db.mutate((t) => {
        table(t).put({ key, status: 'done', receipt, at: now.toISOString(), expiresAt: expiresAt.toISOString() });
      });
      pending.delete(key); // only once the accepted one is on disk
    },
    release: async (key) => {
      pending.delete(key);
      if (await db.read((t) => table(t).has(key))) await db.mutate((t) => void table(t).delete(key));
    },
    get: async (key, now) => {
      const at = now.toISOString();
      const r = await db.read((t) => table(t).get(key));
      if (r && r.expiresAt > at) return { ...r };
      const p = pending.get(key);
      return p && p.expiresAt > at ? { key, status: 'pending', ...p } : undefined;
    },
    prune: async (now) => {
      const cutoff = now.toISOString();
      let inMemory = 0;
      for (const [k, p] of pending) {
        if (p.expiresAt > cutoff) continue;
        pending.delete(k);
        inMemory++;
      }
      return db.mutate((t) => {
        let n = inMemory;
        for (const r of [...table(t).values()]) {
          if (r.expiresAt > cutoff) continue;
          table(t).delete(r.key);
          n++;
        }
        return n;
      });
    },
  };
}
