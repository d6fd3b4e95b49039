import type { RecordKind } from './kind.js';
import { cardsKind } from './kinds/cards/index.js';
import { conversationsKind } from './kinds/conversations/index.js';
import { dedupeKind } from './kinds/dedupe/index.js';
import { dialoguesKind } from './kinds/dialogues/index.js';
import { feedbackKind } from './kinds/feedback/index.js';
import { formSubmissionsKind } from './kinds/form-submissions/index.js';
import { gapsKind } from './kinds/gaps/index.js';
import { languagesKind } from './kinds/languages/index.js';
import { knelpuntenKind } from './kinds/knelpunten/index.js';
import { nudgesKind } from './kinds/nudges/index.js';
import { rateLimitsKind } from './kinds/rate-limits/index.js';
import { reflectionsKind } from './kinds/reflections/index.js';
import { sessionsKind } from './kinds/sessions/index.js';
import { subscriptionsKind } from './kinds/subscriptions/index.js';
import { triageChannelsKind } from './kinds/triage-channels/index.js';
import { webChatHistoryKind } from './kinds/web-chat-history/index.js';

/**
 * Every record kind of the Store, once. The Store's fields, the lowdb tables, what
 * `store copy` moves, the PostgreSQL tables and the per-repository wrappers (text guard,
 * metrics) all come from this list. To add a kind: a folder in src/store/kinds/, a line
 * here, and a PostgreSQL migration (README, "Adding a record kind").
 *
 * The order is the load order of `store copy` into PostgreSQL (foreign keys: subscriptions
 * before nudges).
 */
export const RECORD_KINDS = [
  feedbackKind,
  gapsKind,
  conversationsKind,
  dedupeKind,
  knelpuntenKind,
  triageChannelsKind,
  reflectionsKind,
  dialoguesKind,
  subscriptionsKind,
  nudgesKind,
  rateLimitsKind,
  sessionsKind,
  formSubmissionsKind,
  cardsKind,
  webChatHistoryKind,
  languagesKind,
] as const;

type Kinds = (typeof RECORD_KINDS)[number];
export type KindName = Kinds['name'];

/** The Store's repositories, one field per record kind. */
export type Repos = { readonly [K in Kinds as K['name']]: K extends RecordKind<string, infer R> ? R : never };

export const KIND_NAMES: readonly KindName[] = RECORD_KINDS.map((k) => k.name);

/** Builds every repository of one backend from the registry; `wrap` is applied to each (guard, metrics). */
export function buildRepos(make: (kind: Kinds) => object, wrap: (repo: object, kind: Kinds) => object = (r) => r): Repos {
  const out: Record<string, object> = {};
  for (const kind of RECORD_KINDS) out[kind.name] = wrap(make(kind), kind);
  return out as unknown as Repos;
}

/** The lowdb tables of every kind, in registry order: what the journal holds and `store copy` moves. */
export const LOWDB_TABLES = RECORD_KINDS.flatMap((k) => k.lowdb.tables);
export const DUMP_TABLES: readonly string[] = LOWDB_TABLES.map((t) => t.name);
