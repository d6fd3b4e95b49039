import type { NudgeStatus } from '../../../domain/reflection.js';
import type { Locale, Platform } from '../../../domain/turn.js';
import { defineKind } from '../../kind.js';
import { lowdbSubscriptions, SUBSCRIPTIONS_TABLE } from './lowdb.js';
import { SUBSCRIPTIONS_SQL } from './postgres.js';

/** Schedule as stored (see src/scheduler/schedule.ts `Schedule`). */
export interface StoredSchedule {
  recurrence:
    | { kind: 'weekly'; days: number[] }
    | { kind: 'biweekly'; day: number }
    | { kind: 'monthly-nth'; nth: 1 | 2 | 3 | 4 | -1; day: number }
    | { kind: 'monthly-first-workday' };
  hour: number;
  minute: number;
  timeZone: string;
  skipHolidays: boolean;
  anchorMonday?: number;
}

export type SubscriptionKind = 'nudge' | 'digest';
export type SubscriptionStatus = 'active' | 'paused' | 'stopped';



export interface SubscriptionChange {
  at: string;
  /** Platform-qualified id of who changed it (`slack:U1`), or `system`. */
  by: string;
  what: string;
}

export interface NudgeSubscription {
  id: string;
  kind: SubscriptionKind;
  /** Conversation reference key of the channel (`slack:C123`). */
  channelKey: string;
  platform: Platform;
  conversationId: string;
  schedule: StoredSchedule;
  /** The schema in canonical Dutch (`elke vrijdag 15:00`). */
  schema: string;
  locale: Locale;
  status: SubscriptionStatus;
  /** Local date (`2026-12-01`) from which nudges resume after `reflectie pauze tot`. */
  pausedUntil?: string;
  /** Why it was paused by the system (bot removed from the channel). */
  pausedReason?: string;
  /** The next slot to claim (ISO instant). Only moves forward. */
  nextSlotAt: string;
  questionCursor: number;
  lastQuestionId?: string;
  lastResult?: { slot: string; status: NudgeStatus; at: string; detail?: string };
  history: SubscriptionChange[];
  createdAt: string;
  updatedAt: string;
}

export type SubscriptionPatch = Partial<Pick<NudgeSubscription, 'status' | 'pausedUntil' | 'pausedReason' | 'nextSlotAt' | 'schedule' | 'schema'>> & {
  /** Removes `pausedUntil` and `pausedReason` (resume). */
  clearPause?: boolean;
};

export interface SubscriptionRepo {
  create(sub: NudgeSubscription): Promise<NudgeSubscription>;
  get(id: string): Promise<NudgeSubscription | undefined>;
  list(filter?: { channelKey?: string; status?: SubscriptionStatus[]; kind?: SubscriptionKind }): Promise<NudgeSubscription[]>;
  /** Active subscriptions whose `nextSlotAt` is at or before `now`. */
  listDue(now: Date): Promise<NudgeSubscription[]>;
  /** Applies the patch and appends the change to the history; undefined when unknown. */
  update(id: string, patch: SubscriptionPatch, change: SubscriptionChange): Promise<NudgeSubscription | undefined>;
  /** Privacy: like `KnelpuntRepo.forgetActor`, for the history of every subscription; returns how many changed. */
  forgetActor(by: string): Promise<number>;
}

/** Channels subscribed to reflection nudges and the monthly digest. */
export const subscriptionsKind = defineKind({
  name: 'subscriptions',
  lowdb: { tables: [SUBSCRIPTIONS_TABLE], repo: lowdbSubscriptions },
  postgres: SUBSCRIPTIONS_SQL,
});
