import type { Repos } from './registry.js';

/**
 * The Store: one repository per record kind. Every method is async so that a server
 * database (PostgreSQL) can implement the same interface; every backend runs the shared
 * contract tests in tests/store-contract.ts. The record kinds live in src/store/kinds/,
 * one folder each (interface, lowdb and PostgreSQL side by side); this module is the one
 * place the rest of the code imports store types from.
 */
export { StoreError, StoreUnusableError } from './errors.js';
export { CONVERSATION_REF_REFRESH_MS, type ConversationRefRecord, type ConversationRefRepo } from './kinds/conversations/index.js';
export type { CardRecord, CardRepo } from './kinds/cards/index.js';
export type { DedupeRepo } from './kinds/dedupe/index.js';
export type { DialogueRecord, DialogueRepo } from './kinds/dialogues/index.js';
export type { FeedbackRecord, FeedbackRepo, FeedbackValue } from './kinds/feedback/index.js';
export type { ClaimResult, FormSubmissionRecord, FormSubmissionRepo } from './kinds/form-submissions/index.js';
export { GAP_OUTCOMES, isGapOutcome, type GapOutcome, type GapStats, type KnowledgeGapRecord, type KnowledgeGapRepo, type NewKnowledgeGap } from './kinds/gaps/index.js';
export type {
  KnelpuntFilter, KnelpuntHistoryItem, KnelpuntRecord, KnelpuntReporter, KnelpuntRepo, KnelpuntStats, NewKnelpunt, StatusCounts,
} from './kinds/knelpunten/index.js';
export type { LanguageRecord, LanguageRepo, LanguageSource } from './kinds/languages/index.js';
export type { NudgeClaim, NudgeKey, NudgeRecord, NudgeRepo, NudgeResult } from './kinds/nudges/index.js';
export type { RateLimitRepo } from './kinds/rate-limits/index.js';
export type { ReflectionRecord, ReflectionRepo, ReflectionStats } from './kinds/reflections/index.js';
export type { WebSessionRecord, WebSessionRepo } from './kinds/sessions/index.js';
export type {
  NudgeSubscription, StoredSchedule, SubscriptionChange, SubscriptionKind, SubscriptionPatch, SubscriptionRepo, SubscriptionStatus,
} from './kinds/subscriptions/index.js';
export type { TriageChannelRecord, TriageChannelRepo } from './kinds/triage-channels/index.js';
export type { NewWebChatMessage, WebChatHistoryRepo, WebChatMessageRecord, WebChatSessionRecord } from './kinds/web-chat-history/index.js';

export interface StoreHealth {
  /** The store can be used: it answers and its data can be read. */
  ok: boolean;
  backend: string;
  detail?: string;
  /**
   * False after a write failed (a user's, or the periodic probe's), until a later write
   * or probe succeeds: readiness is then 503, because every turn that writes would fail.
   */
  writable: boolean;
  /** Why the last write failed, while `writable` is false. */
  writeProblem?: string;
}

/** The Store: one repository per record kind (src/store/registry.ts), plus what every backend tells. */
export interface Store extends Repos {
  /** `lowdb` or `postgres`. */
  readonly backend: string;
  /**
   * True when several bot instances may use this store at once (PostgreSQL). Then a
   * `sending` nudge may belong to another live instance: only stale ones are marked
   * unconfirmed (see NudgeRepo.markUnconfirmed).
   */
  readonly shared: boolean;
  /**
   * Shared stores: how long a `sending` nudge belongs to its sender before another
   * instance records it `unconfirmed` (NUDGE_SENDING_LEASE_MS). Absent: the scheduler's default.
   */
  readonly sendingLeaseMs?: number;
  health(): Promise<StoreHealth>;
  /**
   * Writes a small record meant for this (lowdb: a probe file in DATA_DIR, fsynced, or a
   * journal write after a failed write; PostgreSQL: the one row of `store_probe`), so
   * `health().writable` turns false when writing stops working even while nobody writes,
   * and true again once it works. The server runs it every 20 s. Never throws.
   */
  probeWrite(now: Date): Promise<void>;
  /** Flush pending writes and release locks. */
  close(): Promise<void>;
}
