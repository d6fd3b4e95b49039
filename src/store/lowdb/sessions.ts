import type { WebSessionRecord, WebSessionRepo } from '../types.js';
import type { LowdbAccess } from './knelpunten.js';

const live = (s: WebSessionRecord | undefined, now: Date): WebSessionRecord | undefined =>
  s && Date.parse(s.expiresAt) > now.getTime() ? s : undefined;

/** Dashboard sessions in the data file, so a restart does not sign everyone out. */
export function lowdbSessions(db: LowdbAccess): WebSessionRepo {
  return {
    put: (rec) =>
      db.mutate((d) => {
        d.sessions[rec.id] = structuredClone(rec);
      }),
    get: (id, now) =>
      db.read((d) => {
        const s = live(d.sessions[id], now);
        return s ? structuredClone(s) : undefined;
      }),
    take: (id, now) =>
      db.mutate((d) => {
        const s = live(d.sessions[id], now);
        delete d.sessions[id];
        return s ? structuredClone(s) : undefined;
      }),
    touch: (id, now, expiresAt) =>
      db.mutate((d) => {
        const s = live(d.sessions[id], now);
        if (!s) return false;
        s.lastSeenAt = now.toISOString();
        s.expiresAt = expiresAt;
        return true;
      }),
    remove: (id) =>
      db.mutate((d) => {
        const had = id in d.sessions;
        delete d.sessions[id];
        return had;
      }),
    prune: (now) =>
      db.mutate((d) => {
        let n = 0;
        for (const [id, s] of Object.entries(d.sessions)) {
          if (!live(s, now)) {
            delete d.sessions[id];
            n++;
          }
        }
        return n;
      }),
  };
}
