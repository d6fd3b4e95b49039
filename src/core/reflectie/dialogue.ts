import { createHash, randomUUID } from 'node:crypto';
import { messages } from '../../i18n/index.js';
import type { DialogueRecord } from '../../store/types.js';
import type { ReflectionAnswers } from '../../domain/reflection.js';
import { refHash } from '../../log.js';
import { simpleReply } from '../answer.js';
import type { RouteResult, TurnContext } from '../context.js';
import { recipientLocale } from '../conversation-language.js';
import { answerQuestion } from '../qa.js';
import { block, replacing, reply, type Block, type Button, type Reply } from '../reply.js';
import { conversationKey, type FormValues, type Platform, type Turn } from '../../domain/turn.js';
import { ACTION_STEP, sharedCard, summaryCard, summaryDoneCard } from './cards.js';
import { guardCard, looksLikeQuestion } from './guard.js';
import { ANSWER_MAX, opgaveOptions, reflectieForm, validateReflectie, zekerheidOptions } from './form.js';

/** A reflection in progress lives this long after its last change. */
export const DIALOGUE_TTL_MS = 24 * 60 * 60 * 1000;
export const STEPS = ['goed', 'beter', 'meenemen', 'opgave', 'zekerheid'] as const;
type Step = (typeof STEPS)[number];

const hash = (s: string): string => createHash('sha256').update(s).digest('base64url').slice(0, 32);
/** Who owns a dialogue, as a hash: the store never holds the platform id of a reflecting user. */
export const ownerOf = (turn: Turn): string => hash(`owner:${turn.platform}:${turn.user.id}`);
/** The author of a named reflection, as a hash (ReflectionRecord.authorKey): what `ibp-bot privacy` looks for. */
export const authorKeyOf = (platform: Platform, userId: string): string => hash(`author:${platform}:${userId}`);
/** One step-by-step dialogue per person per conversation. */
export const stepKey = (turn: Turn): string => `step:${hash(`${turn.platform}:${turn.user.id}:${turn.conversation.id}`)}`;
const draftKey = (id: string): string => `draft:${id}`;

function record(ctx: TurnContext, key: string, kind: DialogueRecord['kind'], shareKey: string, answers: ReflectionAnswers = {}, step = 0): DialogueRecord {
  const now = ctx.deps.now();
  return {
    key, kind, owner: ownerOf(ctx.turn), step, answers, shareKey, locale: ctx.locale,
    updatedAt: now.toISOString(), expiresAt: new Date(now.getTime() + DIALOGUE_TTL_MS).toISOString(),
  };
}

const ids = (ctx: TurnContext): { opgaven: string[]; zekerheden: string[] } => ({
  opgaven: opgaveOptions(ctx.deps.knowledge, ctx.locale).map((o) => o.value),
  zekerheden: zekerheidOptions(ctx.deps.knowledge, ctx.locale).map((o) => o.value),
});

/** Opens the form; the draft made here remembers who opened it and where sharing goes. */
export async function openForm(ctx: TurnContext, shareKey: string): Promise<RouteResult> {
  const id = randomUUID();
  await ctx.deps.store.dialogues.put(record(ctx, draftKey(id), 'draft', shareKey));
  const form = reflectieForm(ctx.deps.knowledge, ctx.locale, id);
  return { replies: [reply(ctx.locale, form.title, [block.form(form)], { private: true })], outcome: 'form' };
}

/**
 * Where a reflection may be shared: a channel or group chat. A personal chat is no place
 * to share in (and saying "Gedeeld in het kanaal" there would not be true).
 */
async function shareable(ctx: TurnContext, shareKey: string | undefined): Promise<boolean> {
  if (!shareKey) return false;
  const ref = await ctx.deps.store.conversations.get(shareKey);
  if (ref) return ref.kind !== 'personal';
  // No stored reference (the CLI, a test): what the turn itself says, when it is this conversation.
  return shareKey === conversationKey(ctx.turn) ? ctx.turn.conversation.kind !== 'personal' : true;
}

/** A reflection that may only be kept for now waits here, one per person, until they type `reflectie delen` in a channel. */
const laterId = (ctx: TurnContext): string => `later-${ownerOf(ctx.turn)}`;

/**
 * The filled-in reflection becomes a draft waiting for "keep / share", and its summary.
 * Started in a personal chat, the draft waits to be shared from a channel (`reflectie
 * delen`), and the summary says so instead of offering to share.
 */
async function summarize(ctx: TurnContext, answers: ReflectionAnswers, shareKey: string, replacedId?: string): Promise<Reply> {
  const { store } = ctx.deps;
  const canShare = await shareable(ctx, shareKey);
  const id = canShare ? (replacedId && !replacedId.startsWith('later-') ? replacedId : randomUUID()) : laterId(ctx);
  if (replacedId && replacedId !== id) await store.dialogues.remove(draftKey(replacedId));
  await store.dialogues.put(record(ctx, draftKey(id), 'draft', shareKey, answers, STEPS.length));
  return summaryCard(ctx.deps.knowledge, id, answers, ctx.locale, { shareable: canShare, named: ctx.turn.user.name !== undefined });
}

/** The form came back: errors next to the fields, or the summary with keep / share. */
export async function submitForm(ctx: TurnContext, values: FormValues, state?: string): Promise<RouteResult> {
  const { store } = ctx.deps;
  const now = ctx.deps.now();
  let draft = state ? await store.dialogues.get(draftKey(state), now) : undefined;
  if (draft && draft.owner !== ownerOf(ctx.turn)) draft = undefined;
  const id = draft && state ? state : randomUUID();
  const { opgaven, zekerheden } = ids(ctx);
  const checked = validateReflectie(values, opgaven, zekerheden, ctx.locale);
  if (!checked.ok) {
    if (!draft) await store.dialogues.put(record(ctx, draftKey(id), 'draft', conversationKey(ctx.turn)));
    const form = reflectieForm(ctx.deps.knowledge, ctx.locale, id, values as Partial<Record<keyof ReflectionAnswers, string>>, checked.errors);
    const t = messages(ctx.locale).reflectie;
    return { replies: [reply(ctx.locale, form.title, [block.markdown(t.errorsIntro), block.form(form)], { private: true, replacesSource: true })], outcome: 'invalid' };
  }
  const summary = await summarize(ctx, checked.value, draft?.shareKey ?? conversationKey(ctx.turn), id);
  // The summary takes the place of the form; the receipt says which draft a repeat of the form shows again.
  return { replies: [replacing(summary)], outcome: 'form', receipt: 'summary' };
}

/** The same reflection form sent again: its summary once more while it waits, or that it was dealt with. */
export async function formRepeated(ctx: TurnContext, _receipt: string, state?: string): Promise<RouteResult> {
  const now = ctx.deps.now();
  for (const id of [state, laterId(ctx)]) {
    if (!id) continue;
    const d = await ctx.deps.store.dialogues.get(draftKey(id), now);
    if (d && d.owner === ownerOf(ctx.turn)) {
      const card = summaryCard(ctx.deps.knowledge, id, d.answers, ctx.locale, { shareable: !id.startsWith('later-'), named: ctx.turn.user.name !== undefined });
      return { replies: [replacing(card)], outcome: 'repeated' };
    }
  }
  return { replies: [simpleReply(ctx.locale, messages(ctx.locale).reflectie.formRepeated, { private: true })], outcome: 'repeated' };
}

/** Takes the caller's own draft out of the store (atomic: a double click shares once). */
async function takeDraft(ctx: TurnContext, id: string): Promise<DialogueRecord | undefined> {
  const d = await ctx.deps.store.dialogues.take(draftKey(id), ctx.deps.now());
  if (d && d.owner !== ownerOf(ctx.turn)) {
    await ctx.deps.store.dialogues.put(d); // not theirs: put it back untouched
    return undefined;
  }
  return d;
}

const gone = (ctx: TurnContext): RouteResult => ({
  replies: [simpleReply(ctx.locale, messages(ctx.locale).reflectie.draftGone, { private: true })],
  outcome: 'invalid',
});

export async function keepPrivate(ctx: TurnContext, id: string): Promise<RouteResult> {
  const draft = await takeDraft(ctx, id);
  if (!draft) return gone(ctx);
  return { replies: [replacing(summaryDoneCard(ctx.deps.knowledge, draft.answers, ctx.locale, 'kept'))], outcome: 'command' };
}

/**
 * Shares in the channel where the reflection started. Anonymous: no user id or name
 * is stored, posted or logged (and the turn's log line has no user hash). Never in a
 * personal chat: there the person hears how to share it from a channel.
 */
export async function share(ctx: TurnContext, value: string): Promise<RouteResult> {
  const [id = '', mode] = value.split('|');
  const anonymous = mode !== 'named';
  const t = messages(ctx.locale).reflectie;
  const authorName = anonymous ? undefined : ctx.turn.user.name;
  if (!anonymous && !authorName) {
    // No name to share with (the platform gave none): only anonymous sharing is possible.
    return { replies: [simpleReply(ctx.locale, t.shareNoName, { private: true })], outcome: 'invalid' };
  }
  const draft = await takeDraft(ctx, id);
  if (!draft?.shareKey) return { ...gone(ctx), anonymous };
  if (!(await shareable(ctx, draft.shareKey))) {
    // A summary from a personal chat: keep the reflection waiting for `reflectie delen` in a channel.
    await ctx.deps.store.dialogues.put({ ...draft, key: draftKey(laterId(ctx)) });
    return { replies: [simpleReply(ctx.locale, t.shareNeedsChannel, { private: true })], outcome: 'invalid', anonymous };
  }
  const rec = { ...draft.answers, anonymous, ...(authorName ? { authorName } : {}) };
  const authorKey = anonymous ? undefined : authorKeyOf(ctx.turn.platform, ctx.turn.user.id);
  // In the channel's language (remembered, or set with `taal`); else the language the reflection was written in.
  const res = await ctx.deps.outbox.send(draft.shareKey, sharedCard(ctx.deps.knowledge, rec, await recipientLocale(ctx.deps.store, { conversation: draft.shareKey }, draft.locale, ctx.deps.log)));
  if (!res.ok) {
    await ctx.deps.store.dialogues.put(draft); // so the author can try again
    ctx.deps.log.warn({ ...(anonymous ? {} : { channel: refHash(draft.shareKey) }), reason: res.reason }, 'reflection could not be shared');
    return { replies: [simpleReply(ctx.locale, t.shareFailed, { private: true })], outcome: 'error', anonymous };
  }
  await ctx.deps.store.reflections.add({
    ...rec, ...(authorKey ? { authorKey } : {}), channelKey: draft.shareKey, platform: ctx.turn.platform, locale: draft.locale, createdAt: ctx.deps.now().toISOString(),
  });
  // Anonymous: not even the conversation is logged (a personal chat's key points to its owner).
  ctx.deps.log.info(anonymous ? { anonymous } : { channel: refHash(draft.shareKey), anonymous }, 'reflection shared');
  return { replies: [replacing(summaryDoneCard(ctx.deps.knowledge, draft.answers, ctx.locale, anonymous ? 'anon' : 'named'))], outcome: 'command', anonymous };
}

/**
 * `reflectie delen` in a channel: the reflection that waits since it was made in a personal
 * chat gets its summary here, to be shared in this channel (whoever types here is a member).
 */
export async function shareHere(ctx: TurnContext): Promise<RouteResult> {
  const t = messages(ctx.locale).reflectie;
  const here = conversationKey(ctx.turn);
  if (!(await shareable(ctx, here))) return { replies: [simpleReply(ctx.locale, t.shareNeedsChannel)], outcome: 'invalid' };
  const waiting = await takeDraft(ctx, laterId(ctx));
  if (!waiting) return { replies: [simpleReply(ctx.locale, t.shareNothingWaiting, { private: true })], outcome: 'invalid' };
  const summary = await summarize(ctx, waiting.answers, here);
  return { replies: [summary], outcome: 'command' };
}

// ---- step by step ----

function questionReply(ctx: TurnContext, step: number, prefix?: string): RouteResult {
  const t = messages(ctx.locale).reflectie;
  const name: Step = STEPS[step]!;
  const buttons: Button[] = [];
  // Every value names its step: a button of an earlier question changes nothing.
  if (name === 'opgave') buttons.push(...opgaveOptions(ctx.deps.knowledge, ctx.locale).map((o) => ({ label: o.label, action: ACTION_STEP, value: `opgave|${o.value}|${step}` })));
  if (name === 'zekerheid') buttons.push(...zekerheidOptions(ctx.deps.knowledge, ctx.locale).map((o) => ({ label: o.label, action: ACTION_STEP, value: `zekerheid|${o.value}|${step}` })));
  // Skip and stop in a block of their own: a platform that folds a long list of choices into one list keeps them in sight.
  const controls: Button[] = [{ label: t.skipButton, action: ACTION_STEP, value: `skip|${step}` }, { label: t.stopButton, action: ACTION_STEP, value: `stop|${step}` }];
  const blocks = [
    ...(prefix ? [block.markdown(prefix)] : []),
    block.context(t.stepProgress(step + 1, STEPS.length)),
    block.markdown(t.stepQuestion[name]),
    ...(buttons.length > 0 ? [block.buttons(buttons)] : []),
    block.buttons(controls),
    ...(step < 3 ? [block.context(t.stepHint)] : []),
  ];
  return { replies: [reply(ctx.locale, t.stepQuestion[name].replace(/\*\*/g, ''), blocks, { private: true })], outcome: 'command' };
}

/** A question card once it was answered by a button: the question and what was chosen, no buttons left. */
function answeredCard(ctx: TurnContext, step: number, answer: string): Reply {
  const t = messages(ctx.locale).reflectie;
  const name: Step = STEPS[step] ?? 'goed';
  const question = t.stepQuestion[name].replace(/\*\*/g, '');
  return replacing(reply(ctx.locale, `${question} ${answer}`, [block.context(t.stepProgress(step + 1, STEPS.length)), block.plain(question), block.context(answer)], { private: true }));
}

export async function startStepwise(ctx: TurnContext): Promise<RouteResult> {
  await ctx.deps.store.dialogues.put(record(ctx, stepKey(ctx.turn), 'stepwise', conversationKey(ctx.turn)));
  return questionReply(ctx, 0, messages(ctx.locale).reflectie.stepIntro);
}

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

function matchChoice(options: { value: string; label: string }[], text: string): string | undefined {
  const q = fold(text);
  if (!q) return undefined;
  const digit = /^(?:zekerheid\s*)?([1-7])\b/.exec(q)?.[1];
  return (
    options.find((o) => o.value === q || (digit && o.value === `zekerheid-${digit}`))?.value ??
    options.find((o) => fold(o.label).includes(q) || q.includes(o.value.replace(/^opgave-/, '')))?.value
  );
}

export type StepInput = { kind: 'text'; text: string } | { kind: 'skip' } | { kind: 'stop' } | { kind: 'choice'; step: string; value: string };

/** One answer in a step-by-step dialogue (typed text or a button). */
/**
 * One answer in a step-by-step dialogue (typed text or a button). A button's card is
 * replaced by what was chosen (`fromButton`), so only the current question has buttons.
 */
export async function answerStep(ctx: TurnContext, rec: DialogueRecord, input: StepInput, fromButton = false): Promise<RouteResult> {
  const result = await answerStepInner(ctx, rec, input);
  if (!fromButton || result.outcome === 'invalid') return result;
  const t = messages(ctx.locale).reflectie;
  const options = input.kind === 'choice' ? (input.step === 'opgave' ? opgaveOptions(ctx.deps.knowledge, ctx.locale) : zekerheidOptions(ctx.deps.knowledge, ctx.locale)) : [];
  const answer = input.kind === 'skip' ? t.stepSkipped : input.kind === 'stop' ? t.stepStoppedShort
    : t.stepAnswered(options.find((o) => input.kind === 'choice' && o.value === input.value)?.label ?? '');
  return { ...result, replies: [answeredCard(ctx, rec.step, answer), ...result.replies] };
}

async function answerStepInner(ctx: TurnContext, rec: DialogueRecord, input: StepInput): Promise<RouteResult> {
  const t = messages(ctx.locale).reflectie;
  const { store } = ctx.deps;
  if (input.kind === 'stop') {
    await store.dialogues.remove(rec.key);
    return { replies: [simpleReply(ctx.locale, t.stepStopped, { private: true })], outcome: 'command' };
  }
  const name = STEPS[rec.step];
  if (!name) {
    await store.dialogues.remove(rec.key);
    return { replies: [simpleReply(ctx.locale, t.stepNone, { private: true })], outcome: 'invalid' };
  }
  const answers = { ...rec.answers };
  if (input.kind === 'text') {
    if (name === 'opgave' || name === 'zekerheid') {
      const options = name === 'opgave' ? opgaveOptions(ctx.deps.knowledge, ctx.locale) : zekerheidOptions(ctx.deps.knowledge, ctx.locale);
      const v = matchChoice(options, input.text);
      if (!v) return questionReply(ctx, rec.step, t.stepChoose);
      answers[name] = v;
    } else {
      const text = input.text.replace(/\r\n?/g, '\n').trim();
      if ([...text].length > ANSWER_MAX) return questionReply(ctx, rec.step, t.errTooLong(ANSWER_MAX));
      answers[name] = text;
    }
  } else if (input.kind === 'choice') {
    const options = input.step === 'opgave' ? opgaveOptions(ctx.deps.knowledge, ctx.locale) : zekerheidOptions(ctx.deps.knowledge, ctx.locale);
    if (input.step !== name || !options.some((o) => o.value === input.value)) return { ...questionReply(ctx, rec.step, t.stepChoose), outcome: 'invalid' };
    answers[name] = input.value;
  }
  const next = rec.step + 1;
  if (next < STEPS.length) {
    await store.dialogues.put(record(ctx, rec.key, 'stepwise', rec.shareKey ?? conversationKey(ctx.turn), answers, next));
    return questionReply(ctx, next);
  }
  await store.dialogues.remove(rec.key);
  if (!answers.goed && !answers.beter && !answers.meenemen) {
    return { replies: [simpleReply(ctx.locale, t.stepNothing, { private: true })], outcome: 'command' };
  }
  return { replies: [await summarize(ctx, answers, rec.shareKey ?? conversationKey(ctx.turn))], outcome: 'command' };
}

const STOP = /^\/?(stop|stoppen|reflectie stop|reflectie stoppen)[.!]?$/i;
const SKIP = /^(overslaan|sla over|skip|volgende|next)[.!]?$/i;

/** While a step-by-step dialogue runs, the person's free text is the answer (a `/command` still works). */
export async function interceptStepText(ctx: TurnContext, text: string): Promise<RouteResult | null> {
  if (text.startsWith('/')) return null;
  const rec = await ctx.deps.store.dialogues.get(stepKey(ctx.turn), ctx.deps.now());
  if (!rec || rec.owner !== ownerOf(ctx.turn)) return null;
  const input: StepInput = STOP.test(text.trim()) ? { kind: 'stop' } : SKIP.test(text.trim()) ? { kind: 'skip' } : { kind: 'text', text };
  // A question to the bot is not taken as the answer unasked (guard.ts); a choice step's own choices are answers.
  if (input.kind === 'text' && looksLikeQuestion(ctx, text) && !choiceFor(ctx, rec.step, text)) {
    return { replies: [guardCard(ctx, rec.step, text.trim())], outcome: 'command' };
  }
  return answerStep(ctx, rec, input);
}

/** At a choice step (opgave, zekerheid): the choice the text names, if any. */
function choiceFor(ctx: TurnContext, step: number, text: string): string | undefined {
  const name = STEPS[step];
  if (name !== 'opgave' && name !== 'zekerheid') return undefined;
  return matchChoice(name === 'opgave' ? opgaveOptions(ctx.deps.knowledge, ctx.locale) : zekerheidOptions(ctx.deps.knowledge, ctx.locale), text);
}

/**
 * The person's choice on the guard card: "Dit is mijn antwoord" takes the text as the
 * answer and goes on; "Stel als vraag" answers it as a question and asks the current
 * reflection question again (the text is not stored).
 */
async function guardChoice(ctx: TurnContext, rec: DialogueRecord | undefined, kind: 'answer' | 'ask', text: string): Promise<RouteResult> {
  const t = messages(ctx.locale).reflectie;
  const settled = (lines: Block[]): Reply => replacing(reply(ctx.locale, text, lines, { private: true }));
  if (kind === 'ask') {
    const answer = await answerQuestion(ctx, text);
    const back = rec ? questionReply(ctx, rec.step, t.guardBack).replies : [];
    return { replies: [settled([block.context(t.guardAsked), block.plain(text)]), ...answer.replies, ...back], outcome: answer.outcome };
  }
  if (!rec) return { replies: [replacing(simpleReply(ctx.locale, t.stepNone, { private: true }))], outcome: 'invalid' };
  const result = await answerStep(ctx, rec, { kind: 'text', text });
  return { ...result, replies: [settled([block.plain(text), block.context(t.guardKept)]), ...result.replies] };
}

type GuardInput = { kind: 'guard'; choice: 'answer' | 'ask'; text: string };

/** `skip|2`, `stop|2`, `opgave|opgave-wonen|3` (cards from before steps were named: without the number), `answer|2|<text>`, `ask|2|<text>`. */
function parseStepValue(value: string): { input: StepInput | GuardInput; step?: number } | null {
  const guard = /^(answer|ask)\|(\d{1,2})\|/.exec(value);
  if (guard) {
    const text = value.slice(guard[0].length).trim();
    return text ? { input: { kind: 'guard', choice: guard[1] as 'answer' | 'ask', text }, step: Number(guard[2]) } : null;
  }
  const parts = value.split('|');
  const n = (v: string | undefined): number | undefined => (v !== undefined && /^\d{1,2}$/.test(v) ? Number(v) : undefined);
  const [first = '', second, third] = parts;
  if (first === 'skip' || first === 'stop') {
    const step = n(second);
    return { input: { kind: first }, ...(step !== undefined ? { step } : {}) };
  }
  if ((first === 'opgave' || first === 'zekerheid') && second) {
    const step = n(third);
    return { input: { kind: 'choice', step: first, value: second }, ...(step !== undefined ? { step } : {}) };
  }
  return null;
}

export async function stepAction(ctx: TurnContext, value: string): Promise<RouteResult> {
  const t = messages(ctx.locale).reflectie;
  const parsed = parseStepValue(value);
  const found = await ctx.deps.store.dialogues.get(stepKey(ctx.turn), ctx.deps.now());
  const rec = found && found.owner === ownerOf(ctx.turn) ? found : undefined;
  // A question is answered even when the reflection is over (or moved on); only the current step takes an answer.
  if (parsed?.input.kind === 'guard') {
    const current = rec && parsed.step === rec.step ? rec : undefined;
    if (rec && !current && parsed.input.choice === 'answer') return { replies: [answeredCard(ctx, parsed.step ?? rec.step, t.stepStale)], outcome: 'invalid' };
    return guardChoice(ctx, parsed.input.choice === 'ask' ? rec : current, parsed.input.choice, parsed.input.text);
  }
  if (rec && value === '') {
    // A choice list submitted with nothing chosen (Teams, a client that skips the required choice): ask again, card kept.
    return { replies: [simpleReply(ctx.locale, t.errChoice, { private: true })], outcome: 'invalid' };
  }
  if (!rec || !parsed) {
    // The dialogue is over: the card loses its buttons and says so.
    return { replies: [replacing(simpleReply(ctx.locale, t.stepNone, { private: true }))], outcome: 'invalid' };
  }
  if (parsed.step !== undefined && parsed.step !== rec.step) {
    return { replies: [answeredCard(ctx, parsed.step, t.stepStale)], outcome: 'invalid' };
  }
  return answerStep(ctx, rec, parsed.input as StepInput, true);
}
