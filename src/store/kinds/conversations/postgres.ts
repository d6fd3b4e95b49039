import { isDeepStrictEqual } from 'node:util';
import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { iso, json, opt } from '../../postgres/rows.js';
import { CONVERSATION_REF_REFRESH_MS, withName, type ConversationRefRecord, type ConversationRefRepo } from './index.js';

export function conversationRow(r: Row): ConversationRefRecord {
  return {
    key: String(r.key), platform: r.platform as ConversationRefRecord['platform'], conversationId: String(r.conversation_id),
    kind: r.kind as ConversationRefRecord['kind'], ...opt('threadId', r.thread_id as string | null), ...opt('teamId', r.team_id as string | null),
    ...opt('name', r.name as string | null), data: r.data as Record<string, unknown>, active: Boolean(r.active), ...opt('inactiveReason', r.inactive_reason as string | null),
    updatedAt: iso(r.updated_at),
  };
}

export function pgConversations(db: Db): ConversationRefRepo {
  const get = async (key: string): Promise<ConversationRefRecord | undefined> => {
    const row = (await db.query('SELECT * FROM conversation_refs WHERE key = $1', [key])).rows[0];
    return row ? conversationRow(row) : undefined;
  };
  return {
    upsert: async (given, now) => {
      // Every turn upserts its conversation: no write when nothing changed (as lowdb).
      const cur = await get(given.key);
      const ref = withName(given, cur);
      if (cur?.active && Date.parse(cur.updatedAt) > now.getTime() - CONVERSATION_REF_REFRESH_MS) {
        const { updatedAt: _u, active: _a, inactiveReason: _r, ...rest } = cur;
        if (isDeepStrictEqual(rest, JSON.parse(JSON.stringify({ ...rest, ...ref })))) return cur;
      }
      // The record is replaced as a whole, as in lowdb: fields absent from `ref` are removed.
      const r = await db.query(
        `INSERT INTO conversation_refs (key, platform, conversation_id, kind, thread_id, team_id, data, active, inactive_reason, updated_at, name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, true, NULL, $8, $9)
         ON CONFLICT (key) DO UPDATE SET platform = EXCLUDED.platform, conversation_id = EXCLUDED.conversation_id, kind = EXCLUDED.kind,
           thread_id = EXCLUDED.thread_id, team_id = EXCLUDED.team_id, data = EXCLUDED.data, active = true, inactive_reason = NULL,
           updated_at = EXCLUDED.updated_at, name = COALESCE(EXCLUDED.name, conversation_refs.name)
         RETURNING *`,
        [ref.key, ref.platform, ref.conversationId, ref.kind, ref.threadId ?? null, ref.teamId ?? null, json(ref.data), now.toISOString(), ref.name ?? null],
      );
      return conversationRow(r.rows[0]!);
    },
    get,
    markInactive: async (key, reason, now) => {
      await db.query('UPDATE conversation_refs SET active = false, inactive_reason = $2, updated_at = $3 WHERE key = $1', [key, reason, now.toISOString()]);
    },
    list: async () => (await db.query('SELECT * FROM conversation_refs ORDER BY key')).rows.map(conversationRow),
    remove: async (key) => ((await db.query('DELETE FROM conversation_refs WHERE key = $1', [key])).rowCount ?? 0) > 0,
    // On the (platform, updated_at) index of migration 4.
    pruneInactive: async (platform, olderThan) => (await db.query(
      `DELETE FROM conversation_refs c WHERE c.platform = $1 AND c.updated_at < $2
         AND NOT EXISTS (SELECT 1 FROM triage_channels t WHERE t.key = c.key)
         AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.channel_key = c.key AND s.status <> 'stopped')`,
      [platform, olderThan.toISOString()],
    )).rowCount ?? 0,
  };
}

export const CONVERSATIONS_SQL: PostgresPart<ConversationRefRepo> = {
  tables: ['conversation_refs'],
  repo: pgConversations,
  dump: async (q) => ({ conversations: (await allRows(q, 'SELECT * FROM conversation_refs ORDER BY key')).map(conversationRow) }),
  load: (q, d) => insertMany(q, 'conversation_refs', 'key, platform, conversation_id, kind, thread_id, team_id, data, active, inactive_reason, updated_at, name',
    ((d.conversations ?? []) as ConversationRefRecord[]).map((c) => [c.key, c.platform, c.conversationId, c.kind, c.threadId ?? null, c.teamId ?? null, JSON.stringify(c.data), c.active, c.inactiveReason ?? null, c.updatedAt, c.name ?? null])),
};
