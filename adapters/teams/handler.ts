import { ActivityTypes, StatusCodes, TurnContext, type Activity, type InvokeResponse } from 'botbuilder';
import type { Bot, BotResult } from '../../src/core/bot.js';
import { simpleReply } from '../../src/core/answer.js';
import type { ProactiveResult } from '../../src/core/outbox.js';
import type { Reply } from '../../src/core/reply.js';
import type { Locale, Turn } from '../../src/domain/turn.js';
import type { Logger } from '../../src/log.js';
import type { Store } from '../../src/store/types.js';
import { parseActivity, tenantOf } from './parse.js';
import { renderCard, type RenderOptions } from './render.js';
import { replyActivity, storedReference } from './send.js';
import { teamsStrings } from './strings.js';

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
  /** A 1:1 message to a user, created from a reference of the current conversation. */
  sendPrivate: (userId: string, reference: Record<string, unknown>, reply: Reply) => Promise<ProactiveResult>;
}

export function createTurnHandler(deps: TurnHandlerDeps): (ctx: TurnContext) => Promise<void> {
  return async (ctx) => {
    const parsed = parseActivity(ctx.activity, deps.now());
    if (parsed.kind === 'ignore') {
      deps.log.debug({ platform: 'teams', reason: parsed.reason }, 'teams: activity ignored');
      if (parsed.invoke) await ctx.sendActivity(invokeResponse({ status: StatusCodes.OK }));
      return;
    }
    const { turn } = parsed;
    if (!turn.user.isBot) await saveReference(deps, ctx.activity, turn);
    const result = await deps.bot.handle(turn);
    await deliver(deps, ctx, turn, result, parsed.kind === 'turn' && parsed.invoke);
  };
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
  const reference = storedReference(TurnContext.getConversationReference(activity), tenantId);
  const { id, kind, threadId, teamId } = turn.conversation;
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
          data: r.data,
        },
        deps.now(),
      );
    }
  } catch (err) {
    deps.log.error({ err, platform: 'teams' }, 'teams: could not store the conversation reference');
  }
}

async function deliver(deps: TurnHandlerDeps, ctx: TurnContext, turn: Turn, result: BotResult, invoke: boolean): Promise<void> {
  // Teams has no ephemeral messages: in a channel or group chat a private reply goes to a 1:1 chat.
  const shared = turn.conversation.kind !== 'personal';
  const privately = shared ? result.replies.filter((r) => r.private) : [];
  const replies = shared ? result.replies.filter((r) => !r.private) : [...result.replies];
  const formWithErrors = (r: Reply): boolean => r.blocks.some((b) => b.kind === 'form' && Object.keys(b.form.errors ?? {}).length > 0);

  if (invoke) {
    // Action.Execute: a form with errors replaces the card in place; anything else is posted as new messages.
    const first = replies[0];
    if (first && formWithErrors(first)) {
      replies.shift();
      await ctx.sendActivity(
        invokeResponse({
          status: StatusCodes.OK,
          body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: renderCard(first, deps.render) },
        }),
      );
    } else {
      const toast = teamsStrings(result.locale).actionDone;
      await ctx.sendActivity(invokeResponse({ status: StatusCodes.OK, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: toast } }));
    }
  } else if (turn.input.kind === 'form' && ctx.activity.replyToId) {
    // Action.Submit of a form: show the errors in the card that was submitted, when Teams lets us update it.
    const i = replies.findIndex(formWithErrors);
    if (i >= 0) {
      try {
        await ctx.updateActivity({ ...replyActivity(replies[i]!, deps.render), id: ctx.activity.replyToId });
        replies.splice(i, 1);
      } catch (err) {
        deps.log.warn({ err, platform: 'teams' }, 'teams: could not update the form card; sending a new one');
      }
    }
  }
  if (privately.length > 0) replies.push(...(await sendPrivately(deps, ctx, turn, privately, result.locale)));
  if (replies.length === 0) return;
  try {
    await ctx.sendActivities(replies.map((r) => replyActivity(r, deps.render)));
  } catch (err) {
    // Logged here; no rethrow: a 500 would make Teams redeliver, and the redelivery is dropped as a duplicate anyway.
    deps.log.error({ err, platform: 'teams', route: result.route }, 'teams: could not send the reply');
  }
}

/**
 * Private replies from a channel or group chat, as 1:1 messages. Returns what to
 * post in the conversation itself: a hint when a form went to the 1:1 chat, or a
 * short notice when the 1:1 chat could not be reached (never the private content).
 */
async function sendPrivately(deps: TurnHandlerDeps, ctx: TurnContext, turn: Turn, privately: Reply[], locale: Locale): Promise<Reply[]> {
  const t = teamsStrings(locale);
  const reference = storedReference(TurnContext.getConversationReference(ctx.activity), tenantOf(ctx.activity));
  for (const r of privately) {
    const res = await deps.sendPrivate(turn.user.id, reference, r);
    if (!res.ok) {
      deps.log.warn({ platform: 'teams', reason: res.reason }, 'teams: private reply could not be sent 1:1');
      return [simpleReply(locale, t.privateFailed)];
    }
  }
  return privately.some((r) => r.blocks.some((b) => b.kind === 'form')) ? [simpleReply(locale, t.sentPrivately)] : [];
}

function invokeResponse(value: InvokeResponse): Partial<Activity> {
  return { type: ActivityTypes.InvokeResponse, value };
}
