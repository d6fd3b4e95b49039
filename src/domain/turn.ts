import { cleanId, cleanName, cleanText } from './text.js';

/**
 * A platform-neutral incoming turn. Adapters build one from a Slack event, a Bot
 * Framework activity or a web-chat request; the core never sees platform types.
 */
export type Platform = 'local' | 'slack' | 'teams' | 'cli';
export type Locale = 'nl' | 'en';
export type ConversationKind = 'personal' | 'channel' | 'group';

export type FormValue = string | string[] | boolean;
export type FormValues = Record<string, FormValue>;

export type TurnInput =
  | { kind: 'text'; text: string }
  | { kind: 'command'; command: string; args: string }
  | { kind: 'action'; action: string; value: string }
  | { kind: 'form'; formId: string; values: FormValues; state?: string };

export interface TurnUser {
  /** The platform's own id (Slack `U…`, Teams `29:…`, a local browser id). */
  id: string;
  name?: string;
  /** The user's locale as the platform reports it (`nl-NL`, `en-US`, …), if any. */
  locale?: string;
  isBot?: boolean;
  /** Entra ID object id, when the platform tells it (Teams). */
  aadObjectId?: string;
}

export interface TurnConversation {
  id: string;
  kind: ConversationKind;
  /** Thread (Slack `thread_ts`, Teams reply chain) the turn belongs to, if any. */
  threadId?: string;
  /** Workspace / tenant, when the platform has one. */
  teamId?: string;
  /**
   * The name the platform gives a channel ("#ibp-triage", "IBP › Algemeen"), when the
   * event carries it; never set for personal or group chats (their names are people's).
   */
  name?: string;
}

export interface Turn {
  /**
   * A delivery id that is the same when the platform redelivers the same event
   * (Slack event id, Teams activity id); used to process each turn once.
   */
  id: string;
  platform: Platform;
  user: TurnUser;
  conversation: TurnConversation;
  input: TurnInput;
  receivedAt: Date;
  /**
   * Where an anonymous client connects from, as a rate-limit key (the open web chat,
   * whose session ids cost nothing to make): knelpunten are limited per address too.
   * Only for limits: never stored or logged.
   */
  addressKey?: string;
}

/**
 * The key of a conversation's stored reference: `<platform>:<conversation id>`.
 * Adapters store references under this key, so the core can address the same
 * conversation later (triage channel, nudges).
 */
export function conversationKey(turn: Pick<Turn, 'platform' | 'conversation'>): string {
  return `${turn.platform}:${turn.conversation.id}`;
}

/** `slack:U123`: the platform-qualified id used for coordinators, privacy requests and rate limits. */
export function qualifiedUserId(turn: Pick<Turn, 'platform' | 'user'>): string {
  return `${turn.platform}:${turn.user.id}`;
}

/**
 * The text boundary for turns: every string a platform hands us (what the person typed,
 * form values, their display name, and the ids used in keys) passes `cleanText` once,
 * here where it enters the core. Lengths are checked later, per field, with a friendly
 * message; ids and names are bounded silently.
 */
export function cleanTurn(turn: Turn): Turn {
  const { user, conversation } = turn;
  return {
    ...turn,
    id: cleanId(turn.id),
    user: {
      ...user,
      id: cleanId(user.id),
      ...(user.name !== undefined ? { name: cleanName(user.name) } : {}),
      ...(user.locale !== undefined ? { locale: cleanId(user.locale) } : {}),
      ...(user.aadObjectId !== undefined ? { aadObjectId: cleanId(user.aadObjectId) } : {}),
    },
    conversation: {
      ...conversation,
      id: cleanId(conversation.id),
      ...(conversation.threadId !== undefined ? { threadId: cleanId(conversation.threadId) } : {}),
      ...(conversation.teamId !== undefined ? { teamId: cleanId(conversation.teamId) } : {}),
      ...(conversation.name !== undefined ? { name: cleanName(conversation.name) } : {}),
    },
    input: cleanInput(turn.input),
  };
}

function cleanInput(input: TurnInput): TurnInput {
  switch (input.kind) {
    case 'text':
      return { kind: 'text', text: cleanText(input.text) };
    case 'command':
      return { kind: 'command', command: cleanId(input.command), args: cleanText(input.args) };
    case 'action':
      return { kind: 'action', action: cleanId(input.action), value: cleanText(input.value) };
    case 'form': {
      const values: FormValues = Object.create(null) as FormValues;
      for (const [k, v] of Object.entries(input.values)) {
        values[cleanId(k)] = typeof v === 'string' ? cleanText(v) : Array.isArray(v) ? v.map((x) => cleanText(String(x))) : v;
      }
      return { kind: 'form', formId: cleanId(input.formId), values, ...(input.state !== undefined ? { state: cleanText(input.state) } : {}) };
    }
  }
}
