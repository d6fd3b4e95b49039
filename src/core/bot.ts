import { localeFromTag, messages } from '../i18n/index.js';
import { currentRequestId, requestIdFrom, userHash, withRequestId } from '../log.js';
import { StoreError } from '../store/types.js';
import { simpleReply } from './answer.js';
import { isAboutBot, isGreeting, isThanks, parseCommand } from './commands.js';
import type { ActionHandler, CommandHandler, CoreDeps, Feature, FormHandler, RepeatedFormHandler, RouteResult, TurnContext } from './context.js';
import { alreadySent, openFormState, stampReplies, submitOnce } from './forms.js';
import { openCardLanguage, stampCardLanguage } from './card-language.js';
import { languageFeature, readRemembered, rememberedLocale, rememberLanguage, type RememberedLanguage } from './conversation-language.js';
import { detectLanguage } from './language.js';
import type { TakeResult } from './ratelimit.js';
import { answerQuestion, qaFeature } from './qa.js';
import { cleanTurn, qualifiedUserId, type Locale, type Turn } from '../domain/turn.js';

/** Longest message the core accepts (characters); adapters may refuse earlier. */
export const MAX_INPUT_LENGTH = 4000;
/** How long a delivery id is remembered to drop redeliveries. */
export const DEDUPE_TTL_MS = 10 * 60 * 1000;

export interface BotResult extends RouteResult {
  route: string;
  locale: TurnContext['locale'];
}

/** Over a per-user limit: a short friendly message once per window, then silence. */
export function limitedResult(ctx: TurnContext, kind: 'turn' | 'knelpunt', notify: boolean): RouteResult {
  const t = messages(ctx.locale);
  return { replies: notify ? [simpleReply(ctx.locale, t.rateLimited[kind], { private: true })] : [], outcome: 'limited' };
}

/** `taal en` sets the language on purpose; its words ("taal", "en") must not be remembered as what was spoken. */
function isLanguageCommand(turn: Turn): boolean {
  const { input } = turn;
  const name = input.kind === 'command' ? parseCommand(input.command)?.command : input.kind === 'text' ? parseCommand(input.text)?.command : undefined;
  return name === 'taal';
}

/** Commands whose feature is not registered in this core (the CLI has none) still get a friendly answer. */
const RESERVED_COMMANDS = ['knelpunt', 'reflectie'];

/**
 * The conversation core: one Turn in, Replies out. Platform-neutral; adapters
 * translate to and from their platforms.
 */
export class Bot {
  private readonly commands = new Map<string, CommandHandler>();
  private readonly actions = new Map<string, ActionHandler>();
  private readonly forms = new Map<string, FormHandler>();
  private readonly repeatedForms = new Map<string, RepeatedFormHandler>();
  private readonly interceptors: { name: string; fn: NonNullable<Feature['interceptText']> }[] = [];

  constructor(
    readonly deps: CoreDeps,
    features: Feature[] = [],
  ) {
    for (const f of [qaFeature, languageFeature, ...features]) {
      for (const [k, h] of Object.entries(f.commands ?? {})) this.commands.set(k, h);
      for (const [k, h] of Object.entries(f.actions ?? {})) this.actions.set(k, h);
      for (const [k, h] of Object.entries(f.forms ?? {})) this.forms.set(k, h);
      for (const [k, h] of Object.entries(f.repeatedForms ?? {})) this.repeatedForms.set(k, h);
      if (f.interceptText) this.interceptors.push({ name: f.name, fn: f.interceptText });
    }
  }

  /** Handles one turn, under the caller's request id (HTTP) or a new one (Socket Mode, CLI). */
  handle(turn: Turn): Promise<BotResult> {
    return currentRequestId() ? this.handleTurn(turn) : withRequestId(requestIdFrom(undefined), () => this.handleTurn(turn));
  }

  private async handleTurn(raw: Turn): Promise<BotResult> {
    // The one text boundary: everything below sees cleaned text and ids (src/domain/text.ts).
    // A press or a form says which card it came from, and so its language (src/core/card-language.ts).
    const { turn, card } = openCardLanguage(cleanTurn(raw));
    const started = performance.now();
    const text = turn.input.kind === 'text' ? turn.input.text : turn.input.kind === 'command' ? turn.input.args : undefined;
    const guess = detectLanguage(text);
    const spoken = guess.confident ? guess.locale : undefined;
    const client = turn.user.locale ? localeFromTag(turn.user.locale) : undefined;
    // Until the conversation's language is read: what the turn itself tells.
    // The turn works on the knowledge base of this moment: a reload swaps in a new one for later turns (src/server/reload.ts).
    const ctx: TurnContext = { turn, locale: card ?? spoken ?? client ?? this.deps.defaultLocale, deps: { ...this.deps, knowledge: this.deps.knowledge.pinned() } };
    let route = 'ignored';
    let limit: TakeResult;
    let result: RouteResult;
    try {
      if (turn.user.isBot) {
        result = { replies: [], outcome: 'ignored' }; // never answer bots: no loops between two bots
      } else {
        if (!(limit = (await this.deps.limits?.take('turn', qualifiedUserId(turn), this.deps.now())) ?? { ok: true }).ok) {
          route = 'limited';
          result = limitedResult(ctx, 'turn', limit.notify);
        } else if (!(await this.deps.store.dedupe.firstSeen(`${turn.platform}:${turn.id}`, this.deps.now(), DEDUPE_TTL_MS))) {
          route = 'duplicate';
          result = { replies: [], outcome: 'duplicate' };
        } else {
          // Read only now: a flood over the limit or a redelivery costs no read.
          const remembered = await readRemembered(this.deps.store, turn);
          ctx.remembered = remembered;
          ctx.locale = card ?? spoken ?? rememberedLocale(remembered) ?? client ?? this.deps.defaultLocale;
          // A message refused for its length is answered, not learned from.
          if (spoken && (text?.length ?? 0) <= MAX_INPUT_LENGTH && !isLanguageCommand(turn)) await this.remember(turn, spoken, remembered);
          [route, result] = await this.route(ctx);
          // Every form the bot shows gets a one-time id: a second submission of it files nothing (src/core/forms.ts).
          result = { ...result, replies: stampReplies(result.replies) };
        }
      }
    } catch (e) {
      const t = messages(ctx.locale);
      const storeTrouble = e instanceof StoreError;
      // Logged once, here where it is handled; the user gets a friendly message.
      this.deps.log.error({ err: e, platform: turn.platform, route }, storeTrouble ? 'store error during turn' : 'turn failed');
      result = { replies: [simpleReply(ctx.locale, storeTrouble ? t.storeDown : t.errorRetry)], outcome: 'error' };
    }
    // Every button and form carries the language of its card, so a press is answered in it.
    result = { ...result, replies: result.replies.map(stampCardLanguage) };
    const locale = ctx.locale;
    const ms = performance.now() - started;
    this.deps.observe?.({ platform: turn.platform, route, outcome: result.outcome, seconds: ms / 1000 });
    this.deps.log.info(
      {
        platform: turn.platform,
        route,
        outcome: result.outcome,
        durationMs: Math.round(ms * 100) / 100,
        // No user hash for form turns: an anonymous report must not be linkable to anyone.
        ...(turn.input.kind === 'form' || result.anonymous ? {} : { userHash: userHash(qualifiedUserId(turn)) }),
      },
      'turn',
    );
    return { ...result, route, locale };
  }

  /** The words decided the language: remember it here. A failure costs only the memory, not the answer. */
  private async remember(turn: Turn, spoken: Locale, known: RememberedLanguage): Promise<void> {
    try {
      await rememberLanguage(this.deps, turn, spoken, 'words', known);
    } catch (err) {
      this.deps.log.warn({ err, platform: turn.platform }, 'could not remember the conversation\'s language');
    }
  }

  private async route(ctx: TurnContext): Promise<[string, RouteResult]> {
    const { input } = ctx.turn;
    const t = messages(ctx.locale);
    switch (input.kind) {
      case 'command':
        if (input.args.length > MAX_INPUT_LENGTH) {
          return ['invalid', { replies: [simpleReply(ctx.locale, t.tooLong(MAX_INPUT_LENGTH))], outcome: 'invalid' }];
        }
        return this.command(ctx, input.command, input.args);
      case 'action': {
        const h = this.actions.get(input.action);
        if (!h) return ['action', { replies: [simpleReply(ctx.locale, t.unknownAction)], outcome: 'invalid' }];
        return [`action:${input.action}`, await h(ctx, input.value)];
      }
      case 'form': {
        const h = this.forms.get(input.formId);
        if (!h) return ['form', { replies: [simpleReply(ctx.locale, t.unknownForm)], outcome: 'invalid' }];
        const { once, inner } = openFormState(input.state);
        // A form rendered before forms had a one-time id is handled as it comes.
        if (!once) return [`form:${input.formId}`, await h(ctx, input.values, inner)];
        const repeated = this.repeatedForms.get(input.formId);
        return [
          `form:${input.formId}`,
          await submitOnce(
            ctx,
            input.formId,
            once,
            () => h({ ...ctx, formOnce: once }, input.values, inner),
            (receipt) => (repeated ? repeated(ctx, receipt, inner) : Promise.resolve(alreadySent(ctx))),
          ),
        ];
      }
      case 'text': {
        const text = input.text.trim();
        if (text === '') return ['invalid', { replies: [simpleReply(ctx.locale, t.emptyInput)], outcome: 'invalid' }];
        if (text.length > MAX_INPUT_LENGTH) {
          return ['invalid', { replies: [simpleReply(ctx.locale, t.tooLong(MAX_INPUT_LENGTH))], outcome: 'invalid' }];
        }
        for (const i of this.interceptors) {
          const taken = await i.fn(ctx, text);
          if (taken) return [`dialogue:${i.name}`, taken];
        }
        const cmd = parseCommand(text);
        if (cmd) return this.command(ctx, cmd.command, cmd.args);
        if (isGreeting(text)) return ['greeting', { replies: [simpleReply(ctx.locale, t.greeting)], outcome: 'greeting' }];
        if (isThanks(text)) return ['thanks', { replies: [simpleReply(ctx.locale, t.thanks)], outcome: 'greeting' }];
        if (isAboutBot(text)) return this.command(ctx, 'help', '');
        return ['question', await answerQuestion(ctx, text)];
      }
    }
  }

  private async command(ctx: TurnContext, name: string, args: string): Promise<[string, RouteResult]> {
    const canonical = parseCommand(name)?.command ?? name.replace(/^\//, '').toLowerCase();
    const h = this.commands.get(canonical);
    if (h) return [`command:${canonical}`, await h(ctx, args)];
    if (RESERVED_COMMANDS.includes(canonical)) {
      return [`command:${canonical}`, { replies: [simpleReply(ctx.locale, messages(ctx.locale).notAvailableHere(canonical))], outcome: 'command' }];
    }
    // An unknown slash command with text: treat the text as a question.
    return ['question', await answerQuestion(ctx, args || name)];
  }
}
