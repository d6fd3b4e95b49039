import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith } from '../../lowdb/check.js';
import type { WebChatHistoryRepo, WebChatMessageRecord, WebChatSessionRecord } from './index.js';

const sessionSchema = z.object({ session: z.string(), rev: z.number().int().nonnegative(), name: z.string().optional(), updatedAt: z.string() });
const messageSchema = z.object({
  session: z.string(), id: z.string(), pos: z.number().int().positive(), rev: z.number().int().positive(),
  role: z.enum(['user', 'bot']), body: z.record(z.string(), z.unknown()), at: z.string(),
});

/** The JSON form keeps any session and message id apart. */
export const messageKey = (session: string, id: string): string => JSON.stringify([session, id]);

export const WEB_CHAT_SESSIONS_TABLE: LowdbTableSpec<WebChatSessionRecord> = {
  name: 'webChatSessions',
  key: (r) => r.session,
  check: checkWith(sessionSchema),
  fromV1: () => [], // newer than the single-file store
};

export const WEB_CHAT_MESSAGES_TABLE: LowdbTableSpec<WebChatMessageRecord> = {
  name: 'webChatMessages',
  key: (r) => messageKey(r.session, r.id),
  check: checkWith(messageSchema),
  fromV1: () => [],
};

const sessions = (t: LowdbTables): Table<WebChatSessionRecord> => t.table<WebChatSessionRecord>('webChatSessions');
const messages = (t: LowdbTables): Table<WebChatMessageRecord> => t.table<WebChatMessageRecord>('webChatMessages');
const copy = (m: WebChatMessageRecord): WebChatMessageRecord => ({ ...m, body: structuredClone(m.body) });
const ofSession = (t: LowdbTables, session: string): WebChatMessageRecord[] => [...messages(t).values()].filter((m) => m.session === session);

export function lowdbWebChatHistory(db: LowdbDb): WebChatHistoryRepo {
  const removeSession = (t: LowdbTables, session: string): boolean => {
    for (const m of ofSession(t, session)) messages(t).delete(messageKey(session, m.id));
    return sessions(t).delete(session);
  };
  return {
    append: (session, added, now, keep) => db.mutate((t) => {
      const at = now.toISOString();
      const before = sessions(t).get(session);
      let rev = before?.rev ?? 0;
      const out: WebChatMessageRecord[] = [];
      for (const m of added) {
        if (messages(t).has(messageKey(session, m.id)) || out.some((o) => o.id === m.id)) continue;
        rev += 1;
        const rec: WebChatMessageRecord = { session, id: m.id, pos: rev, rev, role: m.role, body: structuredClone(m.body), at };
        messages(t).put(rec);
        out.push(copy(rec));
      }
      sessions(t).put({ ...(before ?? { session }), rev, updatedAt: at });
      const all = ofSession(t, session).sort((a, b) => a.pos - b.pos);
      for (const old of all.slice(0, Math.max(0, all.length - Math.max(1, keep)))) messages(t).delete(messageKey(session, old.id));
      return out.filter((o) => messages(t).has(messageKey(session, o.id)));
    }),
    replace: (session, id, body, now) => db.mutate((t) => {
      const before = messages(t).get(messageKey(session, id));
      const s = sessions(t).get(session);
      if (!before || !s) return undefined;
      const rev = s.rev + 1;
      const at = now.toISOString();
      sessions(t).put({ ...s, rev, updatedAt: at });
      const rec: WebChatMessageRecord = { ...before, rev, body: structuredClone(body), at };
      messages(t).put(rec);
      return copy(rec);
    }),
    list: (session) => db.read((t) => ofSession(t, session).sort((a, b) => a.pos - b.pos).map(copy)),
    since: (session, after) => db.read((t) => ofSession(t, session).filter((m) => m.rev > after).sort((a, b) => a.rev - b.rev).map(copy)),
    getSession: (session) => db.read((t) => {
      const s = sessions(t).get(session);
      return s ? { ...s } : undefined;
    }),
    setName: (session, name, now) => db.mutate((t) => {
      const before = sessions(t).get(session);
      sessions(t).put({ ...(before ?? { session, rev: 0 }), name, updatedAt: now.toISOString() });
    }),
    remove: (session) => db.mutate((t) => removeSession(t, session)),
    sessions: () => db.read((t) => [...sessions(t).values()].map((s) => ({ ...s }))),
    prune: (olderThan) => db.mutate((t) => {
      const cutoff = olderThan.toISOString();
      const old = [...sessions(t).values()].filter((s) => s.updatedAt < cutoff).map((s) => s.session);
      const gone = new Set(old);
      for (const m of [...messages(t).values()]) if (gone.has(m.session)) messages(t).delete(messageKey(m.session, m.id));
      for (const s of old) sessions(t).delete(s);
      return old.length;
    }),
  };
}
