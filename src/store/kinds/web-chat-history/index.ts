import { defineKind } from '../../kind.js';
import { WEB_CHAT_MESSAGES_TABLE, WEB_CHAT_SESSIONS_TABLE, lowdbWebChatHistory } from './lowdb.js';
import { WEB_CHAT_HISTORY_SQL } from './postgres.js';

/**
 * The web chat's conversation, per session, so a reload shows it again and a page that
 * was away gets what it missed (adapters/local). Bounded: only the last messages are
 * kept, and a session without use is removed by the housekeeping
 * (WEB_CHAT_SESSION_RETENTION_DAYS).
 *
 * Every change of a session (a message added, a card replaced in place) gets the next
 * number of that session (`rev`): the page's server-sent events carry it as their id, so a
 * page that reconnects with `Last-Event-ID` gets exactly the changes after it.
 */
export interface WebChatSessionRecord {
  session: string;
  /** The number of the session's latest change (0: none yet). */
  rev: number;
  /** The name the person typed once in this session (the open web chat has no sign-in to tell it). */
  name?: string;
  updatedAt: string;
}

export interface WebChatMessageRecord {
  session: string;
  /** Unique within the session: the turn's message id, or the id the adapter gave a bot message. */
  id: string;
  /** Its place in the conversation: the session's `rev` when it was added; never changes. */
  pos: number;
  /** The session's `rev` of its latest change (added, or replaced in place). */
  rev: number;
  role: 'user' | 'bot';
  /** What the page renders (a user's text, or a bot Reply as JSON). Opaque to the store. */
  body: Record<string, unknown>;
  at: string;
}

export interface NewWebChatMessage {
  id: string;
  role: WebChatMessageRecord['role'];
  body: Record<string, unknown>;
}

export interface WebChatHistoryRepo {
  /**
   * Adds messages at the end of the session's conversation (making the session when it is
   * new), each with the next number; a message whose id the session already holds is left
   * out. Then only the last `keep` (at least 1) messages are kept. Returns the messages added.
   */
  append(session: string, messages: NewWebChatMessage[], now: Date, keep: number): Promise<WebChatMessageRecord[]>;
  /**
   * Replaces the body of one message in place (a card that shows a new state): it keeps
   * its place and gets the session's next number. Undefined when the session holds no
   * such message (never, or dropped as too old).
   */
  replace(session: string, id: string, body: Record<string, unknown>, now: Date): Promise<WebChatMessageRecord | undefined>;
  /** The session's conversation in order (oldest first). */
  list(session: string): Promise<WebChatMessageRecord[]>;
  /** The messages added or replaced after change number `after`, in the order of their changes. */
  since(session: string, after: number): Promise<WebChatMessageRecord[]>;
  getSession(session: string): Promise<WebChatSessionRecord | undefined>;
  /** Remembers the name typed in this session (making the session when it is new). */
  setName(session: string, name: string, now: Date): Promise<void>;
  /** Privacy: removes a session with its conversation (true when there was one). */
  remove(session: string): Promise<boolean>;
  /** Every session (privacy export by id; `store copy`). */
  sessions(): Promise<WebChatSessionRecord[]>;
  /** Retention: removes the sessions not used since `olderThan`, with their conversations. Returns how many. */
  prune(olderThan: Date): Promise<number>;
}

/** The web chat's conversations, per session (adapters/local). */
export const webChatHistoryKind = defineKind({
  name: 'webChatHistory',
  lowdb: { tables: [WEB_CHAT_SESSIONS_TABLE, WEB_CHAT_MESSAGES_TABLE], repo: lowdbWebChatHistory },
  postgres: WEB_CHAT_HISTORY_SQL,
});
