import { z } from 'zod';
import { KNELPUNT_STATUSES, NUDGE_STATUSES, OVERHEDEN, URGENTIES } from '../types.js';

/** Bump when the data file's shape changes; add a migration in migrate.ts. */
export const LOWDB_SCHEMA_VERSION = 1;

const platform = z.enum(['local', 'slack', 'teams', 'cli']);
const status = z.enum(KNELPUNT_STATUSES);

const knelpunt = z.object({
  ref: z.string(),
  year: z.number().int(),
  seq: z.number().int().positive(),
  opgave: z.string(),
  beschrijving: z.string(),
  overheden: z.array(z.enum(OVERHEDEN)),
  urgentie: z.enum(URGENTIES),
  anoniem: z.boolean(),
  reporter: z
    .object({
      platform,
      userId: z.string(),
      name: z.string().optional(),
      aadObjectId: z.string().optional(),
      conversationKey: z.string().optional(),
    })
    .optional(),
  platform,
  status,
  history: z.array(
    z.object({ at: z.string(), by: z.string(), from: status, to: status, toelichting: z.string().optional() }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// Reflectie (issue 7)
const answers = {
  goed: z.string().optional(),
  beter: z.string().optional(),
  meenemen: z.string().optional(),
  opgave: z.string().optional(),
  zekerheid: z.string().optional(),
};
const reflection = z.object({
  id: z.string(),
  ...answers,
  channelKey: z.string(),
  platform,
  anonymous: z.boolean(),
  authorName: z.string().optional(),
  authorKey: z.string().optional(),
  locale: z.enum(['nl', 'en']),
  createdAt: z.string(),
});
const dialogue = z.object({
  key: z.string(),
  kind: z.enum(['stepwise', 'draft']),
  owner: z.string(),
  step: z.number().int(),
  answers: z.object(answers),
  shareKey: z.string().optional(),
  locale: z.enum(['nl', 'en']),
  updatedAt: z.string(),
  expiresAt: z.string(),
});
const nudgeStatus = z.enum(NUDGE_STATUSES);
const subscription = z.object({
  id: z.string(),
  kind: z.enum(['nudge', 'digest']),
  channelKey: z.string(),
  platform,
  conversationId: z.string(),
  schedule: z.object({
    recurrence: z.union([
      z.object({ kind: z.literal('weekly'), days: z.array(z.number().int().min(0).max(6)) }),
      z.object({ kind: z.literal('biweekly'), day: z.number().int().min(0).max(6) }),
      z.object({ kind: z.literal('monthly-nth'), nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)]), day: z.number().int().min(0).max(6) }),
      z.object({ kind: z.literal('monthly-first-workday') }),
    ]),
    hour: z.number().int().min(0).max(23),
    minute: z.number().int().min(0).max(59),
    timeZone: z.string(),
    skipHolidays: z.boolean(),
    anchorMonday: z.number().int().optional(),
  }),
  schema: z.string(),
  locale: z.enum(['nl', 'en']),
  status: z.enum(['active', 'paused', 'stopped']),
  pausedUntil: z.string().optional(),
  pausedReason: z.string().optional(),
  nextSlotAt: z.string(),
  questionCursor: z.number().int().nonnegative(),
  lastQuestionId: z.string().optional(),
  lastResult: z.object({ slot: z.string(), status: nudgeStatus, at: z.string(), detail: z.string().optional() }).optional(),
  history: z.array(z.object({ at: z.string(), by: z.string(), what: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const nudge = z.object({
  subscriptionId: z.string(),
  slot: z.string(),
  kind: z.enum(['nudge', 'digest']),
  channelKey: z.string(),
  status: nudgeStatus,
  questionId: z.string().optional(),
  detail: z.string().optional(),
  claimedAt: z.string(),
  updatedAt: z.string(),
});

const webSession = z.object({
  id: z.string(),
  login: z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string(), returnTo: z.string() }).optional(),
  user: z
    .object({
      issuer: z.string(),
      sub: z.string(),
      name: z.string().optional(),
      email: z.string().optional(),
      oid: z.string().optional(),
      coordinatorId: z.string().optional(),
    })
    .optional(),
  csrf: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
});

export const dataSchema = z.object({
  version: z.number().int().positive(),
  feedback: z.array(
    z.object({
      id: z.string(),
      entryId: z.string(),
      value: z.enum(['helpful', 'not_helpful']),
      platform,
      question: z.string().optional(),
      at: z.string(),
    }),
  ),
  gaps: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      locale: z.enum(['nl', 'en']),
      platform,
      at: z.string(),
      handledAt: z.string().optional(),
      handledBy: z.string().optional(),
    }),
  ),
  conversations: z.record(
    z.string(),
    z.object({
      key: z.string(),
      platform,
      conversationId: z.string(),
      kind: z.enum(['personal', 'channel', 'group']),
      threadId: z.string().optional(),
      teamId: z.string().optional(),
      data: z.record(z.string(), z.unknown()),
      active: z.boolean(),
      inactiveReason: z.string().optional(),
      updatedAt: z.string(),
    }),
  ),
  /** Redelivery dedupe: key -> expiry (epoch ms). */
  dedupe: z.record(z.string(), z.number()),
  // Added after the first release of version 1: defaults keep older files readable.
  knelpunten: z.array(knelpunt).default([]),
  /** Last reference number handed out, per year. */
  knelpuntCounters: z.record(z.string(), z.number().int().nonnegative()).default({}),
  /** Submission key (hashed) -> knelpunt reference, so a retried submission gives one knelpunt. */
  knelpuntSubmissions: z.record(z.string(), z.string()).default({}),
  triageChannels: z.array(z.object({ key: z.string(), by: z.string(), at: z.string() })).default([]),
  // Reflectie (issue 7)
  reflections: z.array(reflection).default([]),
  /** Dialogue key (hash) -> dialogue in progress. */
  dialogues: z.record(z.string(), dialogue).default({}),
  subscriptions: z.array(subscription).default([]),
  /** `<subscription id>|<slot>` -> nudge: the claim-once record. */
  nudges: z.record(z.string(), nudge).default({}),
  // Dashboard (issue 10)
  /** Session id (hash of the cookie token) -> web session. */
  sessions: z.record(z.string(), webSession).default({}),
});

export type Data = z.infer<typeof dataSchema>;

export function emptyData(): Data {
  return {
    version: LOWDB_SCHEMA_VERSION,
    feedback: [],
    gaps: [],
    conversations: {},
    dedupe: {},
    knelpunten: [],
    knelpuntCounters: {},
    knelpuntSubmissions: {},
    triageChannels: [],
    reflections: [],
    dialogues: {},
    subscriptions: [],
    nudges: {},
    sessions: {},
  };
}
