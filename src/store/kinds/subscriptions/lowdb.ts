import { z } from 'zod';
import { NUDGE_STATUSES } from '../../../domain/reflection.js';
import type { LowdbDb, LowdbTables, LowdbTableSpec, Table } from '../../kind.js';
import { checkWith, v1List } from '../../lowdb/check.js';
import { locale, platform } from '../../lowdb/schemas.js';
import { forgetActorIn } from '../knelpunten/lowdb.js';
import type { NudgeSubscription, SubscriptionRepo } from './index.js';

const day = z.number().int().min(0).max(6);
const schema = z.object({
  id: z.string(),
  kind: z.enum(['nudge', 'digest']),
  channelKey: z.string(),
  platform,
  conversationId: z.string(),
  schedule: z.object({
    recurrence: z.union([
      z.object({ kind: z.literal('weekly'), days: z.array(day) }),
      z.object({ kind: z.literal('biweekly'), day }),
      z.object({ kind: z.literal('monthly-nth'), nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)]), day }),
      z.object({ kind: z.literal('monthly-first-workday') }),
    ]),
    hour: z.number().int().min(0).max(23),
    minute: z.number().int().min(0).max(59),
    timeZone: z.string(),
    skipHolidays: z.boolean(),
    anchorMonday: z.number().int().optional(),
  }),
  schema: z.string(),
  locale,
  status: z.enum(['active', 'paused', 'stopped']),
  pausedUntil: z.string().optional(),
  pausedReason: z.string().optional(),
  nextSlotAt: z.string(),
  questionCursor: z.number().int().nonnegative(),
  lastQuestionId: z.string().optional(),
  lastResult: z.object({ slot: z.string(), status: z.enum(NUDGE_STATUSES), at: z.string(), detail: z.string().optional() }).optional(),
  history: z.array(z.object({ at: z.string(), by: z.string(), what: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const SUBSCRIPTIONS_TABLE: LowdbTableSpec<NudgeSubscription> = {
  name: 'subscriptions',
  key: (r) => r.id,
  check: checkWith(schema),
  fromV1: (v1) => v1List(v1, 'subscriptions'),
};

export const subscriptions = (t: LowdbTables): Table<NudgeSubscription> => t.table<NudgeSubscription>('subscriptions');

export function lowdbSubscriptions(db: LowdbDb): SubscriptionRepo {
  return {
    create: (sub) => db.mutate((t) => {
      subscriptions(t).put(structuredClone(sub));
      return structuredClone(sub);
    }),
    get: (id) => db.read((t) => {
      const s = subscriptions(t).get(id);
      return s ? structuredClone(s) : undefined;
    }),
    list: (f) => db.read((t) =>
      [...subscriptions(t).values()]
        .filter((s) => (!f?.channelKey || s.channelKey === f.channelKey) && (!f?.status || f.status.includes(s.status)) && (!f?.kind || s.kind === f.kind))
        .map((s) => structuredClone(s))),
    listDue: (now) => db.read((t) => {
      const at = now.toISOString();
      // JSON round trip: plain data, and much faster than structuredClone for thousands of records
      return JSON.parse(JSON.stringify([...subscriptions(t).values()].filter((s) => s.status === 'active' && s.nextSlotAt <= at))) as NudgeSubscription[];
    }),
    update: (id, patch, change) => db.mutate((t) => {
      const s = subscriptions(t).get(id);
      if (!s) return undefined;
      const { clearPause, ...fields } = patch;
      const next: NudgeSubscription = { ...structuredClone(s), ...structuredClone(fields), updatedAt: change.at };
      if (clearPause) {
        delete next.pausedUntil;
        delete next.pausedReason;
      }
      next.history.push({ ...change });
      subscriptions(t).put(next);
      return structuredClone(next);
    }),
    forgetActor: (by) => db.mutate((t) => forgetActorIn(subscriptions(t), by)),
  };
}
