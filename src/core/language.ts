/**
 * Which language a message is written in, and so which language the reply is in.
 * The words decide: a Dutch question gets a Dutch answer in a Teams client set to
 * English, and the other way round. The client's locale (and then the default) only
 * decides when the words cannot: one word, a name, "ok", a number.
 *
 * Two kinds of evidence, added up over the words:
 *  - function and question words that belong to one language only ("wat", "welke",
 *    "het", "zijn" / "what", "which", "the", "does"): strong;
 *  - how Dutch or English the rest of the words look, by their letter trigrams
 *    ("ij", "sch", "-heid", "-lijk" / "th", "wh", "-tion", "-ght"): a character
 *    trigram model learned from the bot's own message catalogues (chat and dashboard), which say the same
 *    things in both languages (src/i18n), and two lists of everyday words
 *    (src/i18n/language-words.ts, with the function words).
 * Words both languages share ("is", "in", "over", "we") and the programme's own terms
 * ("IBP", "zekerheid", "opgave", "knelpunt"), which English users type too, say nothing.
 */
import { dashboardEn } from '../i18n/dashboard-en.js';
import { dashboardNl } from '../i18n/dashboard-nl.js';
import { messages } from '../i18n/index.js';
import { DUTCH_FUNCTION_WORDS, DUTCH_WORDS, ENGLISH_FUNCTION_WORDS, ENGLISH_WORDS } from '../i18n/language-words.js';
import type { Locale } from '../domain/turn.js';

export interface LanguageGuess {
  /** The language the words point to; undefined when they point nowhere. */
  locale: Locale | undefined;
  /**
   * Whether the words decide on their own: a clear lead, from at least two words that say
   * something, or from a function word in a message of two words or more ("wat is
   * overheidvannu.nl"). Only a confident guess decides the reply language over the
   * client's locale, and only a confident one should ever be remembered as a
   * conversation's language.
   */
  confident: boolean;
  /** Evidence for Dutch minus evidence for English (positive: Dutch). */
  margin: number;
}

/**
 * The programme's own words: Dutch, but typed as names in English questions too
 * ("What is the seventh zekerheid?"), so they tell nothing about the language.
 */
const NEUTRAL = new Set(
  `ibp zekerheid zekerheden opgave opgaven knelpunt knelpunten reflectie help ok oke okay hoi hallo hi hey thanks
  overheidvannu nl www http https rijk vng ipo bzk res`.split(/\s+/),
);

/** Evidence of one function word; a letter-trigram word counts at most WORD_CAP. */
const FUNCTION_WORD = 2;
const NL_WORDS: ReadonlySet<string> = new Set(DUTCH_FUNCTION_WORDS.split(/\s+/).filter(Boolean));
const EN_WORDS: ReadonlySet<string> = new Set(ENGLISH_FUNCTION_WORDS.split(/\s+/).filter(Boolean));
const WORD_CAP = 1.5;
/** The lead a confident guess needs: one function word, or a few words that look like one language. */
const CONFIDENT_MARGIN = 1.2;
const MAX_WORDS = 40;
/**
 * Characters read. The core answers a longer message only to say it is too long (its
 * limit is 4,000 characters), so the start of a message is enough to pick the language;
 * a 500 KB message would otherwise cost tens of milliseconds here.
 */
const MAX_CHARS_READ = 4000;

const WORD = /[\p{L}\p{N}']+/gu;
/**
 * Names and slogans quoted in either language: the programme's motto and website
 * ("de overheid van nu") and zekerheid 5's English slogans.
 */
const QUOTED_PHRASES = /\b(?:show don'?t tell|be good and tell it|(?:de )?overheid van nu)\b/g;

function withoutQuotes(folded: string): string {
  return folded.replace(QUOTED_PHRASES, ' ');
}

function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[’‘`´]/g, "'");
}

interface TrigramModel {
  /** log P(trigram | nl) - log P(trigram | en), add-one smoothed. */
  odds: Map<string, number>;
  /** The same for a trigram neither catalogue has. */
  unseen: number;
}

function trigrams(word: string): string[] {
  const marked = `^${word}$`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= marked.length; i += 1) out.push(marked.slice(i, i + 3));
  return out;
}

/** Every string of a message catalogue (nested objects; functions are skipped). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

function countTrigrams(texts: string[], skip: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const w of fold(text).match(WORD) ?? []) {
      if (skip.has(w) || NEUTRAL.has(w)) continue;
      for (const g of trigrams(w)) counts.set(g, (counts.get(g) ?? 0) + 1);
    }
  }
  return counts;
}

let model: TrigramModel | undefined;

/** Learned once, from the two catalogues; strings the same in both (names, commands) are left out. */
function trigramModel(): TrigramModel {
  if (model) return model;
  // Every catalogue of the bot's own texts (chat and dashboard), which say the same things in both languages.
  const nl = [...strings(messages('nl')), ...strings(dashboardNl), DUTCH_WORDS];
  const en = [...strings(messages('en')), ...strings(dashboardEn), ENGLISH_WORDS];
  const shared = new Set(nl.filter((s) => en.includes(s)));
  const nlCounts = countTrigrams(nl.filter((s) => !shared.has(s)), NL_WORDS);
  const enCounts = countTrigrams(en.filter((s) => !shared.has(s)), EN_WORDS);
  const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  const vocabulary = new Set([...nlCounts.keys(), ...enCounts.keys()]).size + 1;
  const nlTotal = total(nlCounts) + vocabulary;
  const enTotal = total(enCounts) + vocabulary;
  const odds = new Map<string, number>();
  for (const g of new Set([...nlCounts.keys(), ...enCounts.keys()])) {
    odds.set(g, Math.log(((nlCounts.get(g) ?? 0) + 1) / nlTotal) - Math.log(((enCounts.get(g) ?? 0) + 1) / enTotal));
  }
  model = { odds, unseen: Math.log(1 / nlTotal) - Math.log(1 / enTotal) };
  return model;
}

/** How Dutch (positive) or English (negative) a word looks by its letters, in -WORD_CAP..WORD_CAP. */
function letterEvidence(word: string, m: TrigramModel): number {
  const grams = trigrams(word);
  const sum = grams.reduce((a, g) => a + (m.odds.get(g) ?? m.unseen), 0);
  return Math.max(-WORD_CAP, Math.min(WORD_CAP, sum / Math.sqrt(grams.length)));
}

/** The language of a message by its words alone. Pure: no locale, no conversation. */
export function detectLanguage(text: string | undefined): LanguageGuess {
  if (!text) return { locale: undefined, confident: false, margin: 0 };
  const m = trigramModel();
  let margin = 0;
  let telling = 0;
  let functionWords = 0;
  const words = (withoutQuotes(fold(text.slice(0, MAX_CHARS_READ))).match(WORD) ?? []).slice(0, MAX_WORDS);
  // Each word counts once: "at at at …" (a pasted list, hostile text) is not more English than "at".
  for (const w of new Set(words)) {
    const word = w.replace(/^'+|'+$/g, '');
    if (word.length === 0 || NEUTRAL.has(word)) continue;
    const nl = NL_WORDS.has(word);
    const en = EN_WORDS.has(word);
    if (nl !== en) {
      margin += nl ? FUNCTION_WORD : -FUNCTION_WORD;
      telling += 1;
      functionWords += 1;
    } else if (!nl && word.length >= 3 && !/\d/.test(word)) {
      margin += letterEvidence(word, m);
      telling += 1;
    }
  }
  if (margin === 0) return { locale: undefined, confident: false, margin };
  const confident = Math.abs(margin) >= CONFIDENT_MARGIN && (telling >= 2 || (functionWords >= 1 && words.length >= 2));
  return { locale: margin > 0 ? 'nl' : 'en', confident, margin };
}

/**
 * The reply language: the message's own language when its words tell, else the
 * user's (client's) locale, else the default.
 */
export function chooseLocale(text: string | undefined, userLocale: Locale | undefined, fallback: Locale): Locale {
  const guess = detectLanguage(text);
  if (guess.locale && guess.confident) return guess.locale;
  return userLocale ?? fallback;
}
