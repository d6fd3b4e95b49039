import type { Express } from 'express';
import type { Config } from '../config.js';
import type { Bot } from '../core/bot.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import type { ProactiveResult } from '../core/outbox.js';
import type { Reply } from '../core/reply.js';
import type { ConversationRefRecord } from '../store/types.js';

/**
 * The adapter contract, in a neutral place: the server sets adapters up and mounts them,
 * adapters implement this, and neither imports the other's modules.
 *
 * What the server needs from a chat platform adapter (Slack, Teams, the web chat). The core never
 * sees this: adapters turn platform events into Turns, call `bot.handle`, and render
 * the Replies. Proactive sends (triage posts, nudges, status updates) go through
 * `sendProactive`.
 */
export interface PlatformAdapter {
  readonly platform: 'slack' | 'teams' | 'local';
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

/** What every platform adapter gets: configuration, the core, the store and the logger. */
export interface AdapterDeps {
  config: Config;
  bot: Bot;
  store: Store;
  log: Logger;
  now: () => Date;
  /** Tests only: where the Teams SDK (botbuilder or the Agents SDK) fetches the OpenID metadata (and keys) for incoming tokens, instead of Microsoft's. */
  teamsOpenIdMetadataUrl?: string;
}
