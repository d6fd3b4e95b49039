import { z } from 'zod';
import type { ConversationKind, FormValue, FormValues, Turn, TurnConversation, TurnInput } from '../../src/domain/turn.js';
import { cleanName } from '../../src/domain/text.js';
import { OPEN_FORM_ACTION } from './render.js';
import { CHECKBOX_ON } from './views.js';

/**
 * Slack payloads (slash commands, Events API envelopes, interactions) to core Turns.
 * Pure: the clock and the bot's own ids come in as arguments. The result is a union
 * tagged by `kind`, and it says where and how to answer (`target`).
 */

/** What the adapter handles; the manifest test checks these against manifest.yaml. */
export const SLASH_COMMANDS = ['/ibp', '/knelpunt', '/reflectie', '/taal'] as const;
export const BOT_EVENTS = ['app_mention', 'message.im', 'app_home_opened'] as const;
export const INTERACTION_TYPES = ['block_actions', 'view_submission'] as const;

export interface ReplyTarget {
  /** Channel to post in; absent for App Home interactions (then the answer goes to the user's DM). */
  channel?: string;
  threadTs?: string;
  userId: string;
  /** From slash commands and message buttons: answers the user privately without channel membership. */
  responseUrl?: string;
  /** Valid for 3 s: opens a modal. */
  triggerId?: string;
  /** Only the asking user sees the answer (slash commands, buttons in channels). */
  ephemeral: boolean;
  /**
   * The message whose button was pressed (its `ts`), for a reply that takes its place:
   * `chat.update`, or for an ephemeral message its `response_url` with `replace_original`.
   */
  source?: { ts: string; ephemeral: boolean };
}

export type SlackInbound =
  | { kind: 'turn'; turn: Turn; target: ReplyTarget }
  /** A view_submission: the ack may carry field errors, so it waits for the core (up to ~2.5 s). */
  | { kind: 'submission'; turn: Turn; target: ReplyTarget; viewId: string }
  | { kind: 'home'; turnId: string; userId: string; teamId?: string; receivedAt: Date }
  | { kind: 'open_form'; key: string; triggerId: string; target: ReplyTarget }
  /** A slash command whose text is longer than the core takes: answered with a short note, not ignored. */
  | { kind: 'too_long'; max: number; target: ReplyTarget }
  | { kind: 'ignore'; reason: string };

/** Longest slash-command text passed on (the core's MAX_INPUT_LENGTH). */
export const SLASH_TEXT_MAX = 4000;

export interface ParseContext {
  now: Date;
  /** The bot's own user id and bot id (from auth.test): its own posts are never turns. */
  botUserId?: string;
  botId?: string;
}

/** Where a modal's answer goes, kept in the view's private_metadata. */
export interface ViewMetadata {
  c?: string; // channel
  t?: string; // thread ts
  r?: string; // response_url
  s?: string; // the form's own opaque state, returned to the core untouched
  e?: 1; // opened from a private answer (slash command, ephemeral message): answer privately too
  m?: string; // the message whose button opened the modal: what the answer replaces
  me?: 1; // that message is ephemeral (replaced through `r`, the click's response_url)
}

// --- Slack's text format -> what the user sees --------------------------------------------

/**
 * Slack sends message text in its own markup: `<@U1>`, `<!channel>`, `<url|label>`,
 * and `&amp;` `&lt;` `&gt;`. The core gets the plain text the user saw; our own
 * mention is removed. Rendering escapes it again on the way out.
 */
export function slackTextToPlain(text: string, botUserId?: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_m, inner: string) => {
      const [target = '', label] = inner.split('|', 2);
      if (target.startsWith('@')) return target.slice(1) === botUserId ? '' : `@${label ?? target.slice(1)}`;
      if (target.startsWith('!')) return `@${label ?? target.slice(1).split('^')[0]}`;
      if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
      return label ?? target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

export function conversationKind(channelId: string, channelType?: string): ConversationKind {
  if (channelType === 'im' || channelType === 'directmessage' || channelId.startsWith('D')) return 'personal';
  if (channelType === 'mpim' || channelType?.startsWith('mpdm-')) return 'group';
  return 'channel';
}

/** `<core action>:<index>` -> core action (everything before the last `:`). */
export function actionFromId(actionId: string): string {
  const i = actionId.lastIndexOf(':');
  return i > 0 && /^\d+$/.test(actionId.slice(i + 1)) ? actionId.slice(0, i) : actionId;
}

// --- schemas: only the fields we read ---------------------------------------------------

const id = z.string().min(1).max(255);
const slashCommand = z.object({
  command: z.string().regex(/^\/[\w-]+$/),
  text: z.string().default(''),
  user_id: id,
  user_name: z.string().optional(),
  channel_id: id,
  channel_name: z.string().optional(),
  team_id: id.optional(),
  response_url: z.url().optional(),
  trigger_id: id,
});

const messageEvent = z.object({
  type: z.enum(['message', 'app_mention']),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  user: z.string().optional(),
  text: z.string().default(''),
  ts: z.string(),
  thread_ts: z.string().optional(),
  channel: id,
  channel_type: z.string().optional(),
});
const homeEvent = z.object({ type: z.literal('app_home_opened'), user: id, tab: z.string().optional() });
const envelope = z.object({
  type: z.literal('event_callback'),
  event_id: id,
  team_id: z.string().optional(),
  event: z.object({ type: z.string() }).passthrough(),
});

const blockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id, name: z.string().optional(), username: z.string().optional(), team_id: z.string().optional() }),
  team: z.object({ id }).nullish(),
  channel: z.object({ id, name: z.string().optional() }).nullish(),
  container: z
    .object({
      type: z.string(),
      message_ts: z.string().optional(),
      thread_ts: z.string().optional(),
      view_id: z.string().optional(),
      channel_id: z.string().optional(),
      is_ephemeral: z.boolean().optional(),
    })
    .optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  trigger_id: id,
  response_url: z.url().optional(),
  actions: z
    .array(
      z.object({
        action_id: id,
        action_ts: z.string().default(''),
        value: z.string().max(2000).optional(),
        selected_option: z.object({ value: z.string() }).nullish(),
      }),
    )
    .min(1),
});

const stateValue = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
});
const viewSubmission = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id, name: z.string().optional(), username: z.string().optional(), team_id: z.string().optional() }),
  team: z.object({ id }).nullish(),
  trigger_id: z.string().optional(),
  view: z.object({
    id,
    hash: z.string().default(''),
    callback_id: z.string().default(''),
    private_metadata: z.string().default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), stateValue)) }).default({ values: {} }),
  }),
});

/** Block Kit view state -> core form values, by block id (= field id). */
export function viewStateToValues(values: Record<string, Record<string, z.infer<typeof stateValue>>>): FormValues {
  const out: FormValues = Object.create(null) as FormValues;
  for (const [blockId, actions] of Object.entries(values)) {
    const v = Object.values(actions)[0];
    if (!v || blockId === '__proto__') continue;
    let value: FormValue | undefined;
    switch (v.type) {
      case 'plain_text_input':
      case 'email_text_input':
      case 'url_text_input':
      case 'number_input':
        value = v.value ?? '';
        break;
      case 'static_select':
      case 'radio_buttons':
        value = v.selected_option?.value ?? '';
        break;
      case 'multi_static_select':
        value = (v.selected_options ?? []).map((o) => o.value);
        break;
      case 'checkboxes': {
        const selected = (v.selected_options ?? []).map((o) => o.value);
        // one checkbox is a yes/no field; several are a multiple choice
        value = selected.length <= 1 && (selected[0] ?? CHECKBOX_ON) === CHECKBOX_ON ? selected.length === 1 : selected;
        break;
      }
    }
    if (value !== undefined) out[blockId] = value;
  }
  return { ...out };
}

export function parseViewMetadata(raw: string): ViewMetadata {
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v !== 'object' || v === null) return {};
    const o = v as Record<string, unknown>;
    const s = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    const out: ViewMetadata = {};
    for (const k of ['c', 't', 'r', 's', 'm'] as const) {
      const v = s(k);
      if (v !== undefined) out[k] = v;
    }
    if (o.e === 1) out.e = 1;
    if (o.me === 1) out.me = 1;
    return out;
  } catch {
    return {};
  }
}

// --- the parser ---------------------------------------------------------------------------

function turnOf(
  turnId: string,
  user: { id: string; name?: string },
  conversation: TurnConversation,
  input: TurnInput,
  now: Date,
): Turn {
  return {
    id: turnId,
    platform: 'slack',
    user: { id: user.id, ...(user.name ? { name: user.name } : {}) },
    conversation,
    input,
    receivedAt: now,
  };
}

function conversation(channel: string, kind: ConversationKind, threadTs: string | undefined, teamId: string | undefined, name?: string): TurnConversation {
  return { id: channel, kind, ...(threadTs ? { threadId: threadTs } : {}), ...(teamId ? { teamId } : {}), ...channelName(kind, name) };
}

/**
 * A channel's name ("#ibp-triage") as slash commands and button presses carry it (events
 * do not; the stored reference keeps the last one known). Slack's placeholders for
 * private channels and direct messages are no names, and a group DM's name lists people.
 */
function channelName(kind: ConversationKind, name: string | undefined): { name?: string } {
  const clean = name === undefined ? '' : cleanName(name);
  if (kind !== 'channel' || clean === '' || clean === 'privategroup' || clean === 'directmessage') return {};
  return { name: `#${clean}` };
}

function parseSlash(body: unknown, ctx: ParseContext): SlackInbound {
  const r = slashCommand.safeParse(body);
  if (!r.success) return { kind: 'ignore', reason: 'malformed slash command' };
  const c = r.data;
  const name = c.command.slice(1).toLowerCase();
  if (!(SLASH_COMMANDS as readonly string[]).includes(c.command.toLowerCase())) return { kind: 'ignore', reason: `unknown command ${c.command}` };
  const target: ReplyTarget = { channel: c.channel_id, userId: c.user_id, triggerId: c.trigger_id, ephemeral: true, ...(c.response_url ? { responseUrl: c.response_url } : {}) };
  if (c.text.length > SLASH_TEXT_MAX) return { kind: 'too_long', max: SLASH_TEXT_MAX, target };
  return {
    kind: 'turn',
    // Slack never redelivers a command; the trigger id is unique per invocation.
    turn: turnOf(
      `command:${c.trigger_id}`,
      { id: c.user_id, ...(c.user_name ? { name: c.user_name } : {}) },
      conversation(c.channel_id, conversationKind(c.channel_id, c.channel_name), undefined, c.team_id, c.channel_name),
      { kind: 'command', command: name, args: slackTextToPlain(c.text, ctx.botUserId) },
      ctx.now,
    ),
    target,
  };
}

function parseEvent(body: unknown, ctx: ParseContext): SlackInbound {
  const env = envelope.safeParse(body);
  if (!env.success) return { kind: 'ignore', reason: 'malformed event envelope' };
  const { event_id: eventId, team_id: teamId, event } = env.data;
  if (event.type === 'app_home_opened') {
    const h = homeEvent.safeParse(event);
    if (!h.success) return { kind: 'ignore', reason: 'malformed app_home_opened' };
    if (h.data.tab && h.data.tab !== 'home') return { kind: 'ignore', reason: 'messages tab opened' };
    return { kind: 'home', turnId: eventId, userId: h.data.user, ...(teamId ? { teamId } : {}), receivedAt: ctx.now };
  }
  if (event.type !== 'message' && event.type !== 'app_mention') return { kind: 'ignore', reason: `event ${event.type} not handled` };
  const m = messageEvent.safeParse(event);
  if (!m.success) return { kind: 'ignore', reason: `malformed ${event.type}` };
  const e = m.data;
  // Bots (ours included), edits, deletions, joins: no turn. Loops between bots start here.
  if (e.bot_id || (ctx.botId && e.bot_id === ctx.botId)) return { kind: 'ignore', reason: 'bot message' };
  // A message with a file still has the user's text; every other subtype is no new user message.
  if (e.subtype && e.subtype !== 'thread_broadcast' && e.subtype !== 'file_share') return { kind: 'ignore', reason: `message subtype ${e.subtype}` };
  if (!e.user || e.user === ctx.botUserId) return { kind: 'ignore', reason: 'own message' };
  const kind = conversationKind(e.channel, e.channel_type);
  if (e.type === 'message' && kind !== 'personal') return { kind: 'ignore', reason: 'channel message without mention' };
  if (e.type === 'app_mention' && kind === 'personal') return { kind: 'ignore', reason: 'mention in a DM (the message event answers it)' };
  // A mention is answered in a thread; a DM only in the thread it came from.
  const threadTs = e.type === 'app_mention' ? (e.thread_ts ?? e.ts) : e.thread_ts;
  return {
    kind: 'turn',
    turn: turnOf(eventId, { id: e.user }, conversation(e.channel, kind, threadTs, teamId), { kind: 'text', text: slackTextToPlain(e.text, ctx.botUserId) }, ctx.now),
    target: { channel: e.channel, userId: e.user, ephemeral: false, ...(threadTs ? { threadTs } : {}) },
  };
}

function parseBlockActions(body: unknown, ctx: ParseContext): SlackInbound {
  const r = blockActions.safeParse(body);
  if (!r.success) return { kind: 'ignore', reason: 'malformed block_actions' };
  const b = r.data;
  const a = b.actions[0]!;
  const channel = b.channel?.id ?? b.container?.channel_id;
  const kind = channel ? conversationKind(channel) : 'personal';
  const messageTs = b.message?.ts ?? b.container?.message_ts;
  // In a channel the answer goes in the thread of the clicked message; in a DM only into an existing thread.
  const threadTs = b.message?.thread_ts ?? b.container?.thread_ts ?? (kind !== 'personal' ? messageTs : undefined);
  const teamId = b.team?.id ?? b.user.team_id;
  const target: ReplyTarget = {
    userId: b.user.id,
    triggerId: b.trigger_id,
    // A button on a private answer answers privately too.
    ephemeral: b.container?.is_ephemeral === true,
    ...(channel ? { channel } : {}),
    ...(threadTs ? { threadTs } : {}),
    ...(b.response_url ? { responseUrl: b.response_url } : {}),
    ...(b.container?.type === 'message' && messageTs ? { source: { ts: messageTs, ephemeral: b.container.is_ephemeral === true } } : {}),
  };
  const action = actionFromId(a.action_id);
  const value = a.value ?? a.selected_option?.value ?? '';
  if (action === OPEN_FORM_ACTION) return { kind: 'open_form', key: value, triggerId: b.trigger_id, target };
  const where = b.container?.message_ts ?? b.message?.ts ?? b.container?.view_id ?? 'none';
  return {
    kind: 'turn',
    // Stable for a redelivery of the same click: Slack's action_ts is per click.
    turn: turnOf(
      `action:${where}:${a.action_id}:${a.action_ts}`,
      { id: b.user.id, ...(b.user.name ?? b.user.username ? { name: (b.user.name ?? b.user.username)! } : {}) },
      // From App Home there is no channel: the conversation is the user's DM with the bot.
      conversation(channel ?? b.user.id, kind, threadTs, teamId, b.channel?.name),
      { kind: 'action', action, value },
      ctx.now,
    ),
    target,
  };
}

function parseViewSubmission(body: unknown, ctx: ParseContext): SlackInbound {
  const r = viewSubmission.safeParse(body);
  if (!r.success) return { kind: 'ignore', reason: 'malformed view_submission' };
  const { user, view } = r.data;
  const meta = parseViewMetadata(view.private_metadata);
  const teamId = r.data.team?.id ?? user.team_id;
  const channel = meta.c ?? user.id;
  const target: ReplyTarget = {
    userId: user.id,
    ephemeral: meta.e === 1,
    ...(meta.c ? { channel: meta.c } : {}),
    ...(meta.t ? { threadTs: meta.t } : {}),
    ...(meta.r ? { responseUrl: meta.r } : {}),
    ...(r.data.trigger_id ? { triggerId: r.data.trigger_id } : {}),
    ...(meta.m ? { source: { ts: meta.m, ephemeral: meta.me === 1 } } : {}),
  };
  return {
    kind: 'submission',
    viewId: view.id,
    turn: turnOf(
      `view:${view.id}:${view.hash}`,
      { id: user.id, ...(user.name ?? user.username ? { name: (user.name ?? user.username)! } : {}) },
      conversation(channel, conversationKind(channel), meta.t, teamId),
      { kind: 'form', formId: view.callback_id, values: viewStateToValues(view.state.values), ...(meta.s !== undefined ? { state: meta.s } : {}) },
      ctx.now,
    ),
    target,
  };
}

/** Any body Bolt hands us (HTTP or Socket Mode) -> what to do with it. */
export function parseSlackPayload(body: unknown, ctx: ParseContext): SlackInbound {
  if (typeof body !== 'object' || body === null) return { kind: 'ignore', reason: 'empty body' };
  const b = body as Record<string, unknown>;
  if (typeof b.command === 'string') return parseSlash(body, ctx);
  switch (b.type) {
    case 'event_callback':
      return parseEvent(body, ctx);
    case 'block_actions':
      return parseBlockActions(body, ctx);
    case 'view_submission':
      return parseViewSubmission(body, ctx);
    default:
      return { kind: 'ignore', reason: `payload type ${String(b.type)} not handled` };
  }
}
