import { createHash } from 'node:crypto';
import { FORGOTTEN_ACTOR } from '../domain/knelpunt.js';
import type { Platform } from '../domain/turn.js';
import type { ConversationRefRecord, KnelpuntHistoryItem, KnelpuntRecord, Store } from '../store/types.js';
import { texts } from './texts.js';

/**
 * Names, not ids: how the dashboard names people, platforms and channels. An account
 * id, a platform user id or a web-chat session id means nothing to the reader (and a
 * session id is a secret); where no name is known, a neutral label says what it is.
 * The ids stay in the data and in the exports.
 */

/** The signed-in coordinator, for changes they made before names were kept. */
export interface Viewer {
  id: string;
  name?: string;
}

export function platformLabel(platform: Platform): string {
  return texts().platforms[platform];
}

/** Who made a status change: the name kept with it; else "Een coördinator". */
export function actorLabel(h: Pick<KnelpuntHistoryItem, 'by' | 'byName'>, viewer?: Viewer): string {
  const t = texts().names;
  if (h.byName) return h.byName;
  if (h.by === FORGOTTEN_ACTOR) return t.coordinatorForgotten;
  // A change from before names were kept, by the person looking: we know their name.
  if (viewer?.name && h.by === viewer.id) return viewer.name;
  return t.coordinator;
}

/** Who reported a knelpunt: their name, "anoniem", or "Naam onbekend (via Slack)". */
export function reporterLabel(kp: Pick<KnelpuntRecord, 'reporter'>, anonymous: string): string {
  if (!kp.reporter) return anonymous;
  return kp.reporter.name ?? texts().names.unnamedReporter(platformLabel(kp.reporter.platform));
}

/**
 * A conversation reference may carry the name its platform gives the conversation
 * (`name`, set by the adapters that know it); the dashboard reads nothing else of the
 * platform's data.
 */
export type NamedConversation = Pick<ConversationRefRecord, 'kind'> & { name?: string };

/** Four characters from a hash of the channel key: tells channels apart without showing their id. */
export function shortCode(channelKey: string): string {
  return createHash('sha256').update(channelKey).digest('hex').slice(0, 4);
}

/**
 * How a channel is named: the web chat is "Webchat" (never its session id); a
 * conversation with a name from its platform by that name; any other by what it is and
 * a short code ("Slack-kanaal 3f9a").
 */
export function channelLabel(channel: { platform: Platform; channelKey: string }, ref?: NamedConversation): string {
  const t = texts().channels;
  if (channel.platform === 'local') return t.webChat;
  if (channel.platform === 'cli') return t.cli;
  const name = ref?.name?.trim();
  if (name) return name;
  return t.withCode(t[channel.platform][ref?.kind ?? 'unknown'], shortCode(channel.channelKey));
}

/**
 * Labels for the channels on one page, by channel key. Two channels that would read the
 * same (two web chats, two channels with one name) get their short code too.
 */
export function channelLabels(channels: readonly { platform: Platform; channelKey: string }[], refs: ReadonlyMap<string, NamedConversation> = new Map()): Map<string, string> {
  const labels = new Map<string, string>();
  for (const c of channels) if (!labels.has(c.channelKey)) labels.set(c.channelKey, channelLabel(c, refs.get(c.channelKey)));
  const seen = new Map<string, number>();
  for (const label of labels.values()) seen.set(label, (seen.get(label) ?? 0) + 1);
  for (const [key, label] of labels) {
    const code = shortCode(key);
    if (seen.get(label)! > 1 && !label.endsWith(code)) labels.set(key, texts().channels.withCode(label, code));
  }
  return labels;
}

/** The stored references of these channels (one read each; a page shows at most a hundred). */
export async function conversationsOf(store: Store, channelKeys: Iterable<string>): Promise<Map<string, ConversationRefRecord>> {
  const keys = [...new Set(channelKeys)];
  const refs = await Promise.all(keys.map((k) => store.conversations.get(k)));
  return new Map(keys.flatMap((k, i) => (refs[i] ? [[k, refs[i]] as const] : [])));
}
