import type { Bot, BotResult } from '../../src/core/bot.js';
import { simpleReply } from '../../src/core/answer.js';
import type { ProactiveResult } from '../../src/core/outbox.js';
import type { Reply } from '../../src/core/reply.js';
import { rememberCard } from '../../src/core/tracked.js';
import type { Locale, Turn } from '../../src/domain/turn.js';
import { localeFromTag, messages } from '../../src/i18n/index.js';
import type { Logger } from '../../src/log.js';
import type { Store } from '../../src/store/types.js';
import { adaptiveCardAttachment, conversationReference, type Activity } from './activity.js';
import { parseActivity, tenantOf, type InvokeKind } from './parse.js';
import { renderCard, type RenderOptions } from './render.js';
import { replyActivity, storedReference } from './send.js';
import { teamsStrings } from './strings.js';
import type { TurnIO } from './transport/index.js';

/**
 * One incoming Teams activity, start to end: parse -> store the conversation
 * reference -> core -> replies as Adaptive Cards (or an invoke response).
 */
export interface TurnHandlerDeps {
  bot: Bot;
  store: Store;
  log: Logger;
  now: () => Date;
  render: RenderOptions;
  /** The language of an answer to an activity the core never sees (a foreign card action) without a locale. */
  defaultLocale: Locale;
  /** A 1:1 message to a user, created from a reference of the current conversation. */
  sendPrivate: (userId: string, reference: Record<string, unknown>, reply: Reply) => Promise<ProactiveResult>;
}

export function createTurnHandler(deps: TurnHandlerDeps): (ctx: TurnIO) => Promise<void> {
  return async (ctx) => {
    const parsed = parseActivity(ctx.activity, deps.now());
    if (parsed.kind === 'ignore') {
      deps.log.debug({ platform: 'teams', reason: parsed.reason }, 'teams: activity ignored');
      if (parsed.invoke) await ctx.invokeResponse(200);
      return;
    }
    if (parsed.kind === 'foreign') {
      await answerForeign(deps, ctx, parsed.invoke, parsed.locale ? localeFromTag(parsed.locale, deps.defaultLocale) : deps.defaultLocale);
      return;
    }
    const { turn } = parsed;
    if (!turn.user.isBot) await saveReference(deps, ctx.activity, turn);
    const result = await deps.bot.handle(turn);
    await deliver(deps, ctx, turn, result, parsed.kind === 'turn' ? parsed.invoke : false);
  };
}

/**
 * A card action the bot cannot place (a card it did not send, or from an older version):
 * a short message, as the kind of action expects it, instead of an empty answer.
 */
async function answerForeign(deps: TurnHandlerDeps, ctx: TurnIO, invoke: InvokeKind | false, locale: Locale): Promise<void> {
  const text = messages(locale).foreignAction;
  deps.log.debug({ platform: 'teams', invoke }, 'teams: card action of a card the bot cannot place');
  if (invoke === 'execute') await ctx.invokeResponse(200, messageBody(text));
  else if (invoke) await ctx.invokeResponse(200, { task: { type: 'message', value: text } });
  else await send(deps, ctx, [simpleReply(locale, text)], 'foreign');
}

/** `teams:<conversation id>` plus `:<thread>` for a channel thread: the key proactive sends use. */
export function referenceKey(turn: Pick<Turn, 'conversation'>): string {
  return `teams:${turn.conversation.id}${turn.conversation.threadId ? `:${turn.conversation.threadId}` : ''}`;
}

/**
 * Upserts where this conversation can be reached later. A channel thread also
 * stores the channel itself, so later features can post new messages there.
 * A store failure is logged and the turn is still answered.
 */
async function saveReference(deps: TurnHandlerDeps, activity: Activity, turn: Turn): Promise<void> {
  // Not on form submissions: the conversation is known from the turn that showed the
  // form, and an anonymous report must leave no trace of who sent it, or when.
  if (turn.input.kind === 'form') return;
  const tenantId = tenantOf(activity);
  const reference = storedReference(conversationReference(activity), tenantId);
  const { id, kind, threadId, teamId, name } = turn.conversation;
  const records = [{ key: referenceKey(turn), threadId, data: reference }];
  if (threadId) {
    const conv = reference.conversation as Record<string, unknown>;
    records.push({ key: `teams:${id}`, threadId: undefined, data: { ...reference, conversation: { ...conv, id } } });
  }
  try {
    for (const r of records) {
      await deps.store.conversations.upsert(
        {
          key: r.key,
          platform: 'teams',
          conversationId: id,
          kind,
          ...(r.threadId ? { threadId: r.threadId } : {}),
          ...(teamId ? { teamId } : {}),
          ...(name ? { name } : {}),
          data: r.data,
        },
        deps.now(),
      );
    }
  } catch (err) {
    deps.log.error({ err, platform: 'teams' }, 'teams: could not store the conversation reference');
  }
}

const hasForm = (r: Reply): boolean => r.blocks.some((b) => b.kind === 'form');
const formWithErrors = (r: Reply): boolean => r.blocks.some((b) => b.kind === 'form' && Object.keys(b.form.errors ?? {}).length > 0);
/** A reply that is one short message (no buttons, no form): what fits in an invoke's message answer. */
const plainText = (r: Reply): boolean => r.blocks.every((b) => b.kind === 'text' || b.kind === 'context');
const take = (list: Reply[], r: Reply | undefined): Reply | undefined => {
  if (r) list.splice(list.indexOf(r), 1);
  return r;
};

/**
 * The core's replies, as Teams wants them. An invoke is answered in the HTTP response
 * (Action.Execute: the updated card or a short message; a dialog: its form, or what
 * follows it). A reply that replaces its source card updates the card the action came
 * from. Private replies in a channel go to a 1:1 chat; the rest are posted here.
 */
async function deliver(deps: TurnHandlerDeps, ctx: TurnIO, turn: Turn, result: BotResult, invoke: InvokeKind | false): Promise<void> {
  // Teams has no ephemeral messages: in a channel or group chat a private reply goes to a 1:1 chat.
  const shared = turn.conversation.kind !== 'personal';
  // Private content never takes the place of a card everyone sees.
  const replies = result.replies.map((r) => (shared && r.private && r.replacesSource ? { ...r, replacesSource: false } : r));
  const locale = result.locale;

  if (invoke === 'task/fetch') {
    // A button that opens a form: the form in a dialog, where the button was pressed.
    const form = take(replies, replies.find(hasForm));
    if (form) await ctx.invokeResponse(200, dialogBody(form, deps.render));
    else {
      const note = take(replies, replies.find((r) => plainText(r) && !r.replacesSource));
      await ctx.invokeResponse(200, { task: { type: 'message', value: note?.fallbackText ?? teamsStrings(locale).actionDone } });
    }
  } else if (invoke === 'task/submit') {
    // Errors: the dialog stays open with them; otherwise it closes (with a short message, if there is one for this person only).
    const again = take(replies, replies.find(formWithErrors));
    if (again) await ctx.invokeResponse(200, dialogBody(again, deps.render));
    else {
      const note = take(replies, replies.find((r) => r.private && plainText(r) && !r.replacesSource));
      await ctx.invokeResponse(200, note ? { task: { type: 'message', value: note.fallbackText } } : undefined);
    }
  } else if (invoke === 'execute') {
    // Action.Execute: the card in the response replaces the one that was pressed; a short private answer becomes the toast.
    const card = take(replies, replies.find((r) => r.replacesSource)) ?? take(replies, replies.find(formWithErrors));
    if (card) {
      await ctx.invokeResponse(200, { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: renderCard(card, deps.render) });
      if (card.track && ctx.activity.replyToId) await rememberCard(deps, card, referenceKey(turn), ctx.activity.replyToId);
    } else {
      const note = take(replies, replies.find((r) => r.private && plainText(r)));
      await ctx.invokeResponse(200, messageBody(note?.fallbackText ?? teamsStrings(locale).actionDone));
    }
  }

  // Action.Submit (and a dialog's source card): update the card the action came from, when Teams lets us.
  const source = invoke === 'execute' ? undefined : ctx.activity.replyToId;
  for (const r of replies.filter((x) => x.replacesSource || (source && turn.input.kind === 'form' && formWithErrors(x)))) {
    if (!source) break;
    try {
      await ctx.update(source, replyActivity(r, deps.render));
      replies.splice(replies.indexOf(r), 1);
      if (r.track) await rememberCard(deps, r, referenceKey(turn), source);
    } catch (err) {
      deps.log.warn({ err, platform: 'teams' }, 'teams: could not update the card; sending a new one');
    }
  }

  const privately = shared ? replies.filter((r) => r.private) : [];
  const here = shared ? replies.filter((r) => !r.private) : replies;
  if (privately.length > 0) {
    // Typed in a channel and answered in a 1:1 chat: say so in the thread.
    const typed = turn.input.kind === 'text' || turn.input.kind === 'command';
    here.push(...(await sendPrivately(deps, ctx, turn, privately, locale, typed)));
  }
  await send(deps, ctx, here, result.route, turn);
}

/** Posts replies in this conversation; tracked cards are remembered where they landed. Failures are logged. */
async function send(deps: TurnHandlerDeps, ctx: TurnIO, replies: Reply[], route: string, turn?: Turn): Promise<void> {
  if (replies.length === 0) return;
  try {
    const sent = await ctx.send(replies.map((r) => replyActivity(r, deps.render)));
    if (turn) for (const [i, r] of replies.entries()) if (r.track) await rememberCard(deps, r, referenceKey(turn), sent[i]);
  } catch (err) {
    // Logged here; no rethrow: a 500 would make Teams redeliver, and the redelivery is dropped as a duplicate anyway.
    deps.log.error({ err, platform: 'teams', route }, 'teams: could not send the reply');
  }
}

/** A form as a Teams dialog (task module). */
function dialogBody(form: Reply, render: RenderOptions): Record<string, unknown> {
  const title = form.blocks.find((b): b is Extract<typeof b, { kind: 'form' }> => b.kind === 'form')?.form.title ?? form.fallbackText;
  return { task: { type: 'continue', value: { title: title.slice(0, 100), width: 'medium', height: 'medium', card: adaptiveCardAttachment(renderCard(form, render)) } } };
}

/** Action.Execute's answer when there is no card to show: a short message (a toast). */
function messageBody(text: string): Record<string, unknown> {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text.replace(/\*\*/g, '') };
}

/**
 * Private replies from a channel or group chat, as 1:1 messages. Returns what to
 * post in the conversation itself: a hint when a form went to the 1:1 chat, or a
 * short notice when the 1:1 chat could not be reached (never the private content).
 */
async function sendPrivately(deps: TurnHandlerDeps, ctx: TurnIO, turn: Turn, privately: Reply[], locale: Locale, typed: boolean): Promise<Reply[]> {
  const t = teamsStrings(locale);
  const reference = storedReference(conversationReference(ctx.activity), tenantOf(ctx.activity));
  for (const r of privately) {
    const res = await deps.sendPrivate(turn.user.id, reference, r);
    if (!res.ok) {
      deps.log.warn({ platform: 'teams', reason: res.reason }, 'teams: private reply could not be sent 1:1');
      return [simpleReply(locale, t.privateFailed)];
    }
  }
  return typed || privately.some(hasForm) ? [simpleReply(locale, t.sentPrivately)] : [];
}
