import { createHash } from 'node:crypto';
import { messages } from '../i18n/index.js';
import type { Platform } from '../domain/turn.js';
import { cleanText, truncateText } from '../domain/text.js';
import {
  ACTION_ASK, ACTION_FEEDBACK, ACTION_TOPIC, MAX_SUGGESTIONS, answerCard, helpCard, parseFeedbackValue, parseTopicValue, simpleReply, suggestionsCard, unknownCard,
} from './answer.js';
import type { Feature, RouteResult, TurnContext } from './context.js';
import { replacing } from './reply.js';

/** Longest question stored as a knowledge gap (or with feedback); the rest is not needed to see what was asked. */
export const MAX_GAP_TEXT = 500;

/** A question as it is stored with a gap or feedback (and carried in feedback buttons): cleaned, trimmed, bounded. */
export function gapQuestion(text: string): string {
  return truncateText(cleanText(text).trim(), MAX_GAP_TEXT).trim();
}

/** The gap of an answer someone found not helpful: one per answer, however often it is pressed. */
export const notHelpfulGapId = (answerId: string): string => `not-helpful:${answerId}`;

/**
 * Free text that is no command, greeting or thanks: search the knowledge base. Every miss
 * teaches: "Bedoelde je…" and "weet ik niet" are stored as knowledge gaps with their
 * outcome and what was offered (never who asked).
 */
export async function answerQuestion(ctx: TurnContext, question: string): Promise<RouteResult> {
  const { knowledge, store, now } = ctx.deps;
  const result = knowledge.search(question);
  const top = result.hits[0];
  const text = gapQuestion(question);
  if (result.confidence === 'answer' && top) {
    return { replies: [answerCard(knowledge, top.entry, ctx.locale, { question: text })], outcome: 'answered' };
  }
  const suggest = result.confidence === 'suggest' && result.hits.length > 0;
  const offered = suggest ? result.hits.slice(0, MAX_SUGGESTIONS).map((h) => h.entry.id) : [];
  const gap = await store.gaps.add({
    text, locale: ctx.locale, platform: ctx.turn.platform, at: now().toISOString(), outcome: suggest ? 'suggested' : 'unknown', offered,
  });
  if (suggest) return { replies: [suggestionsCard(result.hits, ctx.locale, gap.id)], outcome: 'suggested' };
  return { replies: [unknownCard(ctx.locale)], outcome: 'unknown' };
}

/**
 * A topic button: the entry's answer. A "Bedoelde je…" suggestion names its gap: the
 * pick is recorded there, and the answer carries the question that was asked.
 */
async function showTopic(ctx: TurnContext, value: string): Promise<RouteResult> {
  const { id, locale, gapId } = parseTopicValue(value);
  const entry = ctx.deps.knowledge.get(id);
  const loc = locale ?? ctx.locale;
  if (!entry) return { replies: [simpleReply(loc, messages(loc).unknownTopic)], outcome: 'invalid' };
  // Only a suggestion its gap offered counts (and says what was asked): a forged gap id
  // neither records a pick nor shows another gap's question.
  const gap = gapId ? await ctx.deps.store.gaps.get(gapId) : undefined;
  const picked = gap?.outcome === 'suggested' && await ctx.deps.store.gaps.recordPick(gap.id, entry.id);
  return { replies: [answerCard(ctx.deps.knowledge, entry, loc, picked ? { question: gap.text } : {})], outcome: 'answered' };
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
  const question = parsed.question ? gapQuestion(parsed.question) : '';
  const at = ctx.deps.now().toISOString();
  await ctx.deps.store.feedback.add({
    entryId: parsed.entryId, value: parsed.choice, platform: turn.platform, at, answerId, voter: voterKeyOf(turn.platform, turn.user.id),
    ...(question ? { question } : {}),
  });
  if (parsed.choice === 'not_helpful') {
    // Every miss teaches: the answer becomes a knowledge gap (once per answer). A card from
    // before questions travelled in its buttons has only its entry to say what was asked.
    await ctx.deps.store.gaps.add({
      id: notHelpfulGapId(answerId), text: question || (ctx.locale === 'en' ? entry.title_en : entry.title), locale: parsed.locale ?? ctx.locale,
      platform: turn.platform, at, outcome: 'not-helpful', offered: [entry.id],
    });
  }
  if (turn.conversation.kind === 'personal' && parsed.answerId) {
    const locale = parsed.locale ?? ctx.locale;
    const card = answerCard(ctx.deps.knowledge, entry, locale, { answerId: parsed.answerId, chosen: parsed.choice, ...(question ? { question } : {}) });
    return { replies: [replacing(card)], outcome: 'feedback' };
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
