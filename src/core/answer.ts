import { randomBytes } from 'node:crypto';
import { messages } from '../i18n/index.js';
import type { KnowledgeBase } from '../knowledge/base.js';
import type { SearchHit } from '../knowledge/search.js';
import type { KnowledgeEntry } from '../knowledge/types.js';
import { isSafeUrl } from '../domain/richtext.js';
import { block, reply, type Block, type Button, type Reply } from './reply.js';
import type { Locale } from '../domain/turn.js';

export const ACTION_TOPIC = 'topic';
export const ACTION_FEEDBACK = 'feedback';
export const ACTION_ASK = 'ask';
export const MAX_SEE_ALSO = 3;
export const MAX_SUGGESTIONS = 3;

function entryTitle(e: KnowledgeEntry, locale: Locale): string {
  return locale === 'en' ? e.title_en : e.title;
}

/** A gap id as it may travel in a button value (ours are UUIDs or `not-helpful:<answer id>`). */
const GAP_ID = /^[A-Za-z0-9:_-]{1,100}$/;

/**
 * `topic` button value: the entry id, optionally with a forced locale (`zekerheid-7|nl`)
 * and, for a "Bedoelde je…" suggestion, the knowledge gap it answers (`ibp||<gap id>`),
 * so the press is recorded on that gap.
 */
export function topicValue(id: string, locale?: Locale, gapId?: string): string {
  if (gapId) return `${id}|${locale ?? ''}|${gapId}`;
  return locale ? `${id}|${locale}` : id;
}

export function parseTopicValue(value: string): { id: string; locale?: Locale; gapId?: string } {
  const [id = '', loc, gap] = value.split('|');
  return {
    id,
    ...(loc === 'nl' || loc === 'en' ? { locale: loc } : {}),
    ...(gap && GAP_ID.test(gap) ? { gapId: gap } : {}),
  };
}

export type FeedbackChoice = 'helpful' | 'not_helpful';

/** A new answer's id: feedback counts once per answer per person. */
export function newAnswerId(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * `feedback` button value: `<entry>|<helpful|not_helpful>|<answer id>|<locale>|<question>`.
 * The question is last and may itself hold `|`: the feedback is stored with it, and a
 * "niet nuttig" becomes a knowledge gap with it (no store record is kept per answer).
 */
export function feedbackValue(entryId: string, choice: FeedbackChoice, answerId: string, locale: Locale, question?: string): string {
  return `${entryId}|${choice}|${answerId}|${locale}${question ? `|${question}` : ''}`;
}

/** A feedback value; one from before answers had ids (`<entry>|<choice>`) has none, one from before questions travelled has no question. */
export function parseFeedbackValue(value: string): { entryId: string; choice: FeedbackChoice; answerId?: string; locale?: Locale; question?: string } | null {
  let rest = value;
  const parts: string[] = [];
  for (let i = 0; i < 4; i++) {
    const bar = rest.indexOf('|');
    if (bar < 0) break;
    parts.push(rest.slice(0, bar));
    rest = rest.slice(bar + 1);
  }
  parts.push(rest);
  const [entryId = '', choice, answerId, locale, question] = parts;
  if (!entryId || (choice !== 'helpful' && choice !== 'not_helpful')) return null;
  return {
    entryId,
    choice,
    ...(answerId && /^[A-Za-z0-9_-]{1,64}$/.test(answerId) ? { answerId } : {}),
    ...(locale === 'nl' || locale === 'en' ? { locale } : {}),
    ...(question && question.trim() ? { question } : {}),
  };
}

export interface AnswerCardOptions {
  /** The answer's id (a new one when absent). */
  answerId?: string;
  /** The asking person's feedback on it: the card thanks them and offers only the other choice. */
  chosen?: FeedbackChoice;
  /** The question this answers (bounded): it travels in the feedback buttons. */
  question?: string;
}

/**
 * The answer card: title, answer, source, up to three related topics ("Zie ook":
 * how cross-overs between opgaven and zekerheden show) and feedback buttons.
 * English replies show the English summary, with the full Dutch answer one click away.
 */
export function answerCard(kb: KnowledgeBase, entry: KnowledgeEntry, locale: Locale, opts: AnswerCardOptions = {}): Reply {
  const answerId = opts.answerId ?? newAnswerId();
  const t = messages(locale);
  const blocks: Block[] = [block.heading(entryTitle(entry, locale))];
  if (locale === 'en') {
    blocks.push(block.plain(entry.summary_en));
  } else {
    blocks.push(block.rich(entry.bodyRich));
  }
  // A seed name as source is for authors; only a URL is something a user can follow.
  if (entry.source && isSafeUrl(entry.source)) {
    blocks.push(block.links([{ label: `${t.answerSource}: ${new URL(entry.source).host}`, url: entry.source }]));
  }
  const actions: Button[] = [];
  if (locale === 'en') {
    actions.push({ label: t.readInDutch, action: ACTION_TOPIC, value: topicValue(entry.id, 'nl') });
  }
  const related = entry.related
    .map((id) => kb.get(id))
    .filter((e): e is KnowledgeEntry => e !== undefined)
    .slice(0, MAX_SEE_ALSO);
  if (actions.length > 0) blocks.push(block.buttons(actions));
  if (related.length > 0) {
    blocks.push(block.divider(), block.context(t.seeAlso));
    blocks.push(
      block.buttons(related.map((e) => ({ label: entryTitle(e, locale), action: ACTION_TOPIC, value: topicValue(e.id) }))),
    );
  }
  const yes = { action: ACTION_FEEDBACK, value: feedbackValue(entry.id, 'helpful', answerId, locale, opts.question) };
  const no = { action: ACTION_FEEDBACK, value: feedbackValue(entry.id, 'not_helpful', answerId, locale, opts.question) };
  if (opts.chosen === 'helpful') blocks.push(block.context(t.feedbackChosenYes), block.buttons([{ ...no, label: t.feedbackChangeNo }]));
  else if (opts.chosen === 'not_helpful') blocks.push(block.markdown(t.feedbackChosenNo), block.buttons([{ ...yes, label: t.feedbackChangeYes }]));
  else {
    blocks.push(block.context(t.feedbackQuestion));
    blocks.push(block.buttons([{ ...yes, label: t.feedbackYes }, { ...no, label: t.feedbackNo }]));
  }
  const summary = locale === 'en' ? entry.summary_en : entry.summary;
  return reply(locale, `${entryTitle(entry, locale)}: ${summary}`, blocks);
}

/** Low confidence: "Bedoelde je..." with up to three topics as buttons; a press is recorded on the gap `gapId`. */
export function suggestionsCard(hits: SearchHit[], locale: Locale, gapId?: string): Reply {
  const t = messages(locale);
  const top = hits.slice(0, MAX_SUGGESTIONS);
  return reply(locale, `${t.didYouMean} ${top.map((h) => entryTitle(h.entry, locale)).join(' / ')}`, [
    block.heading(t.didYouMean),
    block.markdown(t.didYouMeanIntro),
    block.buttons(top.map((h) => ({ label: entryTitle(h.entry, locale), action: ACTION_TOPIC, value: topicValue(h.entry.id, undefined, gapId) }))),
  ]);
}

/** No confident answer: say so honestly, and point to help. */
export function unknownCard(locale: Locale): Reply {
  const t = messages(locale);
  return reply(locale, `${t.unknownTitle}. ${t.unknownBody}`, [
    block.heading(t.unknownTitle),
    block.markdown(t.unknownBody),
    block.markdown(t.unknownHint),
  ]);
}

export function helpCard(locale: Locale): Reply {
  const t = messages(locale);
  return reply(locale, `${t.helpTitle} ${t.helpIntro}`, [
    block.heading(t.helpTitle),
    block.markdown(t.helpIntro),
    block.buttons(t.helpExamples.map((q) => ({ label: q, action: ACTION_ASK, value: q }))),
    block.markdown(t.helpCommands),
    block.context(t.helpPrivacy),
  ]);
}

/** A short reply of one Markdown message from the catalogue. */
export function simpleReply(locale: Locale, markdown: string, opts: { private?: boolean } = {}): Reply {
  return reply(locale, markdown.replace(/\*\*/g, ''), [block.markdown(markdown)], opts);
}
