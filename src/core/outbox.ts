import type { Reply } from './reply.js';
import type { Platform } from '../domain/turn.js';

/** A person to reach privately: on their platform, optionally via the conversation they last used. */
export interface UserAddress {
  platform: Platform;
  userId: string;
  conversationKey?: string;
}

/** Result of a proactive send. Never thrown: a sender's loop must go on for the other recipients. */
export type ProactiveResult =
  | { ok: true; messageId?: string }
  /** The conversation is gone or the bot was removed: the reference was marked inactive. */
  | { ok: false; gone: true; reason: string }
  /** Still failing after retries (429s, 5xx, network), or no adapter for the platform. */
  | { ok: false; gone: false; reason: string };

/**
 * Proactive messages from the core (triage posts, reporter notifications, nudges):
 * by stored conversation reference key (`slack:C123`, `teams:19:abc…`).
 */
export interface Outbox {
  send(refKey: string, reply: Reply): Promise<ProactiveResult>;
  /** A private message to one person (Slack DM, Teams 1:1 chat, the web chat's next reply). */
  sendToUser(user: UserAddress, reply: Reply): Promise<ProactiveResult>;
}

/** An outbox that reaches nobody (CLI, benchmarks): every send reports why. */
export function nullOutbox(reason: string): Outbox {
  const fail = async (): Promise<ProactiveResult> => ({ ok: false, gone: false, reason });
  return { send: fail, sendToUser: fail };
}
