import type { Logger } from '../log.js';
import type { KnowledgeBase } from '../knowledge/base.js';
import type { LanguageRecord, Store } from '../store/types.js';
import type { Deliveries } from './deliveries.js';
import type { Outbox } from './outbox.js';
import type { RateLimiter } from './ratelimit.js';
import type { Reply } from './reply.js';
import type { FormValues, Locale, Turn } from '../domain/turn.js';

/** What a route produced: the replies and how the turn ended (for logs and metrics). */
/**
 * `duplicate`: a redelivery of a turn already handled (nothing to answer); `repeated`: a
 * form submitted again (answered with what the first submission produced).
 */
export type Outcome =
  | 'limited' | 'answered' | 'suggested' | 'unknown' | 'command' | 'form' | 'greeting' | 'feedback' | 'invalid' | 'ignored' | 'duplicate' | 'repeated' | 'error';

export interface RouteResult {
  replies: Reply[];
  outcome: Outcome;
  /** The turn must not be linkable to its user: its log line carries no user hash (anonymous sharing). */
  anonymous?: boolean;
  /**
   * A form submission was accepted: what it produced (a knelpunt reference, a draft id).
   * A second submission of the same form is answered from this (src/core/forms.ts).
   */
  receipt?: string;
}

/** Everything a route may use; passed in, never imported, so tests can build one. */
export interface CoreDeps {
  knowledge: KnowledgeBase;
  store: Store;
  log: Logger;
  defaultLocale: Locale;
  now: () => Date;
  /** Proactive sends through the configured platform adapters. */
  outbox: Outbox;
  /** Proactive sends the turn does not wait for (triage posts, reporter updates), retried in the background. */
  deliveries: Deliveries;
  /** Per-user limits (`turn`, `knelpunt`); none in tests that do not ask for them. */
  limits?: RateLimiter;
  /** Told of every finished turn (metrics); must not throw. */
  observe?: (t: { platform: string; route: string; outcome: Outcome; seconds: number }) => void;
}

/** The remembered languages a turn can use: its conversation's, and in a personal chat its person's (src/core/conversation-language.ts). */
export interface RememberedLanguage {
  conversation?: LanguageRecord;
  person?: LanguageRecord;
}

export interface TurnContext {
  turn: Turn;
  locale: Locale;
  deps: CoreDeps;
  /** What the store remembers of this conversation's language, read once per turn (after the rate limit and redelivery checks). */
  remembered?: RememberedLanguage;
  /** A form submission: the one-time id of the form (src/core/forms.ts), when it had one. */
  formOnce?: string;
}

export type CommandHandler = (ctx: TurnContext, args: string) => Promise<RouteResult>;
export type ActionHandler = (ctx: TurnContext, value: string) => Promise<RouteResult>;
export type FormHandler = (ctx: TurnContext, values: FormValues, state?: string) => Promise<RouteResult>;
/** Answers a second submission of a form that was accepted before, from the first one's receipt. */
export type RepeatedFormHandler = (ctx: TurnContext, receipt: string, state?: string) => Promise<RouteResult>;

/**
 * A feature plugs its commands, button actions and forms into the core. The
 * question-answering feature is one; knelpunten and reflectie add their own.
 */
export interface Feature {
  name: string;
  commands?: Record<string, CommandHandler>;
  actions?: Record<string, ActionHandler>;
  forms?: Record<string, FormHandler>;
  /** Per form id: the answer to a form submitted again (without one: a short "already sent"). */
  repeatedForms?: Record<string, RepeatedFormHandler>;
  /**
   * Asked first for every free-text turn (before commands and questions): a feature
   * with a dialogue in progress answers it; null lets the text take its normal route.
   */
  interceptText?: (ctx: TurnContext, text: string) => Promise<RouteResult | null>;
}
