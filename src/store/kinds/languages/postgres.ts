import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { iso } from '../../postgres/rows.js';
import type { LanguageRecord, LanguageRepo } from './index.js';

function languageRow(r: Row): LanguageRecord {
  return { key: String(r.key), locale: r.locale as LanguageRecord['locale'], source: r.source as LanguageRecord['source'], updatedAt: iso(r.updated_at) };
}

const COLUMNS = 'key, locale, source, updated_at';
const values = (r: LanguageRecord): unknown[] => [r.key, r.locale, r.source, r.updatedAt];

export function pgLanguages(db: Db): LanguageRepo {
  return {
    get: async (key) => {
      const row = (await db.query('SELECT * FROM languages WHERE key = $1', [key])).rows[0];
      return row ? languageRow(row) : undefined;
    },
    getMany: async (keys) => {
      if (keys.length === 0) return [];
      const rows = (await db.query('SELECT * FROM languages WHERE key = ANY($1::text[])', [[...keys]])).rows.map(languageRow);
      const byKey = new Map(rows.map((r) => [r.key, r]));
      return keys.flatMap((k) => (byKey.has(k) ? [byKey.get(k)!] : []));
    },
    // One statement: an unchanged language updates no row (and so writes nothing), and
    // words never replace a language chosen with `taal`, however the two race.
    set: async (record) => ((await db.query(
      `INSERT INTO languages (${COLUMNS}) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE SET locale = EXCLUDED.locale, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
       WHERE (languages.locale <> EXCLUDED.locale OR languages.source <> EXCLUDED.source)
         AND NOT (languages.source = 'command' AND EXCLUDED.source = 'words')`,
      values(record),
    )).rowCount ?? 0) > 0,
    remove: async (key) => ((await db.query('DELETE FROM languages WHERE key = $1', [key])).rowCount ?? 0) > 0,
    // starts_with, not LIKE: a prefix is text, never a pattern.
    pruneExcept: async (prefixes, keep, changedBefore) => (prefixes.length === 0 ? 0 : (await db.query(
      `DELETE FROM languages WHERE updated_at < $1 AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS p WHERE starts_with(key, p))
       AND NOT (key = ANY($3::text[]))`,
      [changedBefore.toISOString(), [...prefixes], [...keep]],
    )).rowCount ?? 0),
  };
}

export const LANGUAGES_SQL: PostgresPart<LanguageRepo> = {
  tables: ['languages'],
  repo: pgLanguages,
  dump: async (q) => ({ languages: (await allRows(q, 'SELECT * FROM languages ORDER BY pos')).map(languageRow) }),
  load: (q, d) => insertMany(q, 'languages', COLUMNS, ((d.languages ?? []) as LanguageRecord[]).map(values)),
};
