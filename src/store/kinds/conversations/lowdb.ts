import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import { platform } from '../../lowdb/schemas.js';
import type { NudgeSubscription } from '../subscriptions/index.js';
import type { TriageChannelRecord } from '../triage-channels/index.js';
import { CONVERSATION_REF_REFRESH_MS, withName, type ConversationRefRecord, type ConversationRefRepo } from './index.js';

const schema = z.object({
  key: z.string(),
  platform,
  conversationId: z.string(),
  kind: z.enum(['personal', 'channel', 'group']),
  threadId: z.string().optional(),
  teamId: z.string().optional(),
  name: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
  active: z.boolean(),
  inactiveReason: z.string().optional(),
  updatedAt: z.string(),
});

export const CONVERSATIONS_TABLE: LowdbTableSpec<ConversationRefRecord> = {
  name: 'conversations',
  key: (r) => r.key,
  check: checkWith(schema),
  fromV1: (v1) => v1List(v1, 'conversations'),
};

const refs = (t: LowdbTables): Table<ConversationRefRecord> => t.table<ConversationRefRecord>('conversations');

export function lowdbConversations(db: LowdbDb): ConversationRefRepo {
  return {
    upsert: async (given, now) => {
      // Every turn upserts its conversation: no write when nothing changed.
      const same = await db.read((t) => {
        const cur = refs(t).get(given.key);
        const ref = withName(given, cur);
        if (!cur?.active || Date.parse(cur.updatedAt) <= now.getTime() - CONVERSATION_REF_REFRESH_MS) return undefined;
        const { updatedAt: _u, active: _a, inactiveReason: _r, ...rest } = cur;
        return isDeepStrictEqual(rest, JSON.parse(JSON.stringify({ ...rest, ...ref }))) ? structuredClone(cur) : undefined;
      });
      if (same) return same;
      return db.mutate((t) => {
        const ref = withName(given, refs(t).get(given.key));
        const full: ConversationRefRecord = { ...structuredClone(ref), active: true, updatedAt: now.toISOString() };
        refs(t).put(full);
        return structuredClone(full);
      });
    },
    get: (key) => db.read((t) => {
      const r = refs(t).get(key);
      return r ? structuredClone(r) : undefined;
    }),
    markInactive: (key, reason, now) => db.mutate((t) => {
      const r = refs(t).get(key);
      if (r) refs(t).put({ ...r, active: false, inactiveReason: reason, updatedAt: now.toISOString() });
    }),
    list: () => db.read((t) => [...refs(t).values()].map((r) => structuredClone(r))),
    remove: (key) => db.mutate((t) => refs(t).delete(key)),
    pruneInactive: (platform, olderThan) => db.mutate((t) => {
      const cutoff = olderThan.toISOString();
      // A reference a triage channel or a live subscription still sends to stays.
      const inUse = new Set<string>([
        ...[...t.table<TriageChannelRecord>('triageChannels').values()].map((c) => c.key),
        ...[...t.table<NudgeSubscription>('subscriptions').values()].filter((s) => s.status !== 'stopped').map((s) => s.channelKey),
      ]);
      let n = 0;
      for (const r of [...refs(t).values()]) {
        if (r.platform !== platform || r.updatedAt >= cutoff || inUse.has(r.key)) continue;
        refs(t).delete(r.key);
        n++;
      }
      return n;
    }),
  };
}
