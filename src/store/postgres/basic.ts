import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { takeToken } from '../../core/ratelimit.js';
import { CONVERSATION_REF_REFRESH_MS } from '../types.js';
import type {
  ConversationRefRecord, ConversationRefRepo, DedupeRepo, FeedbackRecord, FeedbackRepo, KnowledgeGapRecord, KnowledgeGapRepo,
  RateLimitRepo, TriageChannelRepo, WebSessionRecord, WebSessionRepo,
} from '../types.js';
import type { Db, Row } from './db.js';
import { bound, bucketCounts, bucketCountsSql, count, iso, isoOpt, json, medianDaysSql, numberOrNull, opt } from './rows.js';

export function feedbackRow(r: Row): FeedbackRecord {
  return {
    id: String(r.id), entryId: String(r.entry_id), value: r.value as FeedbackRecord['value'], platform: r.platform as FeedbackRecord['platform'],
    ...opt('question', r.question as string | null), at: iso(r.at),
  };
}

export function pgFeedback(db: Db): FeedbackRepo {
  return {
    add: async (rec) => {
      const full: FeedbackRecord = { id: randomUUID(), ...rec };
      await db.query('INSERT INTO feedback (id, entry_id, value, platform, question, at) VALUES ($1, $2, $3, $4, $5, $6)',
        [full.id, full.entryId, full.value, full.platform, full.question ?? null, full.at]);
      return full;
    },
    list: async () => (await db.query('SELECT * FROM feedback ORDER BY pos')).rows.map(feedbackRow),
    count: async () => count((await db.query<{ n: string }>('SELECT count(*) AS n FROM feedback')).rows),
  };
}

export function gapRow(r: Row): KnowledgeGapRecord {
  return {
    id: String(r.id), text: String(r.text), locale: r.locale as KnowledgeGapRecord['locale'], platform: r.platform as KnowledgeGapRecord['platform'],
    at: iso(r.at), ...isoOpt('handledAt', r.handled_at), ...opt('handledBy', r.handled_by as string | null),
  };
}

export function pgGaps(db: Db): KnowledgeGapRepo {
  return {
    add: async (rec) => {
      const full: KnowledgeGapRecord = { id: randomUUID(), ...rec };
      await db.query('INSERT INTO knowledge_gaps (id, text, locale, platform, at) VALUES ($1, $2, $3, $4, $5)',
        [full.id, full.text, full.locale, full.platform, full.at]);
      return full;
    },
    list: async (opts) => {
      const r = opts?.since
        ? await db.query('SELECT * FROM knowledge_gaps WHERE at >= $1 ORDER BY pos', [bound(opts.since)])
        : await db.query('SELECT * FROM knowledge_gaps ORDER BY pos');
      return r.rows.map(gapRow);
    },
    count: async () => count((await db.query<{ n: string }>('SELECT count(*) AS n FROM knowledge_gaps')).rows),
    prune: async (olderThan) => (await db.query('DELETE FROM knowledge_gaps WHERE at < $1', [olderThan.toISOString()])).rowCount ?? 0,
    markHandled: async (ids, by, now) => {
      if (ids.length === 0) return 0;
      const r = await db.query('UPDATE knowledge_gaps SET handled_at = $2, handled_by = $3 WHERE id = ANY($1::text[]) AND handled_at IS NULL',
        [[...ids], now.toISOString(), by]);
      return r.rowCount ?? 0;
    },
    // One statement: totals and the median in one scan, asked per bucket on the `at` index, the oldest open on the partial index of migration 2.
    stats: async (bounds, oldest) => {
      const r = await db.query(
        `SELECT count(*)::int AS total, count(handled_at)::int AS handled,
           ${medianDaysSql('at', 'handled_at')} AS median_days,
           ${bucketCountsSql('knowledge_gaps', 'at')} AS weeks,
           (SELECT coalesce(json_agg(row_to_json(o) ORDER BY o.at, o.pos), '[]'::json)
              FROM (SELECT * FROM knowledge_gaps WHERE handled_at IS NULL ORDER BY at, pos LIMIT $2) AS o) AS oldest
         FROM knowledge_gaps`,
        [bounds, Math.max(0, oldest)],
      );
      const row = r.rows[0]!;
      const total = Number(row.total);
      const handled = Number(row.handled);
      return {
        total, open: total - handled, handled, perWeek: bucketCounts(row.weeks, bounds), oldestOpen: (row.oldest as Row[]).map(gapRow),
        medianHandledDays: numberOrNull(row.median_days),
      };
    },
  };
}

export function conversationRow(r: Row): ConversationRefRecord {
  return {
    key: String(r.key), platform: r.platform as ConversationRefRecord['platform'], conversationId: String(r.conversation_id),
    kind: r.kind as ConversationRefRecord['kind'], ...opt('threadId', r.thread_id as string | null), ...opt('teamId', r.team_id as string | null),
    data: r.data as Record<string, unknown>, active: Boolean(r.active), ...opt('inactiveReason', r.inactive_reason as string | null),
    updatedAt: iso(r.updated_at),
  };
}

export function pgConversations(db: Db): ConversationRefRepo {
  const get = async (key: string): Promise<ConversationRefRecord | undefined> => {
    const row = (await db.query('SELECT * FROM conversation_refs WHERE key = $1', [key])).rows[0];
    return row ? conversationRow(row) : undefined;
  };
  return {
    upsert: async (ref, now) => {
      // Every turn upserts its conversation: no write when nothing changed (as lowdb).
      const cur = await get(ref.key);
      if (cur?.active && Date.parse(cur.updatedAt) > now.getTime() - CONVERSATION_REF_REFRESH_MS) {
        const { updatedAt: _u, active: _a, inactiveReason: _r, ...rest } = cur;
        if (isDeepStrictEqual(rest, JSON.parse(JSON.stringify({ ...rest, ...ref })))) return cur;
      }
      // The record is replaced as a whole, as in lowdb: fields absent from `ref` are removed.
      const r = await db.query(
        `INSERT INTO conversation_refs (key, platform, conversation_id, kind, thread_id, team_id, data, active, inactive_reason, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, true, NULL, $8)
         ON CONFLICT (key) DO UPDATE SET platform = EXCLUDED.platform, conversation_id = EXCLUDED.conversation_id, kind = EXCLUDED.kind,
           thread_id = EXCLUDED.thread_id, team_id = EXCLUDED.team_id, data = EXCLUDED.data, active = true, inactive_reason = NULL,
           updated_at = EXCLUDED.updated_at
         RETURNING *`,
        [ref.key, ref.platform, ref.conversationId, ref.kind, ref.threadId ?? null, ref.teamId ?? null, json(ref.data), now.toISOString()],
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

/** Expired keys are removed now and then by whichever instance gets there. */
const PRUNE_EVERY = 200;

export function pgDedupe(db: Db): DedupeRepo {
  let calls = 0;
  return {
    // One statement: insert the key, or take over an expired one. A row back means first seen.
    firstSeen: async (key, now, ttlMs) => {
      const r = await db.query(
        `INSERT INTO dedupe (key, expires_at) VALUES ($1, $3) ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE dedupe.expires_at <= $2 RETURNING key`,
        [key, now.toISOString(), new Date(now.getTime() + ttlMs).toISOString()],
      );
      if (++calls % PRUNE_EVERY === 0) await db.query('DELETE FROM dedupe WHERE expires_at <= $1', [now.toISOString()]);
      return (r.rowCount ?? 0) > 0;
    },
    prune: async (now) => (await db.query('DELETE FROM dedupe WHERE expires_at <= $1', [now.toISOString()])).rowCount ?? 0,
  };
}

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

/**
 * Token buckets shared by every instance. A first take inserts the bucket computed by
 * `takeToken` itself; later takes do the same arithmetic in SQL, in the same order of
 * float8 operations, inside the ON CONFLICT update (the row lock makes it atomic). In
 * SET, every column reference is the old value, so `outcome` sees the bucket before
 * this take.
 */
export function pgRateLimits(db: Db): RateLimitRepo {
  let calls = 0;
  const refill = 'LEAST($2::float8, rate_limits.tokens + GREATEST(0::float8, $4::float8 - rate_limits.at_ms) * ($2::float8 / $3::float8))';
  return {
    take: async (key, limit, windowMs, now) => {
      const t = now.getTime();
      const first = takeToken(undefined, limit, windowMs, t);
      const firstOutcome = first.result.ok ? 0 : first.result.notify ? 1 : 2;
      const r = await db.query<{ outcome: number }>(
        `INSERT INTO rate_limits (key, tokens, at_ms, told_until_ms, window_ms, outcome) VALUES ($1, $5, $6, $7, $3, $8)
         ON CONFLICT (key) DO UPDATE SET
           tokens = CASE WHEN ${refill} >= 1 THEN ${refill} - 1 ELSE ${refill} END,
           at_ms = GREATEST(rate_limits.at_ms, $4::float8),
           told_until_ms = CASE WHEN ${refill} >= 1 THEN rate_limits.told_until_ms
                                WHEN $4::float8 >= rate_limits.told_until_ms THEN $4::float8 + $3::float8
                                ELSE rate_limits.told_until_ms END,
           window_ms = $3::float8,
           outcome = CASE WHEN ${refill} >= 1 THEN 0 WHEN $4::float8 >= rate_limits.told_until_ms THEN 1 ELSE 2 END
         RETURNING outcome`,
        [key, limit, windowMs, t, first.bucket.tokens, first.bucket.at, first.bucket.toldUntil, firstOutcome],
      );
      // A bucket untouched for a whole window is full again, the same as no bucket: remove those now and then.
      if (++calls % PRUNE_EVERY === 0) await db.query('DELETE FROM rate_limits WHERE at_ms + window_ms <= $1', [t]);
      const outcome = r.rows[0]?.outcome ?? 0;
      return outcome === 0 ? { ok: true } : { ok: false, notify: outcome === 1 };
    },
  };
}

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
