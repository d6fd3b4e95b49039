import { randomUUID } from 'node:crypto';
import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { bound, bucketCounts, bucketCountsSql, count, iso, isoOpt, medianDaysSql, numberOrNull, opt } from '../../postgres/rows.js';
import type { KnowledgeGapRecord, KnowledgeGapRepo } from './index.js';

export function gapRow(r: Row): KnowledgeGapRecord {
  return {
    id: String(r.id), text: String(r.text), locale: r.locale as KnowledgeGapRecord['locale'], platform: r.platform as KnowledgeGapRecord['platform'],
    at: iso(r.at), ...isoOpt('handledAt', r.handled_at), ...opt('handledBy', r.handled_by as string | null),
  };
}

export function pgGaps(db: Db): KnowledgeGapRepo {
  return {
    add: async (rec) => {
      const full: KnowledgeGapRecord = { id: randomUUID(), ...rec };
      await db.query('INSERT INTO knowledge_gaps (id, text, locale, platform, at) VALUES ($1, $2, $3, $4, $5)',
        [full.id, full.text, full.locale, full.platform, full.at]);
      return full;
    },
    list: async (opts) => {
      const r = opts?.since
        ? await db.query('SELECT * FROM knowledge_gaps WHERE at >= $1 ORDER BY pos', [bound(opts.since)])
        : await db.query('SELECT * FROM knowledge_gaps ORDER BY pos');
      return r.rows.map(gapRow);
    },
    count: async () => count((await db.query<{ n: string }>('SELECT count(*) AS n FROM knowledge_gaps')).rows),
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
  load: (q, d) => insertMany(q, 'knowledge_gaps', 'id, text, locale, platform, at, handled_at, handled_by',
    ((d.gaps ?? []) as KnowledgeGapRecord[]).map((g) => [g.id, g.text, g.locale, g.platform, g.at, g.handledAt ?? null, g.handledBy ?? null])),
};
