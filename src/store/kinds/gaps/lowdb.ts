import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import { locale, platform } from '../../lowdb/schemas.js';
import { gapStats } from '../../stats.js';
import type { KnowledgeGapRecord, KnowledgeGapRepo } from './index.js';

const schema = z.object({
  id: z.string(),
  text: z.string(),
  locale,
  platform,
  at: z.string(),
  handledAt: z.string().optional(),
  handledBy: z.string().optional(),
});

export const GAPS_TABLE: LowdbTableSpec<KnowledgeGapRecord> = {
  name: 'gaps',
  key: (r) => r.id,
  check: checkWith(schema),
  fromV1: (v1) => v1List(v1, 'gaps'),
};

export function lowdbGaps(db: LowdbDb): KnowledgeGapRepo {
  const gaps = (t: LowdbTables): Table<KnowledgeGapRecord> => t.table<KnowledgeGapRecord>('gaps');
  return {
    add: (rec) => db.mutate((t) => {
      const full: KnowledgeGapRecord = { id: randomUUID(), ...rec };
      gaps(t).put(full);
      return { ...full };
    }),
    list: (opts) => db.read((t) => [...gaps(t).values()].filter((g) => !opts?.since || g.at >= opts.since).map((g) => ({ ...g }))),
    count: () => db.read((t) => gaps(t).size),
    prune: (olderThan) => db.mutate((t) => {
      const cutoff = olderThan.toISOString();
      let n = 0;
      for (const g of [...gaps(t).values()]) {
        if (g.at >= cutoff) continue;
        gaps(t).delete(g.id);
        n++;
      }
      return n;
    }),
    markHandled: (ids, by, now) => db.mutate((t) => {
      const table = gaps(t);
      let n = 0;
      for (const id of new Set(ids)) {
        const g = table.get(id);
        if (!g || g.handledAt) continue;
        table.put({ ...g, handledAt: now.toISOString(), handledBy: by });
        n++;
      }
      return n;
    }),
    // One pass over the records in memory, without copying them: only the few oldest are copied.
    stats: (bounds, oldest) => db.read((t) => {
      const s = gapStats([...gaps(t).values()], bounds, oldest);
      return { ...s, oldestOpen: s.oldestOpen.map((g) => ({ ...g })) };
    }),
  };
}
