/**
 * The Bot Framework Activity protocol as plain JSON: the few shapes the Teams adapter
 * reads and writes. Both SDKs (botbuilder and the Microsoft 365 Agents SDK) speak this
 * protocol; the shared code (parse, render, handler, send) uses these types and never an
 * SDK's classes, so a conversation reference stored under one SDK works under the other.
 */
export interface ChannelAccount {
  id: string;
  name?: string;
  aadObjectId?: string;
  role?: string;
}

export interface ConversationAccount {
  id: string;
  conversationType?: string;
  isGroup?: boolean;
  tenantId?: string;
  name?: string;
}

export interface Entity {
  type: string;
  [key: string]: unknown;
}

export interface Attachment {
  contentType: string;
  content?: unknown;
}

export interface Activity {
  type: string;
  id?: string;
  timestamp?: string;
  localTimestamp?: string;
  channelId?: string;
  serviceUrl?: string;
  from?: ChannelAccount;
  recipient?: ChannelAccount;
  conversation?: ConversationAccount;
  replyToId?: string;
  text?: string;
  textFormat?: string;
  summary?: string;
  locale?: string;
  name?: string;
  value?: unknown;
  entities?: Entity[];
  attachments?: Attachment[];
  channelData?: unknown;
  membersAdded?: ChannelAccount[];
}

/** What the bot sends: a message (one Adaptive Card and a summary), or an update of one. */
export type OutgoingActivity = Partial<Activity> & { type: 'message' };

/**
 * Where a conversation can be reached later, in the protocol's own words (`bot`, as on the
 * wire; the Agents SDK calls it `agent` in memory, its transport translates).
 */
export interface ConversationReference {
  serviceUrl: string;
  channelId?: string;
  conversation: ConversationAccount;
  bot?: ChannelAccount;
  user?: ChannelAccount;
  locale?: string;
  activityId?: string;
}

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

export function adaptiveCardAttachment(card: unknown): Attachment {
  return { contentType: ADAPTIVE_CARD, content: card };
}

/** The reference of an incoming activity (what botbuilder's and the Agents SDK's `getConversationReference` return). */
export function conversationReference(activity: Partial<Activity>): Partial<ConversationReference> {
  return {
    ...(activity.id ? { activityId: activity.id } : {}),
    ...(activity.from ? { user: { ...activity.from } } : {}),
    ...(activity.recipient ? { bot: { ...activity.recipient } } : {}),
    ...(activity.conversation ? { conversation: { ...activity.conversation } } : {}),
    ...(activity.channelId ? { channelId: activity.channelId } : {}),
    ...(activity.locale ? { locale: activity.locale } : {}),
    ...(activity.serviceUrl ? { serviceUrl: activity.serviceUrl } : {}),
  };
}

/** A stored reference as found in the store (plain JSON, possibly written by an older version or the other SDK). */
export function readReference(data: unknown): ConversationReference | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const r = data as Record<string, unknown>;
  const conversation = r.conversation as ConversationAccount | undefined;
  if (typeof r.serviceUrl !== 'string' || !r.serviceUrl || typeof conversation?.id !== 'string' || !conversation.id) return undefined;
  // `agent` is how the Agents SDK names the bot in memory; accepted too, so a reference it ever wrote still works.
  const bot = (r.bot ?? r.agent) as ChannelAccount | undefined;
  return {
    serviceUrl: r.serviceUrl,
    conversation,
    ...(typeof r.channelId === 'string' ? { channelId: r.channelId } : {}),
    ...(bot && typeof bot.id === 'string' ? { bot } : {}),
    ...(r.user && typeof (r.user as ChannelAccount).id === 'string' ? { user: r.user as ChannelAccount } : {}),
    ...(typeof r.locale === 'string' ? { locale: r.locale } : {}),
  };
}
