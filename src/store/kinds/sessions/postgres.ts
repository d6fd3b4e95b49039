import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { iso, json, opt } from '../../postgres/rows.js';
import type { WebSessionRecord, WebSessionRepo } from './index.js';

export function sessionRow(r: Row): WebSessionRecord {
  return {
    id: String(r.id), ...opt('login', r.login as WebSessionRecord['login'] | null), ...opt('user', r.user_info as WebSessionRecord['user'] | null),
    csrf: String(r.csrf), createdAt: iso(r.created_at), lastSeenAt: iso(r.last_seen_at), expiresAt: iso(r.expires_at),
  };
}

export const SESSION_COLUMNS = 'id, login, user_info, csrf, created_at, last_seen_at, expires_at';
export const sessionValues = (s: WebSessionRecord): unknown[] => [s.id, json(s.login), json(s.user), s.csrf, s.createdAt, s.lastSeenAt, s.expiresAt];

export function pgSessions(db: Db): WebSessionRepo {
  const live = (s: WebSessionRecord | undefined, now: Date): WebSessionRecord | undefined =>
    s && Date.parse(s.expiresAt) > now.getTime() ? s : undefined;
  return {
    put: async (rec) => {
      await db.query(
        `INSERT INTO web_sessions (${SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET login = EXCLUDED.login, user_info = EXCLUDED.user_info, csrf = EXCLUDED.csrf,
           created_at = EXCLUDED.created_at, last_seen_at = EXCLUDED.last_seen_at, expires_at = EXCLUDED.expires_at`,
        sessionValues(rec),
      );
    },
    get: async (id, now) => {
      const row = (await db.query('SELECT * FROM web_sessions WHERE id = $1 AND expires_at > $2', [id, now.toISOString()])).rows[0];
      return row ? sessionRow(row) : undefined;
    },
    // DELETE … RETURNING: of concurrent takes only one gets the row. An expired one is removed too.
    take: async (id, now) => {
      const row = (await db.query('DELETE FROM web_sessions WHERE id = $1 RETURNING *', [id])).rows[0];
      return live(row ? sessionRow(row) : undefined, now);
    },
    touch: async (id, now, expiresAt) => {
      const r = await db.query('UPDATE web_sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1 AND expires_at > $2', [id, now.toISOString(), expiresAt]);
      return (r.rowCount ?? 0) > 0;
    },
    remove: async (id) => ((await db.query('DELETE FROM web_sessions WHERE id = $1', [id])).rowCount ?? 0) > 0,
    prune: async (now) => (await db.query('DELETE FROM web_sessions WHERE expires_at <= $1', [now.toISOString()])).rowCount ?? 0,
  };
}

export const SESSIONS_SQL: PostgresPart<WebSessionRepo> = {
  tables: ['web_sessions'],
  repo: pgSessions,
  dump: async (q) => ({ sessions: (await allRows(q, 'SELECT * FROM web_sessions ORDER BY id')).map(sessionRow) }),
  load: (q, d) => insertMany(q, 'web_sessions', SESSION_COLUMNS, ((d.sessions ?? []) as WebSessionRecord[]).map(sessionValues)),
};
