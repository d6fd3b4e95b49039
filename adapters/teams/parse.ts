import type { Activity, ChannelAccount } from './activity.js';
import type { ConversationKind, FormValue, FormValues, Turn, TurnInput } from '../../src/domain/turn.js';
import { isWhitespace } from '../../src/domain/whitespace.js';
import { cleanName } from '../../src/domain/text.js';

/**
 * Bot Framework activity (as Teams sends it) -> core Turn. Pure: no I/O, no clock
 * (the receive time is passed in). Everything Teams-specific about incoming
 * messages lives here: conversation types, @mentions, card submits, invokes.
 */

/** Keys our cards put into submit data (see render.ts); they never reach the core as form values. */
export const SUBMIT_ACTION_KEY = 'ibpAction';
export const SUBMIT_VALUE_KEY = 'value';
export const SUBMIT_FORM_KEY = 'ibpForm';
/** The form's opaque state (which knelpunt it is about, ...), returned untouched. */
export const SUBMIT_STATE_KEY = 'ibpState';
/** `{ fieldId: kind }` for the fields whose value Teams flattens to a string (multiselect, checkbox). */
export const SUBMIT_FIELDS_KEY = 'ibpFields';
/** A choice list's submit button: the id of the Input.ChoiceSet whose value is the button's value (render.ts). */
export const SUBMIT_CHOICE_KEY = 'ibpChoice';
/** The ids render.ts gives those Input.ChoiceSets. */
export const CHOICE_INPUT = /^ibpChoice\d{1,3}$/;
export const INVOKE_CARD_ACTION = 'adaptiveCard/action';
/** A button that opens a dialog (task module): Teams asks for its content, then sends what was filled in. */
export const INVOKE_TASK_FETCH = 'task/fetch';
export const INVOKE_TASK_SUBMIT = 'task/submit';

/**
 * How the answer must be given: as new messages (a message activity), or in the HTTP
 * response of an invoke: Action.Execute (`execute`: a card or a message), a dialog's
 * content (`task/fetch`) or what follows its submission (`task/submit`).
 */
export type InvokeKind = 'execute' | 'task/fetch' | 'task/submit';

/** Longest text a Teams message may carry into the core; the core refuses longer text itself with a friendly message. */
const MAX_FORM_VALUE = 10_000;
const MAX_FORM_FIELDS = 50;

export type ParsedActivity =
  | { kind: 'turn'; turn: Turn; invoke: InvokeKind | false }
  /** The bot was added to a conversation: answer with a short welcome (a `help` turn). */
  | { kind: 'welcome'; turn: Turn }
  /** A card action the bot cannot place (a card it did not send, or of an older version): answered with a short message. */
  | { kind: 'foreign'; invoke: InvokeKind | false; locale?: string }
  | { kind: 'ignore'; reason: string; invoke: boolean };

export function parseActivity(activity: Partial<Activity>, receivedAt: Date): ParsedActivity {
  const invoke = activity.type === 'invoke';
  const ignore = (reason: string): ParsedActivity => ({ kind: 'ignore', reason, invoke });
  if (!activity.conversation?.id || !activity.from?.id) return ignore('incomplete_activity');
  if (!activity.id) return ignore('no_activity_id'); // without an id a redelivery cannot be recognised

  switch (activity.type) {
    case 'message': {
      const foreign = { kind: 'foreign' as const, invoke: false as const, ...(activity.locale ? { locale: activity.locale } : {}) };
      if (activity.value !== undefined && activity.value !== null) {
        const input = submitInput(activity.value);
        return input ? { kind: 'turn', turn: buildTurn(activity, input, receivedAt), invoke: false } : foreign;
      }
      // In a channel or group chat the bot answers only when it is @mentioned. With resource-specific
      // consent Teams delivers every message there; those are not for the bot.
      if (conversationKind(activity.conversation.conversationType) !== 'personal' && !mentionsBot(activity)) return ignore('no_mention');
      return { kind: 'turn', turn: buildTurn(activity, { kind: 'text', text: cleanText(activity.text ?? '', activity.entities, activity.recipient) }, receivedAt), invoke: false };
    }
    case 'invoke': {
      const kind = invokeKind(activity.name);
      if (!kind) return ignore(`invoke:${activity.name ?? '?'}`);
      const value = activity.value as { action?: { type?: string; data?: unknown; verb?: string }; data?: unknown } | undefined;
      // Action.Execute carries its data in `action`; a dialog's fetch and submit in `data`.
      const input = submitInput(kind === 'execute' ? value?.action?.data : value?.data);
      if (!input) return { kind: 'foreign', invoke: kind, ...(activity.locale ? { locale: activity.locale } : {}) };
      return { kind: 'turn', turn: buildTurn(activity, input, receivedAt), invoke: kind };
    }
    case 'conversationUpdate': {
      const botId = activity.recipient?.id;
      const added = activity.membersAdded ?? [];
      if (botId && added.some((m) => m.id === botId)) {
        return { kind: 'welcome', turn: buildTurn(activity, { kind: 'command', command: 'help', args: '' }, receivedAt) };
      }
      return ignore('conversation_update');
    }
    default:
      // installationUpdate, typing, messageReaction, messageUpdate/-Delete, event: nothing to answer
      return ignore(activity.type ?? 'no_type');
  }
}

function invokeKind(name: string | undefined): InvokeKind | null {
  if (name === INVOKE_CARD_ACTION) return 'execute';
  if (name === INVOKE_TASK_FETCH) return 'task/fetch';
  if (name === INVOKE_TASK_SUBMIT) return 'task/submit';
  return null;
}

/** The bot is @mentioned: a mention entity for it, or (a client that sends no entity) its name in `<at>`. */
export function mentionsBot(activity: Partial<Activity>): boolean {
  const bot = activity.recipient;
  if (!bot?.id) return false;
  const byEntity = (activity.entities ?? []).some((e) => e.type === 'mention' && (e as { mentioned?: { id?: string } }).mentioned?.id === bot.id);
  if (byEntity) return true;
  return !!bot.name && new RegExp(`<at>\\s*${escapeRegExp(bot.name)}\\s*</at>`, 'i').test(activity.text ?? '');
}

/** Data of an `Action.Submit`/`Action.Execute` from one of our cards; null for cards we did not send. */
export function submitInput(data: unknown): TurnInput | null {
  if (!isRecord(data)) return null;
  const action = data[SUBMIT_ACTION_KEY];
  if (typeof action === 'string' && action.length > 0) {
    // A choice list: the value is what was chosen in its Input.ChoiceSet (sent beside the data);
    // nothing chosen: the submit's own value (the card's language, render.ts).
    const choice = data[SUBMIT_CHOICE_KEY];
    const chosen = typeof choice === 'string' && CHOICE_INPUT.test(choice) ? data[choice] : undefined;
    const value = typeof chosen === 'string' && chosen !== '' ? chosen : data[SUBMIT_VALUE_KEY];
    return { kind: 'action', action, value: typeof value === 'string' ? value.slice(0, MAX_FORM_VALUE) : '' };
  }
  const formId = data[SUBMIT_FORM_KEY];
  if (typeof formId === 'string' && formId.length > 0) {
    const kinds = isRecord(data[SUBMIT_FIELDS_KEY]) ? (data[SUBMIT_FIELDS_KEY] as Record<string, unknown>) : {};
    const values: FormValues = Object.create(null) as FormValues;
    let n = 0;
    for (const [key, raw] of Object.entries(data)) {
      if (key === SUBMIT_FORM_KEY || key === SUBMIT_FIELDS_KEY || key === SUBMIT_STATE_KEY || key === 'msteams' || key === '__proto__') continue;
      if (++n > MAX_FORM_FIELDS) break;
      const v = formValue(raw, kinds[key]);
      if (v !== undefined) values[key] = v;
    }
    // Unticked toggles and empty choice sets are left out by some Teams clients: fill them in.
    for (const [key, kind] of Object.entries(kinds)) {
      if (values[key] !== undefined) continue;
      if (kind === 'checkbox') values[key] = false;
      if (kind === 'multiselect') values[key] = [];
    }
    const state = data[SUBMIT_STATE_KEY];
    return { kind: 'form', formId, values: { ...values }, ...(typeof state === 'string' ? { state } : {}) };
  }
  return null;
}

/** Teams sends every input as a string: a multiselect as `a,b`, a toggle as `true`/`false`. */
function formValue(raw: unknown, kind: unknown): FormValue | undefined {
  if (typeof raw === 'boolean') return raw;
  if (Array.isArray(raw)) return raw.filter((x): x is string => typeof x === 'string').map((x) => x.slice(0, MAX_FORM_VALUE));
  if (typeof raw !== 'string') return undefined;
  const s = raw.slice(0, MAX_FORM_VALUE);
  if (kind === 'multiselect') return s === '' ? [] : s.split(',');
  if (kind === 'checkbox') return s === 'true';
  return s;
}

/**
 * Longest bot name or mention text looked for. Real ones are a few dozen characters;
 * the bound keeps the work per `<at>` small when an activity carries a huge name.
 */
const MAX_MENTION_CHARS = 128;
/** Distinct mention texts of the bot removed: a message mentions the bot once or twice, not thousands of times. */
const MAX_BOT_MENTIONS = 8;

/**
 * The text as the user meant it: the bot's @mention removed (Teams puts
 * `<at>Bot name</at>` in the text and a mention entity next to it), other
 * mentions reduced to the plain name, and the HTML entities Teams uses decoded.
 *
 * Linear in the text (a 500 KB activity must not block the event loop): every step is
 * one pass, and nothing backtracks over a run of whitespace (see issue #16).
 */
export function cleanText(text: string, entities: Partial<Activity>['entities'], recipient: ChannelAccount | undefined): string {
  let t = text;
  for (const mention of botMentionTexts(entities, recipient)) t = t.split(mention).join(' ');
  // A client that sent no mention entity still wraps the bot name in <at>; other names stay as plain text.
  const name = typeof recipient?.name === 'string' ? recipient.name.trim() : '';
  if (name && name.length <= MAX_MENTION_CHARS) {
    // The name starts and ends with a non-space, so `\s*` on either side cannot trade characters with it.
    t = t.replace(new RegExp(`<at>\\s*${escapeRegExp(name)}\\s*</at>`, 'gi'), ' ');
  }
  t = unwrapMentions(t);
  t = t
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  // `@IBP-bot, wat is…` leaves a leading comma or colon behind.
  return tidyWhitespace(t).trim().replace(/^[,:;]\s*/, '');
}

/**
 * A run of whitespace with a line break becomes one line break; elsewhere, spaces and
 * tabs become one space (other whitespace stays). The same as replacing `[ \t]+` with a
 * space and then `\s*\n\s*` with a line break, in one pass: that second regex backtracked
 * over a run from every position in it, quadratic on a run of U+2003.
 */
function tidyWhitespace(t: string): string {
  const parts: string[] = [];
  let copied = 0;
  for (let i = 0; i < t.length; i++) {
    if (!isWhitespace(t.charCodeAt(i))) continue;
    let end = i;
    let newline = false;
    let spaces = false; // a tab, or two spaces or tabs in a row: to become one space
    for (; end < t.length; end++) {
      const c = t.charCodeAt(end);
      if (!isWhitespace(c)) break;
      if (c === 0x0a) newline = true;
      else if (c === 0x09 || (c === 0x20 && end > i && (t.charCodeAt(end - 1) === 0x20 || t.charCodeAt(end - 1) === 0x09))) spaces = true;
    }
    const unchanged = newline ? end - i === 1 : !spaces;
    if (!unchanged) {
      parts.push(t.slice(copied, i), newline ? '\n' : t.slice(i, end).replace(/[ \t]+/g, ' '));
      copied = end;
    }
    i = end - 1;
  }
  if (parts.length === 0) return t;
  parts.push(t.slice(copied));
  return parts.join('');
}

/** The texts of the mention entities that mention the bot itself, distinct and bounded. */
function botMentionTexts(entities: Partial<Activity>['entities'], recipient: ChannelAccount | undefined): Set<string> {
  const out = new Set<string>();
  if (!recipient?.id || !Array.isArray(entities)) return out;
  for (const e of entities) {
    if (out.size >= MAX_BOT_MENTIONS) break;
    if (e?.type !== 'mention') continue;
    const m = e as { mentioned?: { id?: string }; text?: string };
    if (m.mentioned?.id === recipient.id && typeof m.text === 'string' && m.text !== '' && m.text.length <= MAX_MENTION_CHARS) out.add(m.text);
  }
  return out;
}

/**
 * `<at>Name</at>` -> `Name`: what `/<at>([\s\S]*?)<\/at>/gi` does, in one pass over the tags.
 * That regex scanned to the end of the text from every unclosed `<at>` (quadratic);
 * here an `<at>` waits for the next `</at>`, and one that is never closed stays as typed.
 */
function unwrapMentions(t: string): string {
  const parts: string[] = [];
  let copied = 0;
  let open = -1;
  for (let i = t.indexOf('<'); i >= 0; i = t.indexOf('<', i + 1)) {
    const tag = atTagAt(t, i);
    if (tag === 'open') {
      if (open < 0) open = i;
    } else if (tag === 'close' && open >= 0) {
      parts.push(t.slice(copied, open), t.slice(open + 4, i));
      copied = i + 5;
      open = -1;
    }
  }
  if (parts.length === 0) return t;
  parts.push(t.slice(copied));
  return parts.join('');
}

/** `<at>` or `</at>` (any case, as the `i` flag matched them) at index i. */
function atTagAt(t: string, i: number): 'open' | 'close' | undefined {
  const close = t.charCodeAt(i + 1) === 0x2f; // '/'
  const j = close ? i + 2 : i + 1;
  // `c | 0x20` is 0x61 only for 'a' and 'A', and 0x74 only for 't' and 'T': the case folding the `i` flag did.
  if ((t.charCodeAt(j) | 0x20) !== 0x61 || (t.charCodeAt(j + 1) | 0x20) !== 0x74 || t.charCodeAt(j + 2) !== 0x3e) return undefined;
  return close ? 'close' : 'open';
}

function buildTurn(activity: Partial<Activity>, input: TurnInput, receivedAt: Date): Turn {
  const from = activity.from!;
  const conversation = activity.conversation!;
  const { baseId, threadId } = splitConversationId(conversation.id);
  const tenantId = tenantOf(activity);
  const aad = from.aadObjectId;
  return {
    id: activity.id!,
    platform: 'teams',
    user: {
      id: from.id,
      ...(from.name ? { name: from.name } : {}),
      ...(activity.locale ? { locale: activity.locale } : {}),
      ...(aad ? { aadObjectId: aad } : {}),
      ...(from.role === 'bot' || (activity.recipient?.id !== undefined && from.id === activity.recipient.id) ? { isBot: true } : {}),
    },
    conversation: {
      id: baseId,
      kind: conversationKind(conversation.conversationType),
      ...(threadId ? { threadId } : {}),
      ...(tenantId ? { teamId: tenantId } : {}),
      ...channelName(activity),
    },
    input,
    receivedAt,
  };
}

/**
 * A channel's name as Teams gives it: "<team> › <channel>". Teams leaves the name of a
 * team's first channel (General) out; then the team's name says enough. Personal and
 * group chats get none: their names are the names of people.
 */
function channelName(activity: Partial<Activity>): { name?: string } {
  if (conversationKind(activity.conversation?.conversationType) !== 'channel') return {};
  const cd = activity.channelData as { team?: { name?: unknown }; channel?: { name?: unknown } } | undefined;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && cleanName(v) !== '' ? cleanName(v) : undefined);
  const team = text(cd?.team?.name);
  const channel = text(cd?.channel?.name) ?? text(activity.conversation?.name);
  const name = team && channel ? `${team} › ${channel}` : (channel ?? team);
  return name ? { name } : {};
}

export function conversationKind(conversationType: string | undefined): ConversationKind {
  if (conversationType === 'channel') return 'channel';
  if (conversationType === 'groupChat') return 'group';
  return 'personal';
}

/** Channel replies arrive in `19:…@thread.tacv2;messageid=123`: the channel and the thread (root post) id. */
export function splitConversationId(id: string): { baseId: string; threadId?: string } {
  const m = /^(.*?);messageid=(\d+)$/.exec(id);
  return m ? { baseId: m[1]!, threadId: m[2]! } : { baseId: id };
}

export function tenantOf(activity: Partial<Activity>): string | undefined {
  const cd = activity.channelData as { tenant?: { id?: string } } | undefined;
  return cd?.tenant?.id ?? activity.conversation?.tenantId ?? undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
