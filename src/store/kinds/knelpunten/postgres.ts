import { FORGOTTEN_ACTOR, knelpuntRef } from '../../../domain/knelpunt.js';
import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { bound, bucketCounts, bucketCountsSql, count, iso, json, medianDaysSql, numberOrNull, opt } from '../../postgres/rows.js';
import { emptyStatusCounts, OPEN_STATUSES } from '../../stats.js';
import type { KnelpuntRecord, KnelpuntRepo, StatusCounts } from './index.js';
import { submissionHash } from './lowdb.js';

export function knelpuntRow(r: Row): KnelpuntRecord {
  return {
    ref: String(r.ref), year: Number(r.year), seq: Number(r.seq), opgave: String(r.opgave), beschrijving: String(r.beschrijving),
    overheden: r.overheden as KnelpuntRecord['overheden'], urgentie: r.urgentie as KnelpuntRecord['urgentie'], anoniem: Boolean(r.anoniem),
    ...opt('reporter', r.reporter as KnelpuntRecord['reporter'] | null), platform: r.platform as KnelpuntRecord['platform'],
    status: r.status as KnelpuntRecord['status'], history: r.history as KnelpuntRecord['history'],
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

/** `triaged_at` is not written: the database derives it from `history` (migration 2). */
export const KNELPUNT_COLUMNS = 'ref, year, seq, opgave, beschrijving, overheden, urgentie, anoniem, reporter, platform, status, history, created_at, updated_at';
export const knelpuntValues = (k: KnelpuntRecord): unknown[] => [
  k.ref, k.year, k.seq, k.opgave, k.beschrijving, k.overheden, k.urgentie, k.anoniem, json(k.reporter), k.platform, k.status, json(k.history), k.createdAt, k.updatedAt,
];

/**
 * Privacy: one UPDATE that rewrites `by` ($1) to $2 and drops `byName` in every history
 * item this person made (order kept), only in rows that have one.
 */
const FORGET_ACTOR_SQL = `
  UPDATE knelpunten SET history = (
    SELECT jsonb_agg(CASE WHEN h->>'by' = $1 THEN jsonb_set(h, '{by}', to_jsonb($2::text)) - 'byName' ELSE h END ORDER BY i)
    FROM jsonb_array_elements(history) WITH ORDINALITY AS e(h, i))
  WHERE history @> jsonb_build_array(jsonb_build_object('by', $1::text))`;

/** Thrown inside the create transaction when another one stored the same submission first: roll back, return that one. */
class SameSubmission extends Error {
  readonly passThrough = true;
}

export function pgKnelpunten(db: Db): KnelpuntRepo {
  const bySubmission = async (key: string): Promise<KnelpuntRecord | undefined> => {
    const row = (await db.query('SELECT k.* FROM knelpunt_submissions s JOIN knelpunten k ON k.ref = s.ref WHERE s.key = $1', [key])).rows[0];
    return row ? knelpuntRow(row) : undefined;
  };
  return {
    /**
     * Counter, record and submission key in one transaction. The counter row
     * (`INSERT … ON CONFLICT (year) DO UPDATE SET seq = seq + 1`) stays locked until
     * commit, so references of a year are handed out one at a time, on every
     * instance; a rolled-back transaction rolls its number back too: gapless. A
     * submission stored meanwhile by someone else hits the unique key: roll back and
     * return the first knelpunt.
     */
    create: async (input, submissionKey, now) => {
      const key = submissionHash(submissionKey);
      const prior = await bySubmission(key);
      if (prior) return { knelpunt: prior, created: false };
      const year = now.getUTCFullYear();
      const at = now.toISOString();
      try {
        const knelpunt = await db.tx(async (q) => {
          const c = await q<{ seq: number }>(
            'INSERT INTO knelpunt_counters (year, seq) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE SET seq = knelpunt_counters.seq + 1 RETURNING seq',
            [year],
          );
          const seq = c.rows[0]!.seq;
          const rec: KnelpuntRecord = {
            ...structuredClone(input), ref: knelpuntRef(year, seq), year, seq, status: 'nieuw', history: [], createdAt: at, updatedAt: at,
          };
          if (rec.anoniem) delete rec.reporter;
          await q(`INSERT INTO knelpunten (${KNELPUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, knelpuntValues(rec));
          const s = await q('INSERT INTO knelpunt_submissions (key, ref) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key', [key, rec.ref]);
          if (s.rowCount === 0) throw new SameSubmission();
          return rec;
        });
        return { knelpunt, created: true };
      } catch (e) {
        if (!(e instanceof SameSubmission)) throw e;
        const first = await bySubmission(key);
        if (!first) throw e;
        return { knelpunt: first, created: false };
      }
    },
    get: async (ref) => {
      const row = (await db.query('SELECT * FROM knelpunten WHERE ref = $1', [ref])).rows[0];
      return row ? knelpuntRow(row) : undefined;
    },
    list: async (filter) => {
      const where: string[] = [];
      const values: unknown[] = [];
      const add = (sql: string, ...v: unknown[]): void => {
        where.push(sql.replace(/\$(\d)/g, (_, i: string) => `$${values.length + Number(i)}`));
        values.push(...v);
      };
      if (filter?.since) add('created_at >= $1', bound(filter.since));
      if (filter?.status) add('status = ANY($1::text[])', filter.status);
      if (filter?.opgave) add('opgave = ANY($1::text[])', filter.opgave);
      if (filter?.reporter) add(`reporter->>'platform' = $1 AND reporter->>'userId' = $2`, filter.reporter.platform, filter.reporter.userId);
      const r = await db.query(`SELECT * FROM knelpunten ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY pos`, values);
      return r.rows.map(knelpuntRow);
    },
    // Compare-and-set on the status: of two coordinators clicking at once, one changes it.
    changeStatus: async (ref, change) => {
      const r = await db.query(
        `UPDATE knelpunten SET status = $3, updated_at = $4, history = history || jsonb_build_array($5::jsonb)
         WHERE ref = $1 AND status = $2 RETURNING *`,
        [ref, change.from, change.to, change.at, json(change)],
      );
      const row = r.rows[0];
      if (row) return { knelpunt: knelpuntRow(row), changed: true };
      const cur = (await db.query('SELECT * FROM knelpunten WHERE ref = $1', [ref])).rows[0];
      return { knelpunt: cur ? knelpuntRow(cur) : undefined, changed: false };
    },
    forgetReporter: async (platform, userId) => {
      const r = await db.query(`UPDATE knelpunten SET reporter = NULL WHERE reporter->>'platform' = $1 AND reporter->>'userId' = $2`, [platform, userId]);
      return r.rowCount ?? 0;
    },
    forgetActor: async (by) => (await db.query(FORGET_ACTOR_SQL, [by, FORGOTTEN_ACTOR])).rowCount ?? 0,
    count: async () => count((await db.query<{ n: string }>('SELECT count(*) AS n FROM knelpunten')).rows),
    /**
     * One statement (one snapshot): counts per opgave and status, creations per bucket
     * (the created_at index), the median over `triaged_at` (no history is read), and the
     * oldest open ones in list order on ties (the partial index of migration 2).
     */
    stats: async (bounds, oldest) => {
      const r = await db.query(
        `SELECT t.median_days, t.triaged,
           (SELECT coalesce(json_agg(json_build_array(opgave, status, n)), '[]'::json)
              FROM (SELECT opgave, status, count(*)::int AS n FROM knelpunten GROUP BY opgave, status) AS c) AS counts,
           ${bucketCountsSql('knelpunten', 'created_at')} AS weeks,
           (SELECT coalesce(json_agg(row_to_json(o) ORDER BY o.created_at, o.pos), '[]'::json)
              FROM (SELECT * FROM knelpunten WHERE status = ANY($3::text[]) ORDER BY created_at, pos LIMIT $2) AS o) AS oldest
         FROM (SELECT ${medianDaysSql('created_at', 'triaged_at')} AS median_days,
                 count(triaged_at)::int AS triaged FROM knelpunten) AS t`,
        [bounds, Math.max(0, oldest), OPEN_STATUSES],
      );
      const row = r.rows[0]!;
      const byOpgave = new Map<string, StatusCounts>();
      const byStatus = emptyStatusCounts();
      let total = 0;
      let open = 0;
      for (const [opgave, status, n] of row.counts as [string, KnelpuntRecord['status'], number][]) {
        let counts = byOpgave.get(opgave);
        if (!counts) byOpgave.set(opgave, (counts = emptyStatusCounts()));
        counts[status] += n;
        byStatus[status] += n;
        total += n;
        if (OPEN_STATUSES.includes(status)) open += n;
      }
      return {
        total, open, byOpgave, byStatus, perWeek: bucketCounts(row.weeks, bounds), oldestOpen: (row.oldest as Row[]).map(knelpuntRow),
        medianTriageDays: numberOrNull(row.median_days), triaged: Number(row.triaged),
      };
    },
  };
}

export const KNELPUNTEN_SQL: PostgresPart<KnelpuntRepo> = {
  tables: ['knelpunten', 'knelpunt_counters', 'knelpunt_submissions'],
  repo: pgKnelpunten,
  dump: async (q) => ({
    knelpunten: (await allRows(q, 'SELECT * FROM knelpunten ORDER BY pos')).map(knelpuntRow),
    knelpuntCounters: (await allRows(q, 'SELECT year, seq FROM knelpunt_counters ORDER BY year')).map((r) => ({ year: Number(r.year), seq: Number(r.seq) })),
    knelpuntSubmissions: (await allRows(q, 'SELECT key, ref FROM knelpunt_submissions ORDER BY key')).map((r) => ({ key: String(r.key), ref: String(r.ref) })),
  }),
  load: async (q, d) => {
    await insertMany(q, 'knelpunten', KNELPUNT_COLUMNS, ((d.knelpunten ?? []) as KnelpuntRecord[]).map(knelpuntValues));
    await insertMany(q, 'knelpunt_counters', 'year, seq', ((d.knelpuntCounters ?? []) as { year: number; seq: number }[]).map((c) => [c.year, c.seq]));
    await insertMany(q, 'knelpunt_submissions', 'key, ref', ((d.knelpuntSubmissions ?? []) as { key: string; ref: string }[]).map((s) => [s.key, s.ref]));
  },
};
