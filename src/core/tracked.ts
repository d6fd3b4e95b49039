import { refHash, type Logger } from '../log.js';
import type { Store } from '../store/types.js';
import type { CoreDeps } from './context.js';
import type { Reply } from './reply.js';

/**
 * Cards that keep showing the truth. A card with `track` (a knelpunt's triage card) is
 * remembered where it landed (conversation reference key and the platform's message id);
 * when its subject changes, every one of them is replaced in place through the
 * DeliveryQueue, so a slow or failing update never holds up the person who made the change.
 */

/** Remembers where a tracked card landed. Never throws: a card that is not remembered only goes stale. */
export async function rememberCard(deps: { store: Store; log: Logger; now: () => Date }, reply: Reply, conversationKey: string, messageId: string | undefined): Promise<void> {
  if (!reply.track || !messageId) return;
  try {
    await deps.store.cards.add({ subject: reply.track, conversationKey, messageId, locale: reply.locale, at: deps.now().toISOString() });
  } catch (err) {
    deps.log.error({ err, subject: reply.track, conversation: refHash(conversationKey) }, 'could not remember where a card was posted; it will not be updated');
  }
}

/**
 * Replaces every remembered card of `subject` with what `render` makes of it now (in the
 * card's own language). The card is rendered when each update is sent, retries included,
 * so a late retry never shows an older state. A card whose message or conversation is
 * gone is forgotten.
 */
export async function refreshCards(
  deps: Pick<CoreDeps, 'store' | 'deliveries' | 'log'>,
  subject: string,
  render: (locale: Reply['locale']) => Promise<Reply | undefined>,
): Promise<number> {
  const cards = await deps.store.cards.list(subject);
  for (const card of cards) {
    deps.deliveries.deliver(
      { conversation: card.conversationKey },
      async () => {
        const r = await render(card.locale);
        return r ? { ...r, replacesMessage: card.messageId } : undefined;
      },
      { what: 'card update', subject, channel: refHash(card.conversationKey) },
      { onGone: async () => void (await deps.store.cards.remove(card.subject, card.conversationKey, card.messageId)) },
    );
  }
  return cards.length;
}
