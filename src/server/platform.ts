import type { Express } from 'express';
import type { ProactiveResult } from '../core/outbox.js';
import type { Reply } from '../core/reply.js';
import type { ConversationRefRecord } from '../store/types.js';

/**
 * What the server needs from a chat platform adapter (Slack, Teams). The core never
 * sees this: adapters turn platform events into Turns, call `bot.handle`, and render
 * the Replies. Proactive sends (triage posts, nudges, status updates) go through
 * `sendProactive`.
 */
export interface PlatformAdapter {
  readonly platform: 'slack' | 'teams';
  /** Adds the adapter's HTTP routes. Called before any body parser is mounted. */
  mount(app: Express): void;
  /** Connects (Slack auth.test, Socket Mode); the server is ready when every start resolved. */
  start(): Promise<void>;
  /** Disconnects cleanly (Socket Mode), after in-flight turns finished. */
  stop(): Promise<void>;
  /** Sends a Reply to a stored conversation. Never throws: failures come back as a result. */
  sendProactive(ref: ConversationRefRecord, reply: Reply): Promise<ProactiveResult>;
  /**
   * A private message to one user (Slack: DM; Teams: 1:1 conversation created from
   * `via`, the reference of a conversation the user was in). Never throws.
   */
  sendToUser?(userId: string, via: ConversationRefRecord | undefined, reply: Reply): Promise<ProactiveResult>;
}

/** An adapter that is not configured says why, for the start-up log. */
export type AdapterSetup = { adapter: PlatformAdapter; note: string } | { adapter: null; note: string };

export type { ProactiveResult };
