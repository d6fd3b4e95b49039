import type { Locale, Platform } from '../core/turn.js';

/**
 * The Store: one repository per kind of record. Every method is async so that a
 * server database (PostgreSQL) can implement the same interface; every backend
 * runs the shared contract tests in tests/store-contract.ts.
 */

export type FeedbackValue = 'helpful' | 'not_helpful';

export interface FeedbackRecord {
  id: string;
  entryId: string;
  value: FeedbackValue;
  platform: Platform;
  /** The question the answer was given to, when known (no user identity). */
  question?: string;
  at: string; // ISO timestamp
}

export interface KnowledgeGapRecord {
  id: string;
  /** What the user asked, as typed (trimmed, capped). No user identity is stored. */
  text: string;
  locale: Locale;
  platform: Platform;
  at: string;
  /** Set on the dashboard ("afgehandeld"): the question was dealt with (new knowledge, or not relevant). */
  handledAt?: string;
  /** Coordinator id of who marked it handled. */
  handledBy?: string;
}

/** Where to reach a conversation later (proactive messages: triage posts, nudges, status updates). */
export interface ConversationRefRecord {
  /** `<platform>:<conversation id>` (plus `:<thread>` for a thread). */
  key: string;
  platform: Platform;
  conversationId: string;
  kind: 'personal' | 'channel' | 'group';
  threadId?: string;
  teamId?: string;
  /** Platform-specific data an adapter needs to send (Teams serviceUrl, tenant…). Opaque to the core. */
  data: Record<string, unknown>;
  active: boolean;
  inactiveReason?: string;
  updatedAt: string;
}

export const KNELPUNT_STATUSES = ['nieuw', 'in_behandeling', 'geagendeerd', 'opgelost', 'niet_opgepakt'] as const;
export type KnelpuntStatus = (typeof KNELPUNT_STATUSES)[number];
export const URGENTIES = ['laag', 'middel', 'hoog'] as const;
export type Urgentie = (typeof URGENTIES)[number];
export const OVERHEDEN = ['gemeente', 'provincie', 'waterschap', 'rijk', 'anders'] as const;
export type Overheid = (typeof OVERHEDEN)[number];

export interface KnelpuntReporter {
  platform: Platform;
  userId: string;
  name?: string;
  /** Entra ID object id, when known (Teams), for privacy requests by `aad:`. */
  aadObjectId?: string;
  /** Where the report was made, so a status update can find the reporter. */
  conversationKey?: string;
}

/** What a history's `by` says after that person asked to be forgotten (`ibp-bot privacy delete`). */
export const FORGOTTEN_ACTOR = 'verwijderd';

export interface KnelpuntHistoryItem {
  at: string;
  /** Who changed it: platform-qualified coordinator id (`slack:U1`, `aad:…`). */
  by: string;
  from: KnelpuntStatus;
  to: KnelpuntStatus;
  toelichting?: string;
}

export interface KnelpuntRecord {
  /** `KP-2026-0007`: unique and gapless per year. */
  ref: string;
  year: number;
  seq: number;
  /** An opgave id from the knowledge base, or `anders`. */
  opgave: string;
  beschrijving: string;
  overheden: Overheid[];
  urgentie: Urgentie;
  anoniem: boolean;
  /** Absent for an anonymous report: no user id, name, conversation or thread is stored. */
  reporter?: KnelpuntReporter;
  platform: Platform;
  status: KnelpuntStatus;
  history: KnelpuntHistoryItem[];
  createdAt: string;
  updatedAt: string;
}

export type NewKnelpunt = Pick<KnelpuntRecord, 'opgave' | 'beschrijving' | 'overheden' | 'urgentie' | 'anoniem' | 'reporter' | 'platform'>;

export interface KnelpuntFilter {
  since?: string;
  status?: KnelpuntStatus[];
  opgave?: string[];
  reporter?: { platform: Platform; userId: string };
}

export interface KnelpuntRepo {
  /**
   * Stores a new knelpunt with the next reference of its year, in one atomic step
   * (counter and record together). `submissionKey` makes it idempotent: the same
   * submission delivered twice returns the first knelpunt with `created: false`.
   */
  create(input: NewKnelpunt, submissionKey: string, now: Date): Promise<{ knelpunt: KnelpuntRecord; created: boolean }>;
  get(ref: string): Promise<KnelpuntRecord | undefined>;
  list(filter?: KnelpuntFilter): Promise<KnelpuntRecord[]>;
  /**
   * Changes the status if it is still `expectedFrom` (so two coordinators clicking
   * at once cannot both apply a change); returns the updated record, or the current
   * one with `changed: false`.
   */
  changeStatus(ref: string, change: KnelpuntHistoryItem): Promise<{ knelpunt: KnelpuntRecord | undefined; changed: boolean }>;
  /** Privacy: removes the reporter's identity from all their knelpunten; returns how many. */
  forgetReporter(platform: Platform, userId: string): Promise<number>;
  /**
   * Privacy: where this person (`slack:U1`, `aad:…`) changed a status, the history says
   * FORGOTTEN_ACTOR instead; the change itself stays. Returns how many knelpunten changed.
   */
  forgetActor(by: string): Promise<number>;
  count(): Promise<number>;
  /**
   * The dashboard overview's figures over every knelpunt, computed where the data is
   * (SQL aggregates on PostgreSQL). `bounds`: ascending ISO instants; bucket `i` counts
   * creation times in [bounds[i], bounds[i + 1]). `oldest`: how many open knelpunten to return.
   */
  stats(bounds: readonly string[], oldest: number): Promise<KnelpuntStats>;
}

export type StatusCounts = Record<KnelpuntStatus, number>;

/**
 * Figures for the dashboard overview. Every backend must return exactly what the pure
 * reference functions in src/store/stats.ts compute over `list()` (the contract tests
 * check this).
 */
export interface KnelpuntStats {
  total: number;
  /** Not yet opgelost or niet opgepakt. */
  open: number;
  /** Per opgave id: counts per status. */
  byOpgave: Map<string, StatusCounts>;
  byStatus: StatusCounts;
  /** Created per bucket (`bounds.length - 1` of them); outside the bounds is not counted. */
  perWeek: number[];
  /** The oldest open knelpunten, oldest first (ties in the order they were stored). */
  oldestOpen: KnelpuntRecord[];
  /** Median days from creation to the first triage (the first change away from `nieuw`); null when none was triaged yet. */
  medianTriageDays: number | null;
  /** How many were triaged: the median's basis. */
  triaged: number;
}

export interface GapStats {
  total: number;
  open: number;
  handled: number;
  /** Asked per bucket, as KnelpuntStats.perWeek. */
  perWeek: number[];
  /** The oldest unhandled questions, oldest first (ties in the order they were stored). */
  oldestOpen: KnowledgeGapRecord[];
  /** Median days from asked to handled; null when none was handled yet. */
  medianHandledDays: number | null;
}

export interface ReflectionStats {
  total: number;
  anonymous: number;
  /** Per opgave id ('' = none chosen). */
  byOpgave: Map<string, number>;
  /** Shared per bucket, as KnelpuntStats.perWeek. */
  perWeek: number[];
}

/** Channels where new knelpunten are posted for triage (conversation reference keys). */
export interface TriageChannelRepo {
  add(conversationKey: string, by: string, now: Date): Promise<void>;
  remove(conversationKey: string): Promise<void>;
  list(): Promise<string[]>;
}

export interface FeedbackRepo {
  add(record: Omit<FeedbackRecord, 'id'>): Promise<FeedbackRecord>;
  list(): Promise<FeedbackRecord[]>;
  count(): Promise<number>;
}

export interface KnowledgeGapRepo {
  add(record: Omit<KnowledgeGapRecord, 'id' | 'handledAt' | 'handledBy'>): Promise<KnowledgeGapRecord>;
  /** Oldest first; `since` inclusive. */
  list(opts?: { since?: string }): Promise<KnowledgeGapRecord[]>;
  count(): Promise<number>;
  /** Marks gaps handled (ids that are unknown or already handled are skipped); returns how many changed. */
  markHandled(ids: readonly string[], by: string, now: Date): Promise<number>;
  /** Retention: removes the gaps asked before `olderThan`, handled or not; returns how many. */
  prune(olderThan: Date): Promise<number>;
  /** The overview's figures; `bounds` and `oldest` as in KnelpuntRepo.stats. */
  stats(bounds: readonly string[], oldest: number): Promise<GapStats>;
}

/**
 * A turn upserts its conversation's reference; when nothing changed, the stored one is
 * kept as it is (no write per turn), unless its `updatedAt` is older than this: then it is
 * written again, so `updatedAt` says when the conversation was last used, to the day.
 */
export const CONVERSATION_REF_REFRESH_MS = 24 * 60 * 60 * 1000;

export interface ConversationRefRepo {
  /** Insert or update by key; an upsert re-activates a reference and refreshes a stale `updatedAt` (CONVERSATION_REF_REFRESH_MS). */
  upsert(ref: Omit<ConversationRefRecord, 'updatedAt' | 'active' | 'inactiveReason'>, now: Date): Promise<ConversationRefRecord>;
  get(key: string): Promise<ConversationRefRecord | undefined>;
  markInactive(key: string, reason: string, now: Date): Promise<void>;
  list(): Promise<ConversationRefRecord[]>;
  /** Privacy: removes a reference (true when there was one). */
  remove(key: string): Promise<boolean>;
  /**
   * Retention: removes the references of `platform` whose `updatedAt` is before
   * `olderThan`, except those a triage channel or a subscription that is not stopped still
   * sends to. Returns how many.
   */
  pruneInactive(platform: Platform, olderThan: Date): Promise<number>;
}

export interface DedupeRepo {
  /**
   * Atomic set-if-absent: true the first time a key is seen within `ttlMs`, false
   * for a redelivery. Used for Slack event ids, interaction ids and Teams activity ids.
   */
  firstSeen(key: string, now: Date, ttlMs: number): Promise<boolean>;
  /** Removes the keys that expired at or before `now`; returns how many. */
  prune(now: Date): Promise<number>;
}

/** Result of taking a token from a rate-limit bucket (see src/core/ratelimit.ts). */
export type TakeResult = { ok: true } | { ok: false; notify: boolean };

/**
 * Per-user token buckets. A bucket holds `limit` tokens and refills at `limit` per
 * `windowMs`; over the limit, `notify` is true once per window. lowdb keeps buckets in
 * memory (one instance); PostgreSQL shares them between instances (one atomic statement).
 */
export interface RateLimitRepo {
  take(key: string, limit: number, windowMs: number, now: Date): Promise<TakeResult>;
}

/**
 * A dashboard web session (issue 10). The cookie carries a random token; only its
 * hash is stored (`id`), so a leaked database cannot be replayed as a cookie.
 */
export interface WebSessionRecord {
  /** SHA-256 (base64url) of the cookie token. */
  id: string;
  /** While signing in: the OpenID Connect checks for the callback. Taken once. */
  login?: { state: string; nonce: string; codeVerifier: string; returnTo: string };
  /** After sign-in. */
  user?: {
    issuer: string;
    sub: string;
    name?: string;
    email?: string;
    /** Entra ID object id (`oid` claim). */
    oid?: string;
    /** The coordinator identity (`aad:<oid>`, `email:<address>`) when this person is one. */
    coordinatorId?: string;
  };
  /** Token for state-changing requests (double submit: form field must match). */
  csrf: string;
  createdAt: string;
  lastSeenAt: string;
  /** Idle expiry: moves forward on every request. */
  expiresAt: string;
}

export interface WebSessionRepo {
  /** Insert or replace by id. */
  put(rec: WebSessionRecord): Promise<void>;
  /** Undefined when absent or expired. */
  get(id: string, now: Date): Promise<WebSessionRecord | undefined>;
  /** Atomic get-and-remove (a sign-in callback can be used once); undefined when absent or expired. */
  take(id: string, now: Date): Promise<WebSessionRecord | undefined>;
  /** Moves `lastSeenAt` and `expiresAt` forward; false when absent or expired. */
  touch(id: string, now: Date, expiresAt: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  /** Removes expired sessions; returns how many. */
  prune(now: Date): Promise<number>;
}

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

export interface Store {
  readonly feedback: FeedbackRepo;
  readonly gaps: KnowledgeGapRepo;
  readonly conversations: ConversationRefRepo;
  readonly dedupe: DedupeRepo;
  readonly knelpunten: KnelpuntRepo;
  readonly triageChannels: TriageChannelRepo;
  readonly reflections: ReflectionRepo;
  readonly dialogues: DialogueRepo;
  readonly subscriptions: SubscriptionRepo;
  readonly nudges: NudgeRepo;
  readonly rateLimits: RateLimitRepo;
  readonly sessions: WebSessionRepo;
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
   * Writes a small record meant for this (lowdb: a probe file in DATA_DIR, fsynced, or the
   * data file itself after a failed write; PostgreSQL: the one row of `store_probe`), so
   * `health().writable` turns false when writing stops working even while nobody writes,
   * and true again once it works. The server runs it every 20 s. Never throws.
   */
  probeWrite(now: Date): Promise<void>;
  /** Flush pending writes and release locks. */
  close(): Promise<void>;
}

/** A store failure (I/O, corrupt data, lost connection). Never swallowed: callers show a friendly retry message. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** The data file or database cannot be used as it is (corrupt, wrong schema, newer version, locked). Start-up refuses. */
export class StoreUnusableError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnusableError';
  }
}

// ---- Reflectie (issue 7): reflections, dialogues, nudge subscriptions and nudges ----

/** What a reflection says; every field optional (the form checks that one is filled in). */
export interface ReflectionAnswers {
  goed?: string;
  beter?: string;
  meenemen?: string;
  /** An opgave id from the knowledge base. */
  opgave?: string;
  /** A zekerheid id from the knowledge base (`zekerheid-7`). */
  zekerheid?: string;
}

/** A reflection shared in a channel. Private reflections are never stored as one. */
export interface ReflectionRecord extends ReflectionAnswers {
  id: string;
  /** Where it was shared (conversation reference key). */
  channelKey: string;
  platform: Platform;
  anonymous: boolean;
  /** Only when shared with the author's name: no user id, and nothing at all when anonymous. */
  authorName?: string;
  /**
   * Only with a name: a hash of the author's platform id (`authorKeyOf`), so a privacy
   * request can find their named reflections. Never set when anonymous.
   */
  authorKey?: string;
  locale: Locale;
  createdAt: string;
}

export interface ReflectionRepo {
  add(rec: Omit<ReflectionRecord, 'id'>): Promise<ReflectionRecord>;
  /** Oldest first; `since` inclusive, `until` exclusive (ISO timestamps). */
  list(filter?: { channelKey?: string; since?: string; until?: string; authorKey?: string }): Promise<ReflectionRecord[]>;
  count(): Promise<number>;
  /**
   * Privacy: the author's named reflections become anonymous (name and key removed, the
   * text stays, as with knelpunten). Returns how many changed.
   */
  forgetAuthor(authorKey: string): Promise<number>;
  /** The overview's figures; `bounds` as in KnelpuntRepo.stats. */
  stats(bounds: readonly string[]): Promise<ReflectionStats>;
}

/**
 * A reflection in progress: a step-by-step dialogue, or a filled-in form waiting for
 * "keep / share". Keys and owner are hashes, never platform ids; expires after 24 h.
 */
export interface DialogueRecord {
  key: string;
  kind: 'stepwise' | 'draft';
  /** Hash of the platform-qualified user id: only the author may continue or share. */
  owner: string;
  /** Step-by-step: index of the question being asked. */
  step: number;
  answers: ReflectionAnswers;
  /** Where a share goes (conversation reference key), fixed when the reflection started. */
  shareKey?: string;
  locale: Locale;
  updatedAt: string;
  expiresAt: string;
}

export interface DialogueRepo {
  /** Undefined when absent or expired. */
  get(key: string, now: Date): Promise<DialogueRecord | undefined>;
  put(rec: DialogueRecord): Promise<void>;
  /** Atomic get-and-remove: of two concurrent takes only one gets the record. */
  take(key: string, now: Date): Promise<DialogueRecord | undefined>;
  remove(key: string): Promise<boolean>;
  /** Removes expired dialogues; returns how many. */
  prune(now: Date): Promise<number>;
}

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

export const NUDGE_STATUSES = [
  'queued', 'sending', 'sent', 'failed', 'gone', 'unconfirmed', 'skipped-holiday', 'skipped-late', 'skipped-empty', 'skipped-inactive',
] as const;
/**
 * `queued`: claimed, not started; `sending`: handed to the outbox; `unconfirmed`: was
 * `sending` when the server stopped (never re-sent); the rest are final results.
 */
export type NudgeStatus = (typeof NUDGE_STATUSES)[number];

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
