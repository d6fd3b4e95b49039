import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import { locale, platform } from '../../lowdb/schemas.js';
import { gapStats } from '../../stats.js';
import { GAP_OUTCOMES } from '../../../domain/knowledge-gap.js';
import type { KnowledgeGapRecord, KnowledgeGapRepo } from './index.js';
import { newGapRecord } from './record.js';

const schema = z.object({
  id: z.string(),
  text: z.string(),
  locale,
  platform,
  at: z.string(),
  // Absent on gaps stored before outcomes (they read as `unknown`).
  outcome: z.enum(GAP_OUTCOMES).optional(),
  offered: z.array(z.string()).optional(),
  picked: z.string().optional(),
  handledAt: z.string().optional(),
  handledBy: z.string().optional(),
});

export const GAPS_TABLE: LowdbTableSpec<KnowledgeGapRecord> = {
  name: 'gaps',
  key: (r) => r.id,
  check: checkWith(schema),
  fromV1: (v1) => v1List(v1, 'gaps'),
  // Gaps stored before outcomes were all questions without an answer (PostgreSQL's migration 7 says the same).
  upgrade: (r) => ((r as KnowledgeGapRecord).outcome ? r : { ...(r as object), outcome: 'unknown' }),
};

/** A copy as the repository returns it: an old record without outcome is `unknown`. */
const out = (g: KnowledgeGapRecord): KnowledgeGapRecord => ({
  ...g, outcome: g.outcome ?? 'unknown', ...(g.offered ? { offered: [...g.offered] } : {}),
});

export function lowdbGaps(db: LowdbDb): KnowledgeGapRepo {
  const gaps = (t: LowdbTables): Table<KnowledgeGapRecord> => t.table<KnowledgeGapRecord>('gaps');
  return {
    add: (rec) => db.mutate((t) => {
      const existing = rec.id !== undefined ? gaps(t).get(rec.id) : undefined;
      if (existing) return out(existing);
      const full = newGapRecord(rec, rec.id ?? randomUUID());
      gaps(t).put(full);
      return out(full);
    }),
    get: (id) => db.read((t) => {
      const g = gaps(t).get(id);
      return g ? out(g) : undefined;
    }),
    list: (opts) => db.read((t) => [...gaps(t).values()]
      .filter((g) => (!opts?.since || g.at >= opts.since) && (!opts?.outcome || (g.outcome ?? 'unknown') === opts.outcome))
      .map(out)),
    count: () => db.read((t) => gaps(t).size),
    recordPick: (id, entryId) => db.mutate((t) => {
      const g = gaps(t).get(id);
      if (!g || g.outcome !== 'suggested' || !(g.offered ?? []).includes(entryId)) return false;
      if (g.picked !== entryId) gaps(t).put({ ...g, picked: entryId });
      return true;
    }),
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
      return { ...s, oldestOpen: s.oldestOpen.map(out) };
    }),
  };
}
