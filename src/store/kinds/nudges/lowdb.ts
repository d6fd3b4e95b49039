import { z } from 'zod';
import { NUDGE_STATUSES, type NudgeStatus } from '../../../domain/reflection.js';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import type { NudgeSubscription } from '../subscriptions/index.js';
import { subscriptions } from '../subscriptions/lowdb.js';
import type { NudgeRecord, NudgeRepo } from './index.js';

const schema = z.object({
  subscriptionId: z.string(),
  slot: z.string(),
  kind: z.enum(['nudge', 'digest']),
  channelKey: z.string(),
  status: z.enum(NUDGE_STATUSES),
  questionId: z.string().optional(),
  detail: z.string().optional(),
  claimedAt: z.string(),
  updatedAt: z.string(),
});

export const nudgeKey = (subscriptionId: string, slot: string): string => `${subscriptionId}|${slot}`;

export const NUDGES_TABLE: LowdbTableSpec<NudgeRecord> = {
  name: 'nudges',
  key: (r) => nudgeKey(r.subscriptionId, r.slot),
  check: checkWith(schema),
  fromV1: (v1) => v1List(v1, 'nudges'),
};

/** Finished nudges older than this are pruned; claim-once stays guaranteed by `nextSlotAt` only moving forward. */
export const NUDGE_RETENTION_MS = 180 * 86_400_000;
const FINAL = new Set<NudgeStatus>(['sent', 'failed', 'gone', 'unconfirmed', 'skipped-holiday', 'skipped-late', 'skipped-empty', 'skipped-inactive']);
const UNCONFIRMED_DETAIL = 'was being sent when the server stopped; not sent again';

const nudges = (t: LowdbTables): Table<NudgeRecord> => t.table<NudgeRecord>('nudges');
const lastResultOf = (n: NudgeRecord): NonNullable<NudgeSubscription['lastResult']> =>
  ({ slot: n.slot, status: n.status, at: n.updatedAt, ...(n.detail ? { detail: n.detail } : {}) });

/** Records a nudge's result as its subscription's `lastResult`. */
function setLast(subs: Table<NudgeSubscription>, n: NudgeRecord): void {
  const s = subs.get(n.subscriptionId);
  if (s) subs.put({ ...s, lastResult: lastResultOf(n) });
}

export function lowdbNudges(db: LowdbDb): NudgeRepo {
  return {
    claim: (claims, now) => db.mutate((t) => {
      const at = now.toISOString();
      const subs = subscriptions(t);
      const table = nudges(t);
      const created: NudgeRecord[] = [];
      for (const c of claims) {
        const s = subs.get(c.subscriptionId);
        // compare-and-set: only from the state the claim was computed from, only forward
        if (!s || s.status !== 'active' || s.nextSlotAt !== c.expectedNextSlotAt || c.nextSlotAt <= s.nextSlotAt) continue;
        const next: NudgeSubscription = { ...s, nextSlotAt: c.nextSlotAt, ...(c.questionCursor !== undefined ? { questionCursor: c.questionCursor } : {}) };
        for (const slot of c.slots) {
          const key = nudgeKey(s.id, slot.slot);
          if (table.has(key)) continue; // claimed once, ever
          const rec: NudgeRecord = {
            subscriptionId: s.id, slot: slot.slot, kind: s.kind, channelKey: s.channelKey, status: slot.status,
            ...(slot.questionId ? { questionId: slot.questionId } : {}),
            ...(slot.detail ? { detail: slot.detail } : {}),
            claimedAt: at, updatedAt: at,
          };
          table.put(rec);
          if (rec.status !== 'queued') next.lastResult = lastResultOf(rec);
          if (rec.questionId) next.lastQuestionId = rec.questionId;
          created.push({ ...rec });
        }
        subs.put(next);
      }
      // Keep the data from growing without bound: finished nudges are forgotten after a while.
      const cutoff = new Date(now.getTime() - NUDGE_RETENTION_MS).toISOString();
      for (const n of [...table.values()]) if (FINAL.has(n.status) && n.updatedAt < cutoff) table.delete(nudgeKey(n.subscriptionId, n.slot));
      return created;
    }),
    listQueued: () => db.read((t) =>
      [...nudges(t).values()].filter((n) => n.status === 'queued').sort((a, b) => a.slot.localeCompare(b.slot)).map((n) => ({ ...n }))),
    startSending: (keys, now) => db.mutate((t) =>
      keys.map((k) => {
        const n = nudges(t).get(nudgeKey(k.subscriptionId, k.slot));
        if (!n || n.status !== 'queued') return false;
        nudges(t).put({ ...n, status: 'sending', updatedAt: now.toISOString() });
        return true;
      })),
    finish: (results, now) => db.mutate((t) => {
      for (const r of results) {
        const n = nudges(t).get(nudgeKey(r.subscriptionId, r.slot));
        if (!n) continue;
        const { detail: _old, ...rest } = n;
        const next: NudgeRecord = { ...rest, status: r.status, updatedAt: now.toISOString(), ...(r.detail ? { detail: r.detail } : {}) };
        nudges(t).put(next);
        setLast(subscriptions(t), next);
      }
    }),
    markUnconfirmed: (now, olderThanMs = 0) => db.mutate((t) => {
      const out: NudgeRecord[] = [];
      const before = now.getTime() - olderThanMs;
      for (const n of [...nudges(t).values()]) {
        if (n.status !== 'sending' || Date.parse(n.updatedAt) > before) continue;
        const next: NudgeRecord = { ...n, status: 'unconfirmed', updatedAt: now.toISOString(), detail: UNCONFIRMED_DETAIL };
        nudges(t).put(next);
        setLast(subscriptions(t), next);
        out.push({ ...next });
      }
      return out;
    }),
    get: (subscriptionId, slot) => db.read((t) => {
      const n = nudges(t).get(nudgeKey(subscriptionId, slot));
      return n ? { ...n } : undefined;
    }),
    list: (f) => db.read((t) =>
      [...nudges(t).values()]
        .filter((n) => (!f?.subscriptionId || n.subscriptionId === f.subscriptionId) && (!f?.status || f.status.includes(n.status)))
        .sort((a, b) => a.slot.localeCompare(b.slot) || a.subscriptionId.localeCompare(b.subscriptionId))
        .map((n) => ({ ...n }))),
  };
}
