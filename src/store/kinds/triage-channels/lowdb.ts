import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import type { TriageChannelRecord, TriageChannelRepo } from './index.js';

export const TRIAGE_CHANNELS_TABLE: LowdbTableSpec<TriageChannelRecord> = {
  name: 'triageChannels',
  key: (r) => r.key,
  check: checkWith(z.object({ key: z.string(), by: z.string(), at: z.string() })),
  fromV1: (v1) => v1List(v1, 'triageChannels'),
};

const channels = (t: LowdbTables): Table<TriageChannelRecord> => t.table<TriageChannelRecord>('triageChannels');

export function lowdbTriageChannels(db: LowdbDb): TriageChannelRepo {
  return {
    add: (key, by, now) => db.mutate((t) => {
      if (!channels(t).has(key)) channels(t).put({ key, by, at: now.toISOString() });
    }),
    remove: (key) => db.mutate((t) => {
      channels(t).delete(key);
    }),
    list: () => db.read((t) => [...channels(t).values()].map((c) => c.key)),
  };
}
