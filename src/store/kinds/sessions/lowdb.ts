import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import type { WebSessionRecord, WebSessionRepo } from './index.js';

const schema = z.object({
  id: z.string(),
  login: z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string(), returnTo: z.string() }).optional(),
  user: z.object({
    issuer: z.string(),
    sub: z.string(),
    name: z.string().optional(),
    email: z.string().optional(),
    oid: z.string().optional(),
    coordinatorId: z.string().optional(),
  }).optional(),
  csrf: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
});

export const SESSIONS_TABLE: LowdbTableSpec<WebSessionRecord> = {
  name: 'sessions',
  key: (r) => r.id,
  check: checkWith(schema),
  fromV1: (v1) => v1List(v1, 'sessions'),
};

const live = (s: WebSessionRecord | undefined, now: Date): WebSessionRecord | undefined =>
  s && Date.parse(s.expiresAt) > now.getTime() ? s : undefined;
const sessions = (t: LowdbTables): Table<WebSessionRecord> => t.table<WebSessionRecord>('sessions');

/** Dashboard sessions in the data file, so a restart does not sign everyone out. */
export function lowdbSessions(db: LowdbDb): WebSessionRepo {
  return {
    put: (rec) => db.mutate((t) => {
      sessions(t).put(structuredClone(rec));
    }),
    get: (id, now) => db.read((t) => {
      const s = live(sessions(t).get(id), now);
      return s ? structuredClone(s) : undefined;
    }),
    take: (id, now) => db.mutate((t) => {
      const s = live(sessions(t).get(id), now);
      sessions(t).delete(id);
      return s ? structuredClone(s) : undefined;
    }),
    touch: (id, now, expiresAt) => db.mutate((t) => {
      const s = live(sessions(t).get(id), now);
      if (!s) return false;
      sessions(t).put({ ...s, lastSeenAt: now.toISOString(), expiresAt });
      return true;
    }),
    remove: (id) => db.mutate((t) => sessions(t).delete(id)),
    prune: (now) => db.mutate((t) => {
      let n = 0;
      for (const s of [...sessions(t).values()]) {
        if (live(s, now)) continue;
        sessions(t).delete(s.id);
        n++;
      }
      return n;
    }),
  };
}
