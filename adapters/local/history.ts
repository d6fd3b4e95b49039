import type { Reply } from '../../src/core/reply.js';
import type { Logger } from '../../src/log.js';
import type { NewWebChatMessage, Store, WebChatMessageRecord } from '../../src/store/types.js';

/** How many messages of a session's conversation are kept (older ones are dropped first). */
export const HISTORY_LIMIT = 100;

/**
 * One message as the page gets it (history, events, the answer to a POST): its id in the
 * session, the number of its latest change (`rev`; absent when it could not be stored), and
 * what to show. A message with an id the page already shows takes that one's place.
 */
export type WireMessage =
  | { id: string; rev?: number; role: 'user'; text: string }
  | { id: string; rev?: number; role: 'bot'; reply: Reply };

export function toWire(m: WebChatMessageRecord): WireMessage | null {
  if (m.role === 'user') return typeof m.body.text === 'string' ? { id: m.id, rev: m.rev, role: 'user', text: m.body.text } : null;
  return Array.isArray(m.body.blocks) ? { id: m.id, rev: m.rev, role: 'bot', reply: m.body as unknown as Reply } : null;
}

const body = (w: WireMessage): Record<string, unknown> => (w.role === 'user' ? { text: w.text } : (w.reply as unknown as Record<string, unknown>));

/**
 * The web chat's conversation per session, on the store (`webChatHistory`), so a reload
 * shows it and a page that reconnects gets what it missed. Writing never throws: a
 * message that could not be stored is still shown to the page that is open (it comes back
 * without `rev`), and the failure is logged.
 */
export class ChatHistory {
  constructor(private readonly deps: { store: Store; log: Logger; now: () => Date }) {}

  /** Adds messages at the end; returns them with their numbers (those that could not be stored without). */
  async add(session: string, messages: WireMessage[]): Promise<WireMessage[]> {
    if (messages.length === 0) return [];
    try {
      const stored = await this.deps.store.webChatHistory.append(
        session,
        messages.map((m): NewWebChatMessage => ({ id: m.id, role: m.role, body: body(m) })),
        this.deps.now(),
        HISTORY_LIMIT,
      );
      const revs = new Map(stored.map((s) => [s.id, s.rev]));
      return messages.map((m) => (revs.has(m.id) ? { ...m, rev: revs.get(m.id)! } : withoutRev(m)));
    } catch (err) {
      this.deps.log.warn({ err }, 'local: could not store web chat messages; the page shows them, a reload will not');
      return messages.map(withoutRev);
    }
  }

  /**
   * Puts a bot message in the place of message `id` (a card with a new state). When the
   * session no longer holds it, the message is added at the end under that id instead.
   */
  async replace(session: string, id: string, reply: Reply): Promise<WireMessage> {
    const msg: WireMessage = { id, role: 'bot', reply };
    try {
      const done = await this.deps.store.webChatHistory.replace(session, id, body(msg), this.deps.now());
      if (done) return { ...msg, rev: done.rev };
    } catch (err) {
      this.deps.log.warn({ err }, 'local: could not replace a web chat message');
      return msg;
    }
    return (await this.add(session, [msg]))[0] ?? msg;
  }

  /** Whether the session holds message `id` (a card to update in place). */
  async has(session: string, id: string): Promise<boolean> {
    return (await this.deps.store.webChatHistory.list(session)).some((m) => m.id === id);
  }
}

function withoutRev(m: WireMessage): WireMessage {
  const { rev: _rev, ...rest } = m;
  return rest as WireMessage;
}
