import { randomUUID } from 'node:crypto';
import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { bound, bucketCounts, bucketCountsSql, count, iso, isoOpt, medianDaysSql, numberOrNull, opt } from '../../postgres/rows.js';
import { isGapOutcome } from '../../../domain/knowledge-gap.js';
import type { KnowledgeGapRecord, KnowledgeGapRepo } from './index.js';
import { newGapRecord } from './record.js';

export function gapRow(r: Row): KnowledgeGapRecord {
  const offered = Array.isArray(r.offered) && r.offered.length > 0 ? (r.offered as unknown[]).map(String) : undefined;
  return {
    id: String(r.id), text: String(r.text), locale: r.locale as KnowledgeGapRecord['locale'], platform: r.platform as KnowledgeGapRecord['platform'],
    at: iso(r.at), outcome: isGapOutcome(r.outcome) ? r.outcome : 'unknown', ...opt('offered', offered), ...opt('picked', r.picked as string | null),
    ...isoOpt('handledAt', r.handled_at), ...opt('handledBy', r.handled_by as string | null),
  };
}

const COLUMNS = 'id, text, locale, platform, at, outcome, offered, picked, handled_at, handled_by';
const values = (g: KnowledgeGapRecord): unknown[] => [
  g.id, g.text, g.locale, g.platform, g.at, g.outcome, g.offered ?? null, g.picked ?? null, g.handledAt ?? null, g.handledBy ?? null,
];

export function pgGaps(db: Db): KnowledgeGapRepo {
  return {
    // With a given id: the first one stays (ON CONFLICT DO NOTHING), and is returned.
    add: async (rec) => {
      const full = newGapRecord(rec, rec.id ?? randomUUID());
      const r = await db.query(
        `WITH ins AS (INSERT INTO knowledge_gaps (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING RETURNING *)
         SELECT * FROM ins UNION ALL SELECT * FROM knowledge_gaps WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM ins)`,
        values(full),
      );
      return gapRow(r.rows[0]!);
    },
    get: async (id) => {
      const r = await db.query('SELECT * FROM knowledge_gaps WHERE id = $1', [id]);
      return r.rows[0] ? gapRow(r.rows[0]) : undefined;
    },
    list: async (opts) => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (opts?.since) where.push(`at >= $${params.push(bound(opts.since))}`);
      if (opts?.outcome) where.push(`outcome = $${params.push(opts.outcome)}`);
      const r = await db.query(`SELECT * FROM knowledge_gaps${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY pos`, params);
      return r.rows.map(gapRow);
    },
    count: async () => count((await db.query<{ n: string }>('SELECT count(*) AS n FROM knowledge_gaps')).rows),
    recordPick: async (id, entryId) =>
      ((await db.query("UPDATE knowledge_gaps SET picked = $2 WHERE id = $1 AND outcome = 'suggested' AND $2 = ANY(offered)", [id, entryId])).rowCount ?? 0) > 0,
    prune: async (olderThan) => (await db.query('DELETE FROM knowledge_gaps WHERE at < $1', [olderThan.toISOString()])).rowCount ?? 0,
    markHandled: async (ids, by, now) => {
      if (ids.length === 0) return 0;
      const r = await db.query('UPDATE knowledge_gaps SET handled_at = $2, handled_by = $3 WHERE id = ANY($1::text[]) AND handled_at IS NULL',
        [[...ids], now.toISOString(), by]);
      return r.rowCount ?? 0;
    },
    // One statement: totals and the median in one scan, asked per bucket on the `at` index, the oldest open on the partial index of migration 2.
    stats: async (bounds, oldest) => {
      const r = await db.query(
        `SELECT count(*)::int AS total, count(handled_at)::int AS handled,
           ${medianDaysSql('at', 'handled_at')} AS median_days,
           ${bucketCountsSql('knowledge_gaps', 'at')} AS weeks,
           (SELECT coalesce(json_agg(row_to_json(o) ORDER BY o.at, o.pos), '[]'::json)
              FROM (SELECT * FROM knowledge_gaps WHERE handled_at IS NULL ORDER BY at, pos LIMIT $2) AS o) AS oldest
         FROM knowledge_gaps`,
        [bounds, Math.max(0, oldest)],
      );
      const row = r.rows[0]!;
      const total = Number(row.total);
      const handled = Number(row.handled);
      return {
        total, open: total - handled, handled, perWeek: bucketCounts(row.weeks, bounds), oldestOpen: (row.oldest as Row[]).map(gapRow),
        medianHandledDays: numberOrNull(row.median_days),
      };
    },
  };
}

export const GAPS_SQL: PostgresPart<KnowledgeGapRepo> = {
  tables: ['knowledge_gaps'],
  repo: pgGaps,
  dump: async (q) => ({ gaps: (await allRows(q, 'SELECT * FROM knowledge_gaps ORDER BY pos')).map(gapRow) }),
  // Records from a lowdb file of before outcomes have none: `unknown`, as they read there.
  load: (q, d) => insertMany(q, 'knowledge_gaps', COLUMNS,
    ((d.gaps ?? []) as KnowledgeGapRecord[]).map((g) => values({ ...g, outcome: g.outcome ?? 'unknown' }))),
};
