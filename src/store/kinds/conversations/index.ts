import type { ConversationKind, Platform } from '../../../domain/turn.js';
import { defineKind } from '../../kind.js';
import { CONVERSATIONS_TABLE, lowdbConversations } from './lowdb.js';
import { CONVERSATIONS_SQL } from './postgres.js';

/** Where to reach a conversation later (proactive messages: triage posts, nudges, status updates). */
export interface ConversationRefRecord {
  /** `<platform>:<conversation id>` (plus `:<thread>` for a thread). */
  key: string;
  platform: Platform;
  conversationId: string;
  kind: ConversationKind;
  threadId?: string;
  teamId?: string;
  /** The channel's name as its platform last gave it (shown on the dashboard instead of its id). */
  name?: string;
  /** Platform-specific data an adapter needs to send (Teams serviceUrl, tenant…). Opaque to the core. */
  data: Record<string, unknown>;
  active: boolean;
  inactiveReason?: string;
  updatedAt: string;
}

/**
 * A turn upserts its conversation's reference; when nothing changed, the stored one is
 * kept as it is (no write per turn), unless its `updatedAt` is older than this: then it is
 * written again, so `updatedAt` says when the conversation was last used, to the day.
 */
export const CONVERSATION_REF_REFRESH_MS = 24 * 60 * 60 * 1000;

type RefInput = Omit<ConversationRefRecord, 'updatedAt' | 'active' | 'inactiveReason'>;

/** An upserted reference without a name keeps the stored one's (both backends). */
export function withName(ref: RefInput, stored: Pick<ConversationRefRecord, 'name'> | undefined): RefInput {
  return ref.name === undefined && stored?.name !== undefined ? { ...ref, name: stored.name } : ref;
}

export interface ConversationRefRepo {
  /**
   * Insert or update by key; an upsert re-activates a reference and refreshes a stale
   * `updatedAt` (CONVERSATION_REF_REFRESH_MS). A reference without a `name` keeps the name
   * stored before (not every event carries the channel's name); other absent fields are removed.
   */
  upsert(ref: RefInput, now: Date): Promise<ConversationRefRecord>;
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

/** Conversation references: where proactive messages go. */
export const conversationsKind = defineKind({
  name: 'conversations',
  lowdb: { tables: [CONVERSATIONS_TABLE], repo: lowdbConversations },
  postgres: CONVERSATIONS_SQL,
});
