import { createHash } from 'node:crypto';
import { messages } from '../i18n/index.js';
import type { Platform } from '../domain/turn.js';
import {
  ACTION_ASK, ACTION_FEEDBACK, ACTION_TOPIC, answerCard, helpCard, parseFeedbackValue, parseTopicValue, simpleReply, suggestionsCard, unknownCard,
} from './answer.js';
import type { Feature, RouteResult, TurnContext } from './context.js';
import { replacing } from './reply.js';

/** Longest question stored as a knowledge gap; the rest is not needed to see what was asked. */
export const MAX_GAP_TEXT = 500;

/** Free text that is no command, greeting or thanks: search the knowledge base. */
export async function answerQuestion(ctx: TurnContext, question: string): Promise<RouteResult> {
  const { knowledge, store, now } = ctx.deps;
  const result = knowledge.search(question);
  const top = result.hits[0];
  if (result.confidence === 'answer' && top) {
    return { replies: [answerCard(knowledge, top.entry, ctx.locale)], outcome: 'answered' };
  }
  if (result.confidence === 'suggest' && result.hits.length > 0) {
    return { replies: [suggestionsCard(result.hits, ctx.locale)], outcome: 'suggested' };
  }
  // No identity: a knowledge gap is what was asked, when and where, never by whom.
  await store.gaps.add({
    text: question.trim().slice(0, MAX_GAP_TEXT),
    locale: ctx.locale,
    platform: ctx.turn.platform,
    at: now().toISOString(),
  });
  return { replies: [unknownCard(ctx.locale)], outcome: 'unknown' };
}

async function showTopic(ctx: TurnContext, value: string): Promise<RouteResult> {
  const { id, locale } = parseTopicValue(value);
  const entry = ctx.deps.knowledge.get(id);
  const loc = locale ?? ctx.locale;
  if (!entry) return { replies: [simpleReply(loc, messages(loc).unknownTopic)], outcome: 'invalid' };
  return { replies: [answerCard(ctx.deps.knowledge, entry, loc)], outcome: 'answered' };
}

/**
 * Who gave feedback, as a hash of their platform-qualified id (never the id): their
 * feedback counts once per answer, and `ibp-bot privacy` can find it.
 */
export function voterKeyOf(platform: Platform, userId: string): string {
  return createHash('sha256').update(`voter:${platform}:${userId}`).digest('base64url').slice(0, 32);
}

/**
 * "Had je hier iets aan?": once per answer per person; a later press changes the choice.
 * In a personal chat the answer card itself says what was chosen and offers only the
 * other choice; on a card many people see (a channel), it stays as it is for the others
 * and the thanks is private.
 */
async function feedback(ctx: TurnContext, value: string): Promise<RouteResult> {
  const t = messages(ctx.locale);
  const parsed = parseFeedbackValue(value);
  const entry = parsed ? ctx.deps.knowledge.get(parsed.entryId) : undefined;
  if (!parsed || !entry) return { replies: [simpleReply(ctx.locale, t.unknownAction)], outcome: 'invalid' };
  const { turn } = ctx;
  // An answer from before answers had ids: the entry stands for the answer.
  const answerId = parsed.answerId ?? `entry:${parsed.entryId}`;
  await ctx.deps.store.feedback.add({
    entryId: parsed.entryId, value: parsed.choice, platform: turn.platform, at: ctx.deps.now().toISOString(), answerId, voter: voterKeyOf(turn.platform, turn.user.id),
  });
  if (turn.conversation.kind === 'personal' && parsed.answerId) {
    const locale = parsed.locale ?? ctx.locale;
    return { replies: [replacing(answerCard(ctx.deps.knowledge, entry, locale, { answerId: parsed.answerId, chosen: parsed.choice }))], outcome: 'feedback' };
  }
  return {
    replies: [simpleReply(ctx.locale, parsed.choice === 'helpful' ? t.feedbackThanksYes : t.feedbackThanksNo, { private: true })],
    outcome: 'feedback',
  };
}

export const qaFeature: Feature = {
  name: 'qa',
  commands: {
    help: async (ctx) => ({ replies: [helpCard(ctx.locale)], outcome: 'command' }),
    // `/ibp <vraag>` in Slack: a question; `/ibp` alone: help.
    ibp: async (ctx, args) => (args ? answerQuestion(ctx, args) : { replies: [helpCard(ctx.locale)], outcome: 'command' }),
  },
  actions: {
    [ACTION_TOPIC]: showTopic,
    [ACTION_FEEDBACK]: feedback,
    [ACTION_ASK]: (ctx, value) => answerQuestion(ctx, value),
  },
};
