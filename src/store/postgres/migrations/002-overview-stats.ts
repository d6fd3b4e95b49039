import type { Migration } from './index.js';

/** When a history first leaves `nieuw` (its first item from `nieuw`), as `firstTriage` in src/store/stats.ts reads it. */
const firstTriage = (history: string): string => `(jsonb_path_query_first(${history}, '$[*] ? (@."from" == "nieuw")."at"') #>> '{}')::timestamptz`;

/**
 * The dashboard overview computes its figures in SQL (KnelpuntRepo.stats and friends).
 *
 * - `knelpunten.triaged_at`: when a knelpunt was first triaged, so the median days to
 *   triage reads one column instead of every JSONB history. The database derives it
 *   from `history` on every insert and history change (a trigger), whoever writes: an
 *   instance still running the previous version during a rolling update, or an import.
 *   Existing rows are filled here.
 * - partial indexes for "the oldest open" lists: the first few rows in (time, pos)
 *   order, without sorting every open record.
 */
export const overviewStats: Migration = {
  version: 2,
  name: 'overview-stats',
  sql: `
ALTER TABLE knelpunten ADD COLUMN triaged_at timestamptz;
UPDATE knelpunten SET triaged_at = ${firstTriage('history')} WHERE history @> '[{"from": "nieuw"}]';

CREATE FUNCTION knelpunten_triaged_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.triaged_at := ${firstTriage('NEW.history')};
  RETURN NEW;
END
$$;
CREATE TRIGGER knelpunten_triaged_at BEFORE INSERT OR UPDATE OF history ON knelpunten
  FOR EACH ROW EXECUTE FUNCTION knelpunten_triaged_at();

-- open: a status a knelpunt can still move on from (isOpen in src/core/knelpunt/status.ts)
CREATE INDEX knelpunten_open_oldest ON knelpunten (created_at, pos) WHERE status IN ('nieuw', 'in_behandeling', 'geagendeerd');
CREATE INDEX knowledge_gaps_open_oldest ON knowledge_gaps (at, pos) WHERE handled_at IS NULL;
`,
};
