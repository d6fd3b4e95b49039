/**
 * Dutch-first text normalisation, shared by the index and by queries so both
 * sides always agree: fold case and diacritics, drop punctuation and stop
 * words, turn number words and ordinals into digits, and stem words with a
 * light suffix stripper. The goal is consistency (a singular and its plural
 * map to the same token), not linguistic correctness.
 */
import { isStopWord } from './stopwords.js';

/** One kept word of a text. */
export interface Word {
  /** Folded surface form, or the digits of a number word. */
  text: string;
  /** Stemmed form: what the index and the query compare. */
  stem: string;
  /** Words written as one hyphenated chunk ("ibp-team") share a group. */
  group: number;
}

const CARDINALS: ReadonlyMap<string, number> = new Map([
  ['twee', 2], ['drie', 3], ['vier', 4], ['vijf', 5], ['zes', 6], ['zeven', 7], ['acht', 8],
  ['negen', 9], ['tien', 10], ['elf', 11], ['twaalf', 12], ['dertien', 13], ['veertien', 14],
  ['vijftien', 15], ['zestien', 16], ['zeventien', 17], ['achttien', 18], ['negentien', 19],
  ['twintig', 20], ['dertig', 30],
  ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7],
  ['eight', 8], ['nine', 9], ['ten', 10],
]);

export const ORDINALS: ReadonlyMap<string, number> = new Map([
  ['eerste', 1], ['tweede', 2], ['derde', 3], ['vierde', 4], ['vijfde', 5], ['zesde', 6],
  ['zevende', 7], ['achtste', 8], ['negende', 9], ['tiende', 10],
  ['first', 1], ['second', 2], ['third', 3], ['fourth', 4], ['fifth', 5], ['sixth', 6],
  ['seventh', 7], ['eighth', 8], ['ninth', 9], ['tenth', 10],
]);

/** "1e", "2de", "8ste", "3rd", "7th". */
const DIGIT_ORDINAL = /^(\d+)(?:e|de|ste|st|nd|rd|th)$/;

const DIACRITIC = /\p{M}+/gu;
const ACCENTED_ONE = /(?<![\p{L}\p{N}])(?:één|eén|éen)(?![\p{L}\p{N}])/giu;
/** "thema's", "regio’s": the apostrophe-s plural, written away before punctuation goes. */
const APOSTROPHE_S = /(?<=[\p{L}\p{N}])['’‘`´]s(?![\p{L}\p{N}])/gu;
const HAS_APOSTROPHE = /['’‘`´]/;
/** A word, or several joined by hyphens or slashes. */
const CHUNK = /[\p{L}\p{N}]+(?:[-/][\p{L}\p{N}]+)*/gu;

/** Lowercase and strip diacritics ("creëren" -> "creeren"); punctuation is left to `analyse`. */
export function fold(text: string): string {
  const folded = text
    .replace(ACCENTED_ONE, ' 1 ')
    .normalize('NFKD')
    .replace(DIACRITIC, '')
    .toLowerCase()
    .replaceAll('ß', 'ss');
  return HAS_APOSTROPHE.test(folded) ? folded.replace(APOSTROPHE_S, '') : folded;
}

const VOWELS = 'aeiou';
const isVowel = (c: string | undefined): boolean => c !== undefined && VOWELS.includes(c);
/** Singular words ending in -es that must keep their s. */
const SINGULAR_ES: ReadonlySet<string> = new Set(['proces', 'succes', 'adres', 'congres', 'exces']);

function stripDiminutive(w: string): string {
  const m = /^(.*?)(t|p)?jes?$/.exec(w);
  if (!m || w.length < 6) return w;
  const base = m[1] ?? '';
  const link = m[2];
  const before = base.at(-1);
  // "stoeltje" -> "stoel", "boompje" -> "boom", "kaartje" -> "kaart".
  if (link === 't' && (isVowel(before) || before === 'l' || before === 'w')) return base;
  if (link === 'p' && before === 'm') return base;
  const keep = link ? base + link : base;
  return keep.length >= 3 ? keep : w;
}

function stripPlural(w: string): string {
  if (w.endsWith('heden') && w.length > 6) return `${w.slice(0, -5)}heid`;
  if (w.endsWith('en') && w.length - 2 >= 3) return w.slice(0, -2);
  if (w.endsWith('s') && w.length >= 5) {
    const base = w.slice(0, -1);
    const prev = base.at(-1);
    if (prev === 'e') {
      // "kwesties" -> "kwestie", "opgaves" -> "opgave", but "proces" stays.
      const prev2 = base.at(-2);
      if (prev2 === 'i' || (!isVowel(prev2) && !SINGULAR_ES.has(w))) return base;
      return w;
    }
    if (prev === 'a' || prev === 'o' || (!isVowel(prev) && prev !== 's' && prev !== 'j')) return base;
  }
  return w;
}

function stripFinalE(w: string): string {
  return w.endsWith('e') && w.length >= 4 && !isVowel(w.at(-2)) ? w.slice(0, -1) : w;
}

function stripSuffixes(word: string): string {
  let w = stripDiminutive(word);
  w = stripPlural(w);
  w = stripFinalE(w);
  if (w.endsWith('ing') && w.length - 3 >= 5) w = w.slice(0, -3);
  // Verbs in -eren: "rapporteert" meets "rapporteren".
  else if (w.endsWith('eert') && w.length >= 7) w = w.slice(0, -1);
  // English past tense: "started", "divided"; not Dutch "gebied".
  else if (w.endsWith('ed') && w.length >= 6 && !isVowel(w.at(-3))) w = stripFinalE(w.slice(0, -2));
  // English "-y" meets the Dutch "-ie": "certainty" and "certainties" agree.
  if (w.endsWith('y') && w.length >= 4 && !isVowel(w.at(-2))) w = `${w.slice(0, -1)}ie`;
  return w;
}

const STEM_CACHE = new Map<string, string>();
const STEM_CACHE_LIMIT = 50_000;

/**
 * Light Dutch stemmer. Doubled letters are collapsed everywhere, so "taak" and
 * "taken", "opgaaf" and "opgaven", "klimaat" and "klimaatakkoord" share their
 * spelling. v/z become f/s throughout: Dutch alternates them ("opgave",
 * "opgaaf"; "huizen", "huis") and writers confuse them, so typos stay one
 * letter closer. Stems are internal keys, not words to show.
 */
export function stem(word: string): string {
  const known = STEM_CACHE.get(word);
  if (known !== undefined) return known;
  const stemmed =
    word.length <= 3 || /\d/.test(word)
      ? word
      : stripSuffixes(word).replace(/(.)\1+/g, '$1').replaceAll('v', 'f').replaceAll('z', 's');
  // Indexing stems the same words over and over; a bounded memo keeps that cheap.
  if (STEM_CACHE.size >= STEM_CACHE_LIMIT) STEM_CACHE.clear();
  STEM_CACHE.set(word, stemmed);
  return stemmed;
}

/**
 * Nouns that take a number behind them as a label ("zekerheid 1"), as stems.
 * Only after these is "een" ("one") the number 1 rather than the article;
 * accented "één" is always a number.
 */
const NUMBERED_NOUNS: ReadonlySet<string> = new Set(
  ['zekerheid', 'opgave', 'stap', 'nummer', 'nr', 'fase', 'punt', 'vraag', 'certainty', 'step', 'number'].map(stem),
);

/**
 * Other stems a verb form may stand for, for words the index does not know:
 * "pakt" -> "pak", "geregeld" -> "regeld"/"regel"... The stemmer leaves
 * verb endings alone because nouns share them ("kaart", "markt"); a lookup
 * can afford to try.
 */
export function verbVariants(stemmed: string): string[] {
  const out: string[] = [];
  const dropTD = (w: string): string | undefined => (/[^aeiou][td]$/.test(w) && w.length >= 4 ? w.slice(0, -1) : undefined);
  const bare = stemmed.startsWith('ge') && stemmed.length >= 6 ? stemmed.slice(2) : undefined;
  for (const v of [dropTD(stemmed), bare, bare && dropTD(bare)]) if (v && !out.includes(v)) out.push(v);
  return out;
}

interface RawWord {
  text: string;
  group: number;
  /** Last word of its hyphenated chunk: a number behind it cannot attach to a later word. */
  chunkEnd: boolean;
}

function rawWords(text: string): RawWord[] {
  const out: RawWord[] = [];
  let group = 0;
  for (const chunk of fold(text).match(CHUNK) ?? []) {
    const parts = chunk.includes('-') || chunk.includes('/') ? chunk.split(/[-/]/) : [chunk];
    parts.forEach((p, i) => out.push({ text: p, group, chunkEnd: i === parts.length - 1 }));
    group += 1;
  }
  return out;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function cardinalOf(word: string, previous: string | undefined): number | undefined {
  if (isDigit(word[0]) && /^\d+$/.test(word)) return Number(word);
  // "een" and "one" are mostly an article or pronoun ("each one"); a number only as a label.
  if (word === 'een' || word === 'one') return previous !== undefined && NUMBERED_NOUNS.has(previous) ? 1 : undefined;
  return CARDINALS.get(word);
}

function ordinalOf(word: string): number | undefined {
  if (!isDigit(word[0])) return ORDINALS.get(word);
  const m = DIGIT_ORDINAL.exec(word);
  return m ? Number(m[1]) : undefined;
}

function isContent(word: RawWord | undefined): word is RawWord {
  return word !== undefined && word.text.length > 1 && !isStopWord(word.text) && ordinalOf(word.text) === undefined;
}

const word = (text: string, group: number): Word => ({ text, stem: stem(text), group });

/**
 * A number that labels a numbered noun ("zekerheid 7") joins the noun's group,
 * so the pair also forms one token ("zekerheid7") that a count ("7 zekerheden")
 * never forms.
 */
function label(n: number, noun: Word, ownGroup: number): Word {
  return word(String(n), NUMBERED_NOUNS.has(noun.stem) ? noun.group : ownGroup);
}

/**
 * Splits a text into kept words. Ordinals move behind the noun they number, so
 * "zevende zekerheid", "7e zekerheid", "zekerheid 7" and "zekerheid zeven" all
 * read "zekerheid 7", while "zeven zekerheden" stays "7 zekerheden".
 * `maxWords` caps the work for huge inputs.
 */
export function analyse(text: string, maxWords = Number.POSITIVE_INFINITY): Word[] {
  const raw = rawWords(text);
  const out: Word[] = [];
  // The last kept word if it came from the raw word just before the current one.
  let adjacent: Word | undefined;
  for (let i = 0; i < raw.length && out.length < maxWords; i += 1) {
    const w = raw[i] as RawWord;
    const previous = adjacent;
    adjacent = undefined;
    const ordinal = ordinalOf(w.text);
    if (ordinal !== undefined) {
      const next = raw[i + 1];
      if (w.chunkEnd && isContent(next) && next.chunkEnd) {
        const noun = word(next.text, next.group);
        out.push(noun, label(ordinal, noun, w.group));
        i += 1;
      } else {
        out.push(word(String(ordinal), w.group));
      }
      continue;
    }
    const cardinal = cardinalOf(w.text, out.at(-1)?.stem);
    const kept = cardinal !== undefined ? (previous ? label(cardinal, previous, w.group) : word(String(cardinal), w.group)) : isContent(w) ? word(w.text, w.group) : undefined;
    if (kept) {
      out.push(kept);
      adjacent = kept;
    }
  }
  return out;
}

/** Shortest word two or three written-apart words must make together to count as a compound. */
const MIN_JOINED_LENGTH = 8;

/**
 * Stems of two or three neighbouring words written together, stop words
 * included: "overheid van nu" -> "overheidvannu", "woning markt" -> "woningmarkt".
 * The caller keeps the ones its vocabulary knows.
 */
export function joinedStems(text: string, maxWords = Number.POSITIVE_INFINITY): string[] {
  const raw = rawWords(text).slice(0, maxWords).map((w) => w.text);
  const out = new Set<string>();
  for (let i = 0; i < raw.length; i += 1) {
    let joined = raw[i] as string;
    for (let k = 1; k <= 2 && i + k < raw.length; k += 1) {
      joined += raw[i + k] as string;
      if (joined.length >= MIN_JOINED_LENGTH) out.add(stem(joined));
    }
  }
  return [...out];
}

/** Normalised text: folded, without stop words or punctuation, numbers as digits. Not stemmed. */
export function normalise(text: string): string {
  return analyse(text).map((w) => w.text).join(' ');
}

/** Normalised, stemmed tokens in text order (duplicates kept). */
export function tokens(text: string, maxWords?: number): string[] {
  return analyse(text, maxWords).map((w) => w.stem);
}
