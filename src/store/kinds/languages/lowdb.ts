import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith } from '../../lowdb/check.js';
import { locale } from '../../lowdb/schemas.js';
import type { LanguageRecord, LanguageRepo } from './index.js';

const schema = z.object({ key: z.string(), locale, source: z.enum(['words', 'command']), updatedAt: z.string() });

export const LANGUAGES_TABLE: LowdbTableSpec<LanguageRecord> = {
  name: 'languages',
  key: (r) => r.key,
  check: checkWith(schema),
  fromV1: () => [], // newer than the single-file store
};

const languages = (t: LowdbTables): Table<LanguageRecord> => t.table<LanguageRecord>('languages');

export function lowdbLanguages(db: LowdbDb): LanguageRepo {
  return {
    get: (key) => db.read((t) => {
      const r = languages(t).get(key);
      return r ? { ...r } : undefined;
    }),
    getMany: (keys) => db.read((t) => keys.flatMap((k) => {
      const r = languages(t).get(k);
      return r ? [{ ...r }] : [];
    })),
    set: async (record) => {
      // Read first, so an unchanged language costs no journal write.
      const kept = (r: LanguageRecord | undefined): boolean =>
        r !== undefined && ((r.locale === record.locale && r.source === record.source) || (r.source === 'command' && record.source === 'words'));
      if (await db.read((t) => kept(languages(t).get(record.key)))) return false;
      return db.mutate((t) => {
        if (kept(languages(t).get(record.key))) return false;
        languages(t).put({ key: record.key, locale: record.locale, source: record.source, updatedAt: record.updatedAt });
        return true;
      });
    },
    remove: (key) => db.mutate((t) => languages(t).delete(key)),
    pruneExcept: (prefixes, keep, changedBefore) => db.mutate((t) => {
      const before = changedBefore.toISOString();
      const kept = new Set(keep);
      const old = [...languages(t).values()].filter((r) => r.updatedAt < before && !kept.has(r.key) && prefixes.some((p) => r.key.startsWith(p)));
      for (const r of old) languages(t).delete(r.key);
      return old.length;
    }),
  };
}
