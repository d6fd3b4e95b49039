import type { Migration } from './index.js';

/**
 * The dashboard overview computes its figures in SQL (KnelpuntRepo.stats and friends).
 *
 * - `knelpunten.triaged_at`: when a knelpunt first left `nieuw` (the first history item
 *   from `nieuw`, as `firstTriage` in src/store/stats.ts reads it). Set by changeStatus
 *   and by an import from now on; filled here from the stored histories, so the median
 *   days to triage needs no JSONB unnesting of every history.
 * - partial indexes for "the oldest open" lists: the first few rows in (time, pos) order,
 *   without sorting every open record.
 */
export const overviewStats: Migration = {
  version: 2,
  name: 'overview-stats',
  sql: `
ALTER TABLE knelpunten ADD COLUMN triaged_at timestamptz;
UPDATE knelpunten k SET triaged_at = (
  SELECT (e.item->>'at')::timestamptz FROM jsonb_array_elements(k.history) WITH ORDINALITY AS e(item, i)
  WHERE e.item->>'from' = 'nieuw' ORDER BY e.i LIMIT 1)
WHERE k.history @> '[{"from": "nieuw"}]';

-- open: a status a knelpunt can still move on from (isOpen in src/core/knelpunt/status.ts)
CREATE INDEX knelpunten_open_oldest ON knelpunten (created_at, pos) WHERE status IN ('nieuw', 'in_behandeling', 'geagendeerd');
CREATE INDEX knowledge_gaps_open_oldest ON knowledge_gaps (at, pos) WHERE handled_at IS NULL;
`,
};
