import { messages } from '../../i18n/index.js';
import { parseCommand } from '../commands.js';
import type { TurnContext } from '../context.js';
import { block, reply, type Reply } from '../reply.js';
import { ACTION_STEP } from './cards.js';

/**
 * During a step-by-step reflection, free text is the answer. A message that looks like a
 * question to the bot is not stored as one unasked: the person says whether it is their
 * answer or a question ("Is dit je antwoord, of wil je dit vragen?").
 */

/** Longer messages are answers: a question to the bot is short (and the text must fit in a button's value). */
export const GUARD_MAX_CHARS = 300;

const QUESTION_WORDS = new Set([
  'wat', 'wie', 'waar', 'wanneer', 'waarom', 'hoe', 'welke', 'welk', 'hoeveel', 'waarvoor', 'waarmee', 'kan', 'kun', 'kunnen', 'mag', 'moet', 'is', 'zijn', 'heeft', 'hebben', 'wordt', 'bestaat',
  'what', 'who', 'where', 'when', 'why', 'how', 'which', 'can', 'could', 'is', 'are', 'do', 'does', 'should',
]);

function firstWord(text: string): string {
  let i = 0;
  while (i < text.length && /[\p{L}'’]/u.test(text[i]!)) i++;
  return text.slice(0, i).toLowerCase();
}

/**
 * A command (typed without `/`; with one it takes its normal route already), or a
 * question (ends with "?" or starts with a question word) that the knowledge base has an
 * answer or suggestion for.
 */
export function looksLikeQuestion(ctx: TurnContext, text: string): boolean {
  const t = text.trim();
  if (t === '' || t.length > GUARD_MAX_CHARS) return false;
  if (parseCommand(t)) return true;
  if (!t.endsWith('?') && !QUESTION_WORDS.has(firstWord(t))) return false;
  return ctx.deps.knowledge.search(t).confidence !== 'none';
}

/** `answer|<step>|<text>` and `ask|<step>|<text>`: the text last, it may hold `|`. */
export function guardValue(kind: 'answer' | 'ask', step: number, text: string): string {
  return `${kind}|${step}|${text}`;
}

/** The question: the message (as plain text, never parsed) and the two choices. */
export function guardCard(ctx: TurnContext, step: number, text: string): Reply {
  const t = messages(ctx.locale).reflectie;
  return reply(ctx.locale, `${t.guardQuestion} ${text}`, [
    block.plain(text),
    block.markdown(t.guardQuestion),
    block.buttons([
      { label: t.guardAnswerButton, action: ACTION_STEP, value: guardValue('answer', step, text) },
      { label: t.guardAskButton, action: ACTION_STEP, value: guardValue('ask', step, text) },
    ]),
  ], { private: true });
}
