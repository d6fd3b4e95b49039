import type { PostgresPart } from '../../kind.js';
import { allRows, insertMany } from '../../postgres/bulk.js';
import type { Db, Query, Row } from '../../postgres/db.js';
import { iso, json, opt } from '../../postgres/rows.js';
import type { NudgeSubscription } from '../subscriptions/index.js';
import type { NudgeRecord, NudgeRepo, NudgeResult } from './index.js';
import { NUDGE_RETENTION_MS } from './lowdb.js';

const FINAL = ['sent', 'failed', 'gone', 'unconfirmed', 'skipped-holiday', 'skipped-late', 'skipped-empty', 'skipped-inactive'];
const UNCONFIRMED_DETAIL = 'was being sent when the server stopped; not sent again';

export function nudgeRow(r: Row): NudgeRecord {
  return {
    subscriptionId: String(r.subscription_id), slot: iso(r.slot), kind: r.kind as NudgeRecord['kind'], channelKey: String(r.channel_key),
    status: r.status as NudgeRecord['status'], ...opt('questionId', r.question_id as string | null), ...opt('detail', r.detail as string | null),
    claimedAt: iso(r.claimed_at), updatedAt: iso(r.updated_at),
  };
}

export const NUDGE_COLUMNS = 'subscription_id, slot, kind, channel_key, status, question_id, detail, claimed_at, updated_at';

type LastResult = NonNullable<NudgeSubscription['lastResult']>;
interface Last {
  result?: LastResult;
  questionId?: string;
}
/** A subscription's last result and question after `records` were claimed, in order (as lowdb's claim sets them). */
function lastAfter(prev: Last | undefined, records: NudgeRecord[]): Last {
  const l: Last = { ...prev };
  for (const n of records) {
    if (n.status !== 'queued') l.result = lastResultOf(n);
    if (n.questionId) l.questionId = n.questionId;
  }
  return l;
}
const lastResultOf = (n: NudgeRecord): LastResult => ({ slot: n.slot, status: n.status, at: n.updatedAt, ...(n.detail ? { detail: n.detail } : {}) });
const keyOf = (subscriptionId: string, slot: string): string => `${subscriptionId}|${new Date(slot).toISOString()}`;

/** Sets `last_result` (and `last_question_id`) per subscription, in one statement. */
async function setLast(q: Query, last: Map<string, { result?: LastResult; questionId?: string }>): Promise<void> {
  if (last.size === 0) return;
  const ids = [...last.keys()].sort();
  await q(
    `UPDATE subscriptions s SET last_result = COALESCE(u.result, s.last_result), last_question_id = COALESCE(u.qid, s.last_question_id)
     FROM unnest($1::text[], $2::jsonb[], $3::text[]) AS u(id, result, qid) WHERE s.id = u.id`,
    [ids, ids.map((id) => json(last.get(id)?.result) ?? null), ids.map((id) => last.get(id)?.questionId ?? null)],
  );
}

/** Locks subscription rows in id order, so two instances never wait on each other in a circle. */
async function lockSubscriptions(q: Query, ids: string[]): Promise<void> {
  if (ids.length > 0) await q('SELECT 1 FROM subscriptions WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [[...new Set(ids)]]);
}

export function pgNudges(db: Db): NudgeRepo {
  return {
    /**
     * One transaction for all claims: lock the subscriptions (id order), move each
     * `next_slot_at` forward only from the value the claim was computed from
     * (compare-and-set), insert the slots of the claims that won with ON CONFLICT DO
     * NOTHING on (subscription_id, slot), record the last results. A claim that lost
     * (another instance claimed first) inserts nothing.
     */
    claim: async (claims, now) => {
      if (claims.length === 0) return [];
      const at = now.toISOString();
      return db.tx(async (q) => {
        // Lock in id order; read what the last results are now.
        const locked = await q<{ id: string; last_result: LastResult | null; last_question_id: string | null }>(
          'SELECT id, last_result, last_question_id FROM subscriptions WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
          [[...new Set(claims.map((c) => c.subscriptionId))]],
        );
        const state = new Map<string, Last>(locked.rows.map((r) => [r.id, { result: r.last_result ?? undefined, questionId: r.last_question_id ?? undefined }]));
        // A subscription claimed twice in one call: the second sees the first's result (rounds), as in lowdb.
        const rounds: (typeof claims)[] = [];
        const seen = new Map<string, number>();
        for (const c of claims) {
          const n = seen.get(c.subscriptionId) ?? 0;
          seen.set(c.subscriptionId, n + 1);
          (rounds[n] ??= []).push(c);
        }
        const created: NudgeRecord[] = [];
        for (const round of rounds) {
          const records = (c: (typeof claims)[number], kind: string, channelKey: string): NudgeRecord[] =>
            c.slots.map((slot) => ({
              subscriptionId: c.subscriptionId, slot: new Date(slot.slot).toISOString(), kind: kind as NudgeRecord['kind'], channelKey, status: slot.status,
              ...(slot.questionId ? { questionId: slot.questionId } : {}), ...(slot.detail ? { detail: slot.detail } : {}), claimedAt: at, updatedAt: at,
            }));
          // The last results as they will be when every slot is new (the normal case: slots lie at or after the
          // subscription's next slot, which only moves forward), written in the same UPDATE as the compare-and-set.
          const expected = round.map((c) => lastAfter(state.get(c.subscriptionId), records(c, '', '')));
          const won = await q<{ id: string; kind: string; channel_key: string }>(
            `UPDATE subscriptions s SET next_slot_at = c.next, question_cursor = COALESCE(c.cursor, s.question_cursor),
               last_result = c.result, last_question_id = c.qid
             FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::int[], $5::jsonb[], $6::text[]) AS c(id, expected, next, cursor, result, qid)
             WHERE s.id = c.id AND s.status = 'active' AND s.next_slot_at = c.expected AND c.next > s.next_slot_at
             RETURNING s.id, s.kind, s.channel_key`,
            [round.map((c) => c.subscriptionId), round.map((c) => c.expectedNextSlotAt), round.map((c) => c.nextSlotAt), round.map((c) => c.questionCursor ?? null),
              expected.map((l) => json(l.result) ?? null), expected.map((l) => l.questionId ?? null)],
          );
          const subs = new Map(won.rows.map((r) => [r.id, r]));
          const winners = round.flatMap((c, i) => {
            const sub = subs.get(c.subscriptionId);
            return sub ? [{ c, expected: expected[i]!, wanted: records(c, sub.kind, sub.channel_key) }] : [];
          });
          const wanted = winners.flatMap((w) => w.wanted);
          if (wanted.length === 0) continue;
          const ins = await q<{ subscription_id: string; slot: Date }>(
            `INSERT INTO nudges (${NUDGE_COLUMNS})
             SELECT u.sid, u.slot, u.kind, u.ck, u.status, u.qid, u.detail, $8::timestamptz, $8::timestamptz
             FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(sid, slot, kind, ck, status, qid, detail)
             ON CONFLICT (subscription_id, slot) DO NOTHING RETURNING subscription_id, slot`,
            [wanted.map((n) => n.subscriptionId), wanted.map((n) => n.slot), wanted.map((n) => n.kind), wanted.map((n) => n.channelKey),
              wanted.map((n) => n.status), wanted.map((n) => n.questionId ?? null), wanted.map((n) => n.detail ?? null), at],
          );
          const inserted = new Set(ins.rows.map((r) => keyOf(r.subscription_id, iso(r.slot))));
          // A slot that existed already is not claimed again (once, ever): correct the last results where that happened.
          const fix = new Map<string, Last>();
          for (const w of winners) {
            const mine = w.wanted.filter((n) => inserted.has(keyOf(n.subscriptionId, n.slot)));
            created.push(...mine);
            const actual = mine.length === w.wanted.length ? w.expected : lastAfter(state.get(w.c.subscriptionId), mine);
            state.set(w.c.subscriptionId, actual);
            if (actual !== w.expected) fix.set(w.c.subscriptionId, actual);
          }
          if (fix.size > 0) {
            const ids = [...fix.keys()].sort();
            await q(
              `UPDATE subscriptions s SET last_result = u.result, last_question_id = u.qid
               FROM unnest($1::text[], $2::jsonb[], $3::text[]) AS u(id, result, qid) WHERE s.id = u.id`,
              [ids, ids.map((id) => json(fix.get(id)?.result) ?? null), ids.map((id) => fix.get(id)?.questionId ?? null)],
            );
          }
        }
        // Finished nudges older than the retention go; claim-once stays guaranteed by next_slot_at only moving forward.
        await q(`DELETE FROM nudges WHERE status = ANY($1::text[]) AND updated_at < $2`, [FINAL, new Date(now.getTime() - NUDGE_RETENTION_MS).toISOString()]);
        return created;
      }, { bulk: true });
    },
    listQueued: async () =>
      (await db.query(`SELECT * FROM nudges WHERE status = 'queued' ORDER BY slot, subscription_id`)).rows.map(nudgeRow),
    // One statement: lock the queued ones in key order, then flip them to `sending`; a nudge another instance started is skipped.
    startSending: async (keys, now) => {
      if (keys.length === 0) return [];
      const r = await db.query<{ subscription_id: string; slot: Date }>(
        `WITH k AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS k(sid, slot)),
         locked AS (
           SELECT n.subscription_id, n.slot FROM nudges n JOIN k ON n.subscription_id = k.sid AND n.slot = k.slot
           WHERE n.status = 'queued' ORDER BY n.subscription_id, n.slot FOR UPDATE OF n
         )
         UPDATE nudges n SET status = 'sending', updated_at = $3 FROM locked l
         WHERE n.subscription_id = l.subscription_id AND n.slot = l.slot AND n.status = 'queued'
         RETURNING n.subscription_id, n.slot`,
        [keys.map((k) => k.subscriptionId), keys.map((k) => k.slot), now.toISOString()],
      );
      const started = new Set(r.rows.map((row) => keyOf(row.subscription_id, iso(row.slot))));
      // A key listed twice is started once.
      return keys.map((k) => started.delete(keyOf(k.subscriptionId, k.slot)));
    },
    /**
     * Results and the subscriptions' last results in one transaction. A `skipped-*`
     * result only replaces `queued`: it never overwrites a nudge that another instance
     * is sending or has sent.
     */
    finish: async (results, now) => {
      if (results.length === 0) return;
      const byKey = new Map<string, NudgeResult>();
      for (const r of results) byKey.set(keyOf(r.subscriptionId, r.slot), r); // the last result for a nudge wins
      const list = [...byKey.values()].sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId) || a.slot.localeCompare(b.slot));
      const at = now.toISOString();
      await db.tx(async (q) => {
        await q(
          `SELECT 1 FROM nudges n JOIN unnest($1::text[], $2::timestamptz[]) AS k(sid, slot) ON n.subscription_id = k.sid AND n.slot = k.slot
           ORDER BY n.subscription_id, n.slot FOR UPDATE OF n`,
          [list.map((r) => r.subscriptionId), list.map((r) => r.slot)],
        );
        const upd = await q(
          `UPDATE nudges n SET status = u.status, detail = u.detail, updated_at = $5
           FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) AS u(sid, slot, status, detail)
           WHERE n.subscription_id = u.sid AND n.slot = u.slot AND (n.status = 'queued' OR u.status NOT LIKE 'skipped-%')
           RETURNING n.*`,
          [list.map((r) => r.subscriptionId), list.map((r) => r.slot), list.map((r) => r.status), list.map((r) => r.detail || null), at],
        );
        const done = new Map(upd.rows.map((row) => { const n = nudgeRow(row); return [keyOf(n.subscriptionId, n.slot), n]; }));
        const last = new Map<string, { result?: LastResult }>();
        for (const r of results) {
          const n = done.get(keyOf(r.subscriptionId, r.slot));
          if (n) last.set(n.subscriptionId, { result: lastResultOf(n) });
        }
        await lockSubscriptions(q, [...last.keys()]);
        await setLast(q, last);
      });
    },
    /**
     * Every `sending` nudge last updated at or before `now - olderThanMs` becomes
     * `unconfirmed`. On a shared store the scheduler passes its lease: a live sender
     * finishes in seconds, so only nudges of an instance that died are taken. The rows
     * are locked first (in key order): of two instances doing this at once, one records each.
     */
    markUnconfirmed: async (now, olderThanMs = 0) => {
      const at = now.toISOString();
      return db.tx(async (q) => {
        const r = await q(
          `WITH stale AS (
             SELECT subscription_id, slot FROM nudges WHERE status = 'sending' AND updated_at <= $1
             ORDER BY subscription_id, slot FOR UPDATE
           )
           UPDATE nudges n SET status = 'unconfirmed', updated_at = $2, detail = $3 FROM stale s
           WHERE n.subscription_id = s.subscription_id AND n.slot = s.slot AND n.status = 'sending'
           RETURNING n.*`,
          [new Date(now.getTime() - olderThanMs).toISOString(), at, UNCONFIRMED_DETAIL],
        );
        const lost = r.rows.map(nudgeRow).sort((a, b) => a.slot.localeCompare(b.slot) || a.subscriptionId.localeCompare(b.subscriptionId));
        const last = new Map(lost.map((n) => [n.subscriptionId, { result: lastResultOf(n) }]));
        await lockSubscriptions(q, [...last.keys()]);
        await setLast(q, last);
        return lost;
      });
    },
    get: async (subscriptionId, slot) => {
      const row = (await db.query('SELECT * FROM nudges WHERE subscription_id = $1 AND slot = $2', [subscriptionId, slot])).rows[0];
      return row ? nudgeRow(row) : undefined;
    },
    list: async (f) => {
      const r = await db.query(
        `SELECT * FROM nudges WHERE ($1::text IS NULL OR subscription_id = $1) AND ($2::text[] IS NULL OR status = ANY($2))
         ORDER BY slot, subscription_id`,
        [f?.subscriptionId ?? null, f?.status ?? null],
      );
      return r.rows.map(nudgeRow);
    },
  };
}

export const NUDGES_SQL: PostgresPart<NudgeRepo> = {
  tables: ['nudges'],
  repo: pgNudges,
  dump: async (q) => ({ nudges: (await allRows(q, 'SELECT * FROM nudges ORDER BY slot, subscription_id')).map(nudgeRow) }),
  load: (q, d) => insertMany(q, 'nudges', NUDGE_COLUMNS, ((d.nudges ?? []) as NudgeRecord[]).map((n) => [
    n.subscriptionId, n.slot, n.kind, n.channelKey, n.status, n.questionId ?? null, n.detail ?? null, n.claimedAt, n.updatedAt,
  ]), (r) => `${String(r[0])}|${String(r[1])}`),
};
