import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import { locale } from '../../lowdb/schemas.js';
import { answersShape } from '../reflections/lowdb.js';
import type { DialogueRecord, DialogueRepo } from './index.js';

const schema = z.object({
  key: z.string(),
  kind: z.enum(['stepwise', 'draft']),
  owner: z.string(),
  step: z.number().int(),
  answers: z.object(answersShape),
  shareKey: z.string().optional(),
  locale,
  updatedAt: z.string(),
  expiresAt: z.string(),
});

export const DIALOGUES_TABLE: LowdbTableSpec<DialogueRecord> = {
  name: 'dialogues',
  key: (r) => r.key,
  check: checkWith(schema),
  fromV1: (v1) => v1List(v1, 'dialogues'),
};

const live = (exp: string, now: Date): boolean => exp > now.toISOString();
const dialogues = (t: LowdbTables): Table<DialogueRecord> => t.table<DialogueRecord>('dialogues');

export function lowdbDialogues(db: LowdbDb): DialogueRepo {
  return {
    get: (key, now) => db.read((t) => {
      const r = dialogues(t).get(key);
      return r && live(r.expiresAt, now) ? structuredClone(r) : undefined;
    }),
    put: (rec) => db.mutate((t) => {
      dialogues(t).put(structuredClone(rec));
    }),
    take: (key, now) => db.mutate((t) => {
      const r = dialogues(t).get(key);
      dialogues(t).delete(key);
      return r && live(r.expiresAt, now) ? structuredClone(r) : undefined;
    }),
    remove: (key) => db.mutate((t) => dialogues(t).delete(key)),
    prune: (now) => db.mutate((t) => {
      let n = 0;
      for (const r of [...dialogues(t).values()]) {
        if (live(r.expiresAt, now)) continue;
        dialogues(t).delete(r.key);
        n++;
      }
      return n;
    }),
  };
}
