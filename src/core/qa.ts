import { messages } from '../i18n/index.js';
import { ACTION_ASK, ACTION_FEEDBACK, ACTION_TOPIC, answerCard, helpCard, parseTopicValue, simpleReply, suggestionsCard, unknownCard } from './answer.js';
import type { Feature, RouteResult, TurnContext } from './context.js';
import type { FeedbackValue } from '../store/types.js';

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

async function feedback(ctx: TurnContext, value: string): Promise<RouteResult> {
  const [entryId = '', raw] = value.split('|');
  const t = messages(ctx.locale);
  const fb: FeedbackValue | null = raw === 'helpful' || raw === 'not_helpful' ? raw : null;
  if (!fb || !ctx.deps.knowledge.get(entryId)) {
    return { replies: [simpleReply(ctx.locale, t.unknownAction)], outcome: 'invalid' };
  }
  await ctx.deps.store.feedback.add({ entryId, value: fb, platform: ctx.turn.platform, at: ctx.deps.now().toISOString() });
  return {
    replies: [simpleReply(ctx.locale, fb === 'helpful' ? t.feedbackThanksYes : t.feedbackThanksNo, { private: true })],
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
