import { FORGOTTEN_ACTOR } from '../../../domain/knelpunt.js';
import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Row } from '../../postgres/db.js';
import { forgetActorSql, iso, json, opt } from '../../postgres/rows.js';
import type { NudgeSubscription, SubscriptionRepo } from './index.js';

export function subscriptionRow(r: Row): NudgeSubscription {
  return {
    id: String(r.id), kind: r.kind as NudgeSubscription['kind'], channelKey: String(r.channel_key), platform: r.platform as NudgeSubscription['platform'],
    conversationId: String(r.conversation_id), schedule: r.schedule as NudgeSubscription['schedule'], schema: String(r.schema_text),
    locale: r.locale as NudgeSubscription['locale'], status: r.status as NudgeSubscription['status'],
    ...opt('pausedUntil', r.paused_until as string | null), ...opt('pausedReason', r.paused_reason as string | null),
    nextSlotAt: iso(r.next_slot_at), questionCursor: Number(r.question_cursor), ...opt('lastQuestionId', r.last_question_id as string | null),
    ...opt('lastResult', r.last_result as NudgeSubscription['lastResult'] | null), history: r.history as NudgeSubscription['history'],
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

export const SUBSCRIPTION_COLUMNS =
  'id, kind, channel_key, platform, conversation_id, schedule, schema_text, locale, status, paused_until, paused_reason, next_slot_at, question_cursor, last_question_id, last_result, history, created_at, updated_at';
export const subscriptionValues = (s: NudgeSubscription): unknown[] => [
  s.id, s.kind, s.channelKey, s.platform, s.conversationId, json(s.schedule), s.schema, s.locale, s.status, s.pausedUntil ?? null, s.pausedReason ?? null,
  s.nextSlotAt, s.questionCursor, s.lastQuestionId ?? null, json(s.lastResult) ?? null, json(s.history), s.createdAt, s.updatedAt,
];
const SUBSCRIPTION_PARAMS = Array.from({ length: 18 }, (_, i) => `$${i + 1}`).join(', ');

export function pgSubscriptions(db: Db): SubscriptionRepo {
  return {
    create: async (sub) => {
      await db.query(`INSERT INTO subscriptions (${SUBSCRIPTION_COLUMNS}) VALUES (${SUBSCRIPTION_PARAMS})`, subscriptionValues(sub));
      return structuredClone(sub);
    },
    get: async (id) => {
      const row = (await db.query('SELECT * FROM subscriptions WHERE id = $1', [id])).rows[0];
      return row ? subscriptionRow(row) : undefined;
    },
    list: async (f) => {
      const r = await db.query(
        `SELECT * FROM subscriptions WHERE ($1::text IS NULL OR channel_key = $1) AND ($2::text[] IS NULL OR status = ANY($2))
         AND ($3::text IS NULL OR kind = $3) ORDER BY pos`,
        [f?.channelKey ?? null, f?.status ?? null, f?.kind ?? null],
      );
      return r.rows.map(subscriptionRow);
    },
    listDue: async (now) => {
      const r = await db.query(`SELECT * FROM subscriptions WHERE status = 'active' AND next_slot_at <= $1 ORDER BY pos`, [now.toISOString()]);
      return r.rows.map(subscriptionRow);
    },
    // Read under a row lock, apply the patch as lowdb does, write the whole row back.
    update: (id, patch, change) =>
      db.tx(async (q) => {
        const row = (await q('SELECT * FROM subscriptions WHERE id = $1 FOR UPDATE', [id])).rows[0];
        if (!row) return undefined;
        const s = subscriptionRow(row);
        const { clearPause, ...fields } = patch;
        if (clearPause) {
          delete s.pausedUntil;
          delete s.pausedReason;
        }
        Object.assign(s, structuredClone(fields));
        for (const k of Object.keys(s) as (keyof NudgeSubscription)[]) if (s[k] === undefined) delete s[k];
        s.updatedAt = change.at;
        s.history.push({ ...change });
        const v = subscriptionValues(s);
        await q(
          `UPDATE subscriptions SET status = $2, paused_until = $3, paused_reason = $4, next_slot_at = $5, schedule = $6, schema_text = $7,
             history = $8, updated_at = $9 WHERE id = $1`,
          [s.id, s.status, s.pausedUntil ?? null, s.pausedReason ?? null, s.nextSlotAt, v[5], s.schema, v[15], s.updatedAt],
        );
        return s;
      }),
    forgetActor: async (by) => (await db.query(forgetActorSql('subscriptions'), [by, FORGOTTEN_ACTOR])).rowCount ?? 0,
  };
}

export const SUBSCRIPTIONS_SQL: PostgresPart<SubscriptionRepo> = {
  tables: ['subscriptions'],
  repo: pgSubscriptions,
  dump: async (q) => ({ subscriptions: (await allRows(q, 'SELECT * FROM subscriptions ORDER BY pos')).map(subscriptionRow) }),
  load: (q, d) => insertMany(q, 'subscriptions', SUBSCRIPTION_COLUMNS, ((d.subscriptions ?? []) as NudgeSubscription[]).map(subscriptionValues)),
};
