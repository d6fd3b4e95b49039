import type { Express } from 'express';
import { randomUUID } from 'node:crypto';
import type { ProactiveResult } from '../../src/core/outbox.js';
import type { Reply } from '../../src/core/reply.js';
import { rememberCard } from '../../src/core/tracked.js';
import type { AdapterDeps, PlatformAdapter } from '../../src/platform/contract.js';
import type { ConversationRefRecord } from '../../src/store/types.js';
import { EventStreams } from './events.js';
import { ChatHistory, toWire, type WireMessage } from './history.js';
import { localChatRouter, type WebChatAccess } from './http.js';
import { MemoryInbox } from './inbox.js';
import type { Retention } from './pages.js';

/**
 * The web chat as a platform adapter, like Slack and Teams: its page and JSON endpoint
 * (http.ts), the conversation per session on the store (history.ts), and a live channel
 * to the page (server-sent events, events.ts). A proactive message (a nudge, a status
 * update, a triage card) is stored in the session's history and sent to every open page
 * of the session; it counts as sent when it is stored (a reload shows it) or a page took
 * it. A reply with `replacesMessage` takes the place of that card, in the history and in
 * the open pages.
 */
export class LocalAdapter implements PlatformAdapter {
  readonly platform = 'local' as const;
  readonly history: ChatHistory;
  readonly streams: EventStreams;
  readonly inbox = new MemoryInbox();

  constructor(
    private readonly deps: Pick<AdapterDeps, 'bot' | 'store' | 'log' | 'now'>,
    private readonly access: WebChatAccess,
    /** Shown on the privacy page (WEB_CHAT_SESSION_RETENTION_DAYS, KNOWLEDGE_GAP_RETENTION_DAYS). */
    readonly retention: Retention,
  ) {
    this.history = new ChatHistory(deps);
    // With a shared store (PostgreSQL, several instances) a message may be stored by another
    // instance than the one holding the page's stream: each heartbeat looks for it.
    this.streams = new EventStreams(deps.log, deps.store.shared ? { catchUp: (session, rev) => this.since(session, rev) } : {});
  }

  mount(app: Express): void {
    app.use(localChatRouter(this.deps.bot, this, this.access));
  }

  async start(): Promise<void> {}

  /** Ends the open event streams, so the server's shutdown does not wait for them. */
  async stop(): Promise<void> {
    this.streams.close();
  }

  async sendProactive(ref: ConversationRefRecord, reply: Reply): Promise<ProactiveResult> {
    const session = typeof ref.data.session === 'string' ? ref.data.session : null;
    if (!session) return { ok: false, gone: true, reason: 'web chat reference without a session' };
    return this.deliver(session, reply);
  }

  async sendToUser(userId: string, _via: ConversationRefRecord | undefined, reply: Reply): Promise<ProactiveResult> {
    return this.deliver(userId, reply);
  }

  /** The messages of a session after change `rev`, as the page gets them. */
  async since(session: string, rev: number): Promise<WireMessage[]> {
    return (await this.deps.store.webChatHistory.since(session, rev)).flatMap((m) => toWire(m) ?? []);
  }

  /**
   * The proactive messages waiting for the session's next answer: those that were not
   * stored, and those the history still holds (a session removed meanwhile, by `privacy
   * delete` or retention, gets none of its old messages back).
   */
  async waiting(session: string): Promise<WireMessage[]> {
    const box = this.inbox.take(session);
    if (!box.some((m) => m.rev !== undefined)) return box;
    try {
      const held = new Set((await this.deps.store.webChatHistory.list(session)).map((m) => m.id));
      return box.filter((m) => m.rev === undefined || held.has(m.id));
    } catch (err) {
      this.deps.log.warn({ err }, 'local: could not check the waiting web chat messages against the history');
      return box;
    }
  }

  /** A turn's replies went to the page: remember where tracked cards landed, so they are updated later. */
  async rememberTracked(messages: WireMessage[], conversationKey: string): Promise<void> {
    for (const m of messages) if (m.role === 'bot' && m.rev !== undefined && m.reply.track) await rememberCard(this.deps, m.reply, conversationKey, m.id);
  }

  private async deliver(session: string, reply: Reply): Promise<ProactiveResult> {
    const { replacesMessage, ...shown } = reply;
    let msg: WireMessage;
    if (replacesMessage) {
      // A card that is neither stored nor on an open page is gone: its sender forgets it.
      const held = await this.history.has(session, replacesMessage).catch(() => true);
      msg = { id: replacesMessage, role: 'bot', reply: shown };
      if (held) msg = await this.history.replace(session, replacesMessage, shown);
      const reached = await this.streams.publish(session, msg);
      if (!held && !reached) return { ok: false, gone: true, reason: 'message_not_found' };
      return msg.rev !== undefined || reached ? { ok: true, messageId: replacesMessage } : { ok: false, gone: false, reason: 'web chat: not stored, and no page open' };
    }
    [msg] = (await this.history.add(session, [{ id: `bot-${randomUUID()}`, role: 'bot', reply: shown }])) as [WireMessage];
    const reached = await this.streams.publish(session, msg);
    // Not stored and no page open: the delivery queue tries again later, with the same reply; it waits here once.
    if (!reached) this.inbox.push(session, msg, msg.rev === undefined ? JSON.stringify(shown) : undefined);
    if (msg.rev === undefined && !reached) return { ok: false, gone: false, reason: 'web chat: not stored, and no page open' };
    // Where a tracked card landed is remembered by its sender (onSent), with this id.
    return { ok: true, messageId: msg.id };
  }
}

/** The web chat adapter, unless WEB_CHAT=off (then only its short pages are served). */
export function setupLocal(deps: Pick<AdapterDeps, 'bot' | 'store' | 'log' | 'now' | 'config'>, access: WebChatAccess): LocalAdapter {
  return new LocalAdapter(deps, access, deps.config.retention);
}
