import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import { locale, platform } from '../../lowdb/schemas.js';
import { reflectionStats } from '../../stats.js';
import type { ReflectionRecord, ReflectionRepo } from './index.js';

/** The answers of a reflection (shared by reflections and dialogues). */
export const answersShape = {
  goed: z.string().optional(),
  beter: z.string().optional(),
  meenemen: z.string().optional(),
  opgave: z.string().optional(),
  zekerheid: z.string().optional(),
};

const schema = z.object({
  id: z.string(),
  ...answersShape,
  channelKey: z.string(),
  platform,
  anonymous: z.boolean(),
  authorName: z.string().optional(),
  authorKey: z.string().optional(),
  locale,
  createdAt: z.string(),
});

export const REFLECTIONS_TABLE: LowdbTableSpec<ReflectionRecord> = {
  name: 'reflections',
  key: (r) => r.id,
  check: checkWith(schema),
  fromV1: (v1) => v1List(v1, 'reflections'),
};

const reflections = (t: LowdbTables): Table<ReflectionRecord> => t.table<ReflectionRecord>('reflections');

export function lowdbReflections(db: LowdbDb): ReflectionRepo {
  return {
    add: (rec) => db.mutate((t) => {
      const full: ReflectionRecord = { id: randomUUID(), ...structuredClone(rec) };
      if (full.anonymous) {
        delete full.authorName;
        delete full.authorKey;
      }
      reflections(t).put(full);
      return { ...full };
    }),
    list: (f) => db.read((t) => {
      const out: ReflectionRecord[] = [];
      for (const r of reflections(t).values()) {
        if ((!f?.channelKey || r.channelKey === f.channelKey) && (!f?.since || r.createdAt >= f.since) && (!f?.until || r.createdAt < f.until)
          && (!f?.authorKey || r.authorKey === f.authorKey)) out.push({ ...r }); // flat records: a shallow copy is a full copy
      }
      return out;
    }),
    forgetAuthor: (authorKey) => db.mutate((t) => {
      let n = 0;
      for (const r of [...reflections(t).values()]) {
        if (r.authorKey !== authorKey) continue;
        const { authorName: _n, authorKey: _k, ...rest } = r;
        reflections(t).put({ ...rest, anonymous: true });
        n++;
      }
      return n;
    }),
    count: () => db.read((t) => reflections(t).size),
    stats: (bounds) => db.read((t) => reflectionStats([...reflections(t).values()], bounds)),
  };
}
