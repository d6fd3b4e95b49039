import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Query, Row } from '../../postgres/db.js';
import { iso, json, opt } from '../../postgres/rows.js';
import type { WebChatHistoryRepo, WebChatMessageRecord, WebChatSessionRecord } from './index.js';

export function sessionRow(r: Row): WebChatSessionRecord {
  return { session: String(r.session), rev: Number(r.rev), ...opt('name', r.name as string | null), updatedAt: iso(r.updated_at) };
}

export function messageRow(r: Row): WebChatMessageRecord {
  return {
    session: String(r.session), id: String(r.id), pos: Number(r.pos), rev: Number(r.rev),
    role: r.role as WebChatMessageRecord['role'], body: r.body as Record<string, unknown>, at: iso(r.at),
  };
}

const SESSION_COLUMNS = 'session, rev, name, updated_at';
const sessionValues = (s: WebChatSessionRecord): unknown[] => [s.session, s.rev, s.name ?? null, s.updatedAt];
const MESSAGE_COLUMNS = 'session, id, pos, rev, role, body, at';
const messageValues = (m: WebChatMessageRecord): unknown[] => [m.session, m.id, m.pos, m.rev, m.role, json(m.body), m.at];

/**
 * The session row is the lock: every change of a session updates it first (its `rev`), so
 * changes of one session are numbered one after another, on any instance.
 */
async function bump(q: Query, session: string, by: number, at: string): Promise<number> {
  const r = await q<{ rev: string }>(
    `INSERT INTO web_chat_sessions (session, rev, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (session) DO UPDATE SET rev = web_chat_sessions.rev + $2, updated_at = $3 RETURNING rev`,
    [session, by, at],
  );
  return Number(r.rows[0]!.rev);
}

export function pgWebChatHistory(db: Db): WebChatHistoryRepo {
  return {
    append: (session, added, now, keep) => db.tx(async (q) => {
      const at = now.toISOString();
      // Lock the session (making it when new) before looking at its messages.
      await bump(q, session, 0, at);
      const held = new Set(
        added.length === 0 ? [] : (await q<{ id: string }>('SELECT id FROM web_chat_messages WHERE session = $1 AND id = ANY($2::text[])', [session, added.map((m) => m.id)])).rows.map((r) => r.id),
      );
      const fresh = added.filter((m, i) => !held.has(m.id) && added.findIndex((o) => o.id === m.id) === i);
      if (fresh.length === 0) return [];
      const last = await bump(q, session, fresh.length, at);
      const out: WebChatMessageRecord[] = fresh.map((m, i) => ({ session, id: m.id, pos: last - fresh.length + i + 1, rev: last - fresh.length + i + 1, role: m.role, body: m.body, at }));
      await insertMany(q, 'web_chat_messages', MESSAGE_COLUMNS, out.map(messageValues), (r) => String(r[1]));
      const dropped = await q<{ id: string }>(
        `DELETE FROM web_chat_messages WHERE session = $1 AND pos < (
           SELECT min(pos) FROM (SELECT pos FROM web_chat_messages WHERE session = $1 ORDER BY pos DESC LIMIT $2) AS kept)
         RETURNING id`,
        [session, Math.max(1, keep)],
      );
      const gone = new Set(dropped.rows.map((r) => r.id));
      return out.filter((m) => !gone.has(m.id));
    }),
    replace: (session, id, body, now) => db.tx(async (q) => {
      const at = now.toISOString();
      const locked = await q('SELECT rev FROM web_chat_sessions WHERE session = $1 FOR UPDATE', [session]);
      if (locked.rows.length === 0) return undefined;
      const exists = await q('SELECT 1 FROM web_chat_messages WHERE session = $1 AND id = $2', [session, id]);
      if (exists.rows.length === 0) return undefined;
      const rev = await bump(q, session, 1, at);
      const r = await q('UPDATE web_chat_messages SET body = $3, rev = $4, at = $5 WHERE session = $1 AND id = $2 RETURNING *', [session, id, json(body), rev, at]);
      return messageRow(r.rows[0]!);
    }),
    list: async (session) => (await db.query('SELECT * FROM web_chat_messages WHERE session = $1 ORDER BY pos', [session])).rows.map(messageRow),
    since: async (session, after) =>
      (await db.query('SELECT * FROM web_chat_messages WHERE session = $1 AND rev > $2 ORDER BY rev', [session, after])).rows.map(messageRow),
    getSession: async (session) => {
      const row = (await db.query('SELECT * FROM web_chat_sessions WHERE session = $1', [session])).rows[0];
      return row ? sessionRow(row) : undefined;
    },
    setName: async (session, name, now) => {
      await db.query(
        `INSERT INTO web_chat_sessions (session, rev, name, updated_at) VALUES ($1, 0, $2, $3)
         ON CONFLICT (session) DO UPDATE SET name = $2, updated_at = $3`,
        [session, name, now.toISOString()],
      );
    },
    // The messages go with their session (ON DELETE CASCADE).
    remove: async (session) => ((await db.query('DELETE FROM web_chat_sessions WHERE session = $1', [session])).rowCount ?? 0) > 0,
    sessions: async () => (await db.query('SELECT * FROM web_chat_sessions ORDER BY session')).rows.map(sessionRow),
    prune: async (olderThan) => (await db.query('DELETE FROM web_chat_sessions WHERE updated_at < $1', [olderThan.toISOString()])).rowCount ?? 0,
  };
}

export const WEB_CHAT_HISTORY_SQL: PostgresPart<WebChatHistoryRepo> = {
  tables: ['web_chat_sessions', 'web_chat_messages'],
  repo: pgWebChatHistory,
  dump: async (q) => ({
    webChatSessions: (await allRows(q, 'SELECT * FROM web_chat_sessions ORDER BY session')).map(sessionRow),
    webChatMessages: (await allRows(q, 'SELECT * FROM web_chat_messages ORDER BY session, pos')).map(messageRow),
  }),
  load: async (q, d) => {
    await insertMany(q, 'web_chat_sessions', SESSION_COLUMNS, ((d.webChatSessions ?? []) as WebChatSessionRecord[]).map(sessionValues));
    await insertMany(q, 'web_chat_messages', MESSAGE_COLUMNS, ((d.webChatMessages ?? []) as WebChatMessageRecord[]).map(messageValues), (r) => `${String(r[0])} ${String(r[1])}`);
  },
};
