import type { NudgeStatus } from '../../../domain/reflection.js';
import type { SubscriptionKind } from '../subscriptions/index.js';
import { defineKind } from '../../kind.js';
import { lowdbNudges, NUDGES_TABLE } from './lowdb.js';
import { NUDGES_SQL } from './postgres.js';

export interface NudgeRecord {
  subscriptionId: string;
  /** The slot (ISO instant): with the subscription id the unique key of a nudge. */
  slot: string;
  kind: SubscriptionKind;
  channelKey: string;
  status: NudgeStatus;
  questionId?: string;
  detail?: string;
  claimedAt: string;
  updatedAt: string;
}

export interface NudgeKey {
  subscriptionId: string;
  slot: string;
}

export interface NudgeResult extends NudgeKey {
  status: NudgeStatus;
  detail?: string;
}

export interface NudgeClaim {
  subscriptionId: string;
  /** The subscription's `nextSlotAt` this claim was computed from (compare-and-set). */
  expectedNextSlotAt: string;
  /** Where `nextSlotAt` moves to. */
  nextSlotAt: string;
  questionCursor?: number;
  slots: { slot: string; status: 'queued' | 'skipped-holiday' | 'skipped-late'; questionId?: string; detail?: string }[];
}

export interface NudgeRepo {
  /**
   * Claims slots, all in one atomic step. Per claim: only when the subscription is
   * active and still at `expectedNextSlotAt`; a (subscriptionId, slot) pair is
   * recorded once, ever (a second claim of it is ignored). Returns the new records.
   */
  claim(claims: NudgeClaim[], now: Date): Promise<NudgeRecord[]>;
  /** Claimed and never started, oldest slot first. */
  listQueued(): Promise<NudgeRecord[]>;
  /**
   * `queued` -> `sending` for each, in one atomic step; per nudge false when it was not
   * queued (then nothing may send it). Durable before it returns: send only after it.
   */
  startSending(nudges: NudgeKey[], now: Date): Promise<boolean[]>;
  /** Records final results (one atomic step), on each nudge and as its subscription's `lastResult`. */
  finish(results: NudgeResult[], now: Date): Promise<void>;
  /**
   * Every `sending` nudge last updated at or before `now - olderThanMs` becomes
   * `unconfirmed` (its sender stopped: it may have arrived; it is never re-sent).
   * lowdb calls it at start-up with 0 (one instance); on a shared store each scheduler
   * uses a lease, so a live sender's nudges are never touched.
   */
  markUnconfirmed(now: Date, olderThanMs?: number): Promise<NudgeRecord[]>;
  get(subscriptionId: string, slot: string): Promise<NudgeRecord | undefined>;
  list(filter?: { subscriptionId?: string; status?: NudgeStatus[] }): Promise<NudgeRecord[]>;
}

/** Each (subscription, slot) claimed once, ever, with its result. */
export const nudgesKind = defineKind({
  name: 'nudges',
  lowdb: { tables: [NUDGES_TABLE], repo: lowdbNudges },
  postgres: NUDGES_SQL,
});
