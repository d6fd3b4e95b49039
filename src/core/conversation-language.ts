import { messages } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { LanguageRecord, LanguageSource, Store } from '../store/types.js';
import { conversationKey, type Locale, type Turn } from '../domain/turn.js';
import { simpleReply } from './answer.js';
import type { Feature, RememberedLanguage, RouteResult, TurnContext } from './context.js';
import type { Recipient } from './deliveries.js';
import { answerQuestion } from './qa.js';

/**
 * A conversation remembers its language. When the words of a message decide its language
 * with confidence (src/core/language.ts), that language is remembered for the
 * conversation, and in a personal chat for the person too; `taal en` / `taal nl` sets it
 * on purpose. What has no words of its own in that conversation (help, one word, "ok", a
 * name, errors) follows it instead of the client's locale, and so do the messages the bot
 * sends there by itself (nudges, digests, triage posts) and to the person privately (a
 * reporter's status updates). Written only when it changes, never on every turn.
 *
 * A language set with `taal` stays until `taal` changes it: a question in the other
 * language is answered in that language, but does not change what the channel chose.
 */

export const conversationLanguageKey = (conversationRefKey: string): string => `conversation:${conversationRefKey}`;
export const personLanguageKey = (platform: string, userId: string): string => `person:${platform}:${userId}`;

export type { RememberedLanguage };

function keysOf(turn: Turn): { conversation: string; person?: string } {
  return {
    conversation: conversationLanguageKey(conversationKey(turn)),
    ...(turn.conversation.kind === 'personal' ? { person: personLanguageKey(turn.platform, turn.user.id) } : {}),
  };
}

/** One read per turn: the conversation's record (and the person's, in a personal chat). */
export async function readRemembered(store: Pick<Store, 'languages'>, turn: Turn): Promise<RememberedLanguage> {
  const keys = keysOf(turn);
  if (!keys.person) {
    const conversation = await store.languages.get(keys.conversation);
    return conversation ? { conversation } : {};
  }
  const found = await store.languages.getMany([keys.conversation, keys.person]);
  const conversation = found.find((r) => r.key === keys.conversation);
  const person = found.find((r) => r.key === keys.person);
  return { ...(conversation ? { conversation } : {}), ...(person ? { person } : {}) };
}

/** The language of what has no words of its own here: the conversation's, else (personal chat) the person's. */
export function rememberedLocale(r: RememberedLanguage): Locale | undefined {
  return r.conversation?.locale ?? r.person?.locale;
}

/** Whether `locale` from `source` should replace what is remembered: words never overrule a choice made with `taal`. */
function replaces(known: LanguageRecord | undefined, locale: Locale, source: LanguageSource): boolean {
  if (!known) return true;
  if (source === 'words' && known.source === 'command') return false;
  return known.locale !== locale || known.source !== source;
}

/** Remembers a language for the turn's conversation (and person, in a personal chat), writing only what changes. */
export async function rememberLanguage(
  deps: { store: Pick<Store, 'languages'>; now: () => Date },
  turn: Turn,
  locale: Locale,
  source: LanguageSource,
  known: RememberedLanguage,
): Promise<void> {
  const keys = keysOf(turn);
  const updatedAt = deps.now().toISOString();
  if (replaces(known.conversation, locale, source)) await deps.store.languages.set({ key: keys.conversation, locale, source, updatedAt });
  if (keys.person && replaces(known.person, locale, source)) await deps.store.languages.set({ key: keys.person, locale, source, updatedAt });
}

/**
 * The language of a message the bot sends by itself: to a conversation, its remembered
 * language; to a person, theirs (from their personal chats), else that of the
 * conversation they wrote from; else `fallback`. A store that cannot answer does not
 * stop the message: it goes out in `fallback`, and the log says why.
 */
export async function recipientLocale(store: Pick<Store, 'languages'>, to: Recipient, fallback: Locale, log?: Logger): Promise<Locale> {
  const keys = 'conversation' in to
    ? [conversationLanguageKey(to.conversation)]
    : [personLanguageKey(to.user.platform, to.user.userId), ...(to.user.conversationKey ? [conversationLanguageKey(to.user.conversationKey)] : [])];
  try {
    return (await store.languages.getMany(keys))[0]?.locale ?? fallback;
  } catch (err) {
    log?.warn({ err }, 'could not read the recipient\'s language; sending in the default');
    return fallback;
  }
}

const NAMES: Record<string, Locale> = {
  nl: 'nl', nld: 'nl', ned: 'nl', nederlands: 'nl', dutch: 'nl', 'nl-nl': 'nl', 'nl-be': 'nl',
  en: 'en', eng: 'en', engels: 'en', english: 'en', 'en-gb': 'en', 'en-us': 'en',
};

/** `taal en`, `language Dutch`, `taal NL`: the language asked for; undefined for anything else. */
export function parseLanguageName(args: string): Locale | undefined {
  return Object.hasOwn(NAMES, args.trim().toLowerCase()) ? NAMES[args.trim().toLowerCase()] : undefined;
}

/**
 * `taal` says which language the bot speaks here and how to change it; `taal en` /
 * `taal nl` (or `language …`) sets it, for the conversation and, in a personal chat, the
 * person, and answers in the new language. One other word after `taal` gets a short
 * friendly answer that never repeats it (it may be a `<!channel>`); several words are a
 * question ("taal van de overheid").
 */
async function taal(ctx: TurnContext, args: string): Promise<RouteResult> {
  const { store } = ctx.deps;
  const known = ctx.remembered ?? await readRemembered(store, ctx.turn);
  if (args.trim() === '') {
    const t = messages(ctx.locale).taal;
    const current = rememberedLocale(known) ?? ctx.locale;
    const remembered = known.conversation ?? known.person;
    const why = !remembered ? t.whyNothing : remembered.source === 'command' ? t.whyCommand : t.whyWords;
    return { replies: [simpleReply(ctx.locale, `${t.current(t.names[current])} ${why}\n\n${t.how}`)], outcome: 'command' };
  }
  const wanted = parseLanguageName(args);
  // "Taal van de overheid?" is a question that starts with the command's name, not a command.
  if (!wanted && /\s/.test(args.trim())) return answerQuestion(ctx, ctx.turn.input.kind === 'text' ? ctx.turn.input.text : args);
  if (!wanted) return { replies: [simpleReply(ctx.locale, messages(ctx.locale).taal.unknown)], outcome: 'invalid' };
  await rememberLanguage(ctx.deps, ctx.turn, wanted, 'command', known);
  return { replies: [simpleReply(wanted, messages(wanted).taal.set)], outcome: 'command' };
}

export const languageFeature: Feature = {
  name: 'language',
  commands: { taal },
};
