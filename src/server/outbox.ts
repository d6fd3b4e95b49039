import { stampCardLanguage } from '../core/card-language.js';
import type { Outbox, ProactiveResult, UserAddress } from '../core/outbox.js';
import type { Reply } from '../core/reply.js';
import type { Store } from '../store/types.js';
import type { PlatformAdapter } from '../platform/contract.js';

/**
 * Routes a proactive send to the adapter of the reference's platform. Every button and
 * form in it carries the card's language, as in a turn's replies (src/core/card-language.ts).
 */
export class AdapterOutbox implements Outbox {
  private readonly adapters = new Map<string, PlatformAdapter>();

  constructor(private readonly store: Store) {}

  register(adapter: PlatformAdapter): void {
    this.adapters.set(adapter.platform, adapter);
  }

  async send(refKey: string, original: Reply): Promise<ProactiveResult> {
    const reply = stampCardLanguage(original);
    const ref = await this.store.conversations.get(refKey);
    if (!ref) return { ok: false, gone: true, reason: 'unknown_conversation' };
    if (!ref.active) return { ok: false, gone: true, reason: ref.inactiveReason ?? 'inactive' };
    const adapter = this.adapters.get(ref.platform);
    if (!adapter) return { ok: false, gone: false, reason: `no ${ref.platform} adapter configured` };
    return adapter.sendProactive(ref, reply);
  }

  async sendToUser(user: UserAddress, original: Reply): Promise<ProactiveResult> {
    if (user.platform === 'cli') return { ok: false, gone: false, reason: 'the CLI cannot be reached later' };
    const reply = stampCardLanguage(original);
    const adapter = this.adapters.get(user.platform);
    if (!adapter) return { ok: false, gone: false, reason: `no ${user.platform} adapter configured` };
    const via = user.conversationKey ? await this.store.conversations.get(user.conversationKey) : undefined;
    if (adapter.sendToUser) return adapter.sendToUser(user.userId, via, reply);
    // Fallback: the personal conversation the user wrote from, if that is where they reported.
    if (via && via.kind === 'personal') return adapter.sendProactive(via, reply);
    return { ok: false, gone: false, reason: `${user.platform} adapter cannot reach a user privately` };
  }
}

