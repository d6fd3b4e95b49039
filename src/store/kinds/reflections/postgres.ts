import { randomUUID } from 'node:crypto';
import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { bound, bucketCounts, bucketCountsSql, count, iso, json, opt } from '../../postgres/rows.js';
import type { ReflectionRecord, ReflectionRepo } from './index.js';

export function reflectionRow(r: Row): ReflectionRecord {
  const answers = r.answers as Pick<ReflectionRecord, 'goed' | 'beter' | 'meenemen'>;
  return {
    id: String(r.id), ...answers, ...opt('opgave', r.opgave as string | null), ...opt('zekerheid', r.zekerheid as string | null),
    channelKey: String(r.channel_key), platform: r.platform as ReflectionRecord['platform'], anonymous: Boolean(r.anonymous),
    ...opt('authorName', r.author_name as string | null), ...opt('authorKey', r.author_key as string | null), locale: r.locale as ReflectionRecord['locale'], createdAt: iso(r.created_at),
  };
}

export const REFLECTION_COLUMNS = 'id, channel_key, platform, anonymous, author_name, author_key, locale, answers, opgave, zekerheid, created_at';
export const reflectionValues = (r: ReflectionRecord): unknown[] => {
  const answers = { ...opt('goed', r.goed), ...opt('beter', r.beter), ...opt('meenemen', r.meenemen) };
  return [r.id, r.channelKey, r.platform, r.anonymous, r.anonymous ? null : (r.authorName ?? null), r.anonymous ? null : (r.authorKey ?? null), r.locale, json(answers), r.opgave ?? null, r.zekerheid ?? null, r.createdAt];
};

export function pgReflections(db: Db): ReflectionRepo {
  return {
    add: async (rec) => {
      const full: ReflectionRecord = { id: randomUUID(), ...structuredClone(rec) };
      if (full.anonymous) {
        delete full.authorName;
        delete full.authorKey;
      }
      await db.query(`INSERT INTO reflections (${REFLECTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, reflectionValues(full));
      return full;
    },
    list: async (f) => {
      const r = await db.query(
        `SELECT * FROM reflections WHERE ($1::text IS NULL OR channel_key = $1) AND ($2::timestamptz IS NULL OR created_at >= $2)
         AND ($3::timestamptz IS NULL OR created_at < $3) AND ($4::text IS NULL OR author_key = $4) ORDER BY pos`,
        [f?.channelKey ?? null, f?.since ? bound(f.since) : null, f?.until ? bound(f.until) : null, f?.authorKey ?? null],
      );
      return r.rows.map(reflectionRow);
    },
    forgetAuthor: async (authorKey) =>
      (await db.query('UPDATE reflections SET anonymous = true, author_name = NULL, author_key = NULL WHERE author_key = $1', [authorKey])).rowCount ?? 0,
    count: async () => count((await db.query<{ n: string }>('SELECT count(*) AS n FROM reflections')).rows),
    stats: async (bounds) => {
      const r = await db.query(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE anonymous)::int AS anonymous,
           (SELECT coalesce(json_agg(json_build_array(opgave, n)), '[]'::json)
              FROM (SELECT coalesce(opgave, '') AS opgave, count(*)::int AS n FROM reflections GROUP BY 1) AS g) AS by_opgave,
           ${bucketCountsSql('reflections', 'created_at')} AS weeks
         FROM reflections`,
        [bounds],
      );
      const row = r.rows[0]!;
      return {
        total: Number(row.total), anonymous: Number(row.anonymous), byOpgave: new Map(row.by_opgave as [string, number][]),
        perWeek: bucketCounts(row.weeks, bounds),
      };
    },
  };
}

export const REFLECTIONS_SQL: PostgresPart<ReflectionRepo> = {
  tables: ['reflections'],
  repo: pgReflections,
  dump: async (q) => ({ reflections: (await allRows(q, 'SELECT * FROM reflections ORDER BY pos')).map(reflectionRow) }),
  load: (q, d) => insertMany(q, 'reflections', REFLECTION_COLUMNS, ((d.reflections ?? []) as ReflectionRecord[]).map(reflectionValues)),
};
