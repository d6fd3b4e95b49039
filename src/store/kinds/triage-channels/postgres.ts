import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db } from '../../postgres/db.js';
import type { TriageChannelRecord, TriageChannelRepo } from './index.js';

export function pgTriageChannels(db: Db): TriageChannelRepo {
  return {
    add: async (key, by, now) => {
      await db.query('INSERT INTO triage_channels (key, added_by, added_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING', [key, by, now.toISOString()]);
    },
    remove: async (key) => {
      await db.query('DELETE FROM triage_channels WHERE key = $1', [key]);
    },
    list: async () => (await db.query<{ key: string }>('SELECT key FROM triage_channels ORDER BY pos')).rows.map((r) => r.key),
  };
}

export const TRIAGE_CHANNELS_SQL: PostgresPart<TriageChannelRepo> = {
  tables: ['triage_channels'],
  repo: pgTriageChannels,
  dump: async (q) => ({
    triageChannels: (await allRows(q, 'SELECT * FROM triage_channels ORDER BY pos')).map((r) => ({ key: String(r.key), by: String(r.added_by), at: (r.added_at as Date).toISOString() })),
  }),
  load: (q, d) => insertMany(q, 'triage_channels', 'key, added_by, added_at', ((d.triageChannels ?? []) as TriageChannelRecord[]).map((c) => [c.key, c.by, c.at])),
};
