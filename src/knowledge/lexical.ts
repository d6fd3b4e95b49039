/**
 * The lexical half of the ranking: how well an entry's own words explain a question.
 *
 * A question is normalised into stems (see normalise.ts). Each stem is matched
 * against the index vocabulary: exactly, as part of a compound, or with a typo
 * (vocabulary.ts). An entry's score (0..1) blends three signals:
 *  - coverage: how much of the question the entry explains, each stem weighted
 *    by its rarity (IDF, so "ibp" or "opgave" count little) and by the field it
 *    is found in (a title counts more than a body);
 *  - phrase: neighbouring question words that stand together in the entry too
 *    ("zekerheid 7" is not "7 zekerheden");
 *  - name: how closely the question quotes one of the entry's names (title,
 *    English title, keyword), so official names win outright.
 * search.ts blends this score with the learned one (classifier.ts) and decides
 * between answering, suggesting ("Bedoelde je...") and admitting there is no answer.
 *
 * Per-word fuzzy matching is not left to fuse.js: it scans every record for every
 * pattern, so it would cost entries x fields x words on each query. Everything here
 * is precomputed at construction (inverted index, typo index, names); a query
 * costs a few map lookups per word plus one pass over the matching postings.
 * fuse.js only compares the question with the names of the best candidates
 * (fuzzy-names.ts).
 */
import { FuzzyQuestion } from './fuzzy-names.js';
import type { KnowledgeEntry } from './types.js';
import { analyse, joinedStems, ORDINALS, stem, verbVariants, type Word } from './normalise.js';
import { buildIndexData, joinedGroups, pairKey, type IndexData, type Posting } from './postings.js';
import { isStopWord, WEAK_WORDS } from './stopwords.js';
import { synonyms } from './thesaurus.js';
import type { TermMatch } from './vocabulary.js';

export interface SearchHit {
  entry: KnowledgeEntry;
  /** Confidence 0..1; 1 = certain. */
  score: number;
}

/** Only this many entries (best by coverage and phrase) get the costlier name comparison, and are ranked. */
export const NAME_CANDIDATES = 40;

/** Words of a question considered; the rest of a pasted essay cannot change the topic. */
export const MAX_QUERY_WORDS = 64;
/** Characters of a question read at all, so folding a pasted essay costs nothing. */
export const MAX_QUERY_CHARS = 2_000;

/** How the three signals blend into one score. They sum to 1. */
export const SCORE_WEIGHTS = { coverage: 0.65, phrase: 0.1, name: 0.25 } as const;

/** Rarity weight of the most common words, so they still count a little. */
const IDF_FLOOR = 0.15;
/** A question word the knowledge base does not know: as informative as a fairly rare word... */
const UNKNOWN_WEIGHT = 0.5;
/** ...and, when it has no synonym either, more for each letter over UNKNOWN_SHORT (see unknownWeight). */
const UNKNOWN_WEIGHT_PER_LETTER = 0.08;
const UNKNOWN_SHORT = 6;
/** Weight factor of a word that only ever occurs in running text (see topicality). */
const TOPICALITY_FLOOR = 0.4;
/** "pakt" for "pakken": the same word in another verb form. */
const VERB_VARIANT_QUALITY = 0.9;
/** A synonym from the thesaurus counts nearly as much as the word itself. */
const SYNONYM_QUALITY = 0.8;
/** Factor for a name whose words the question has in another order. */
const NAME_ORDER_PENALTY = 0.5;
/** Match quality of each part of an unknown compound split in two known words. */
const SPLIT_PART_QUALITY = 0.7;
/** Most rarity weight of a weak word ("Nederland", "jaar"; see stopwords.ts): as common as "ibp". */
const WEAK_WEIGHT = 0.2;
const WEAK_STEMS: ReadonlySet<string> = new Set([...WEAK_WORDS].map(stem));
/** Longest stop word looked for glued to the front of an unknown word ("between"). */
const MAX_GLUED_PREFIX = 7;
/** Shortest rest of an unglued word; and shortest rest that may carry a typo as well. */
const MIN_UNGLUED = 4;
const MIN_UNGLUED_TYPO = 6;
/** Unknown words of one question looked up as possible typos: the costliest lookup, and a real question has few. */
const MAX_TYPO_LOOKUPS = 16;
/** Most letters the stemmer strips from a word (diminutive, plural, final e, -ing; see normalise.ts), with a margin. */
const MAX_SUFFIX_LETTERS = 12;

interface QueryTerm {
  /** The stem as the index knows it: the stem itself, or the term a typo most likely meant. */
  canonical: string;
  /** How well `canonical` matches what was typed (1 = exact). */
  quality: number;
  /** Rarity weight in the question. */
  weight: number;
  matches: TermMatch[];
  /** Stems this term stands for when comparing with an entry's names, with the quality of each. */
  aliases: ReadonlyMap<string, number>;
}

/** An entry's name with the rarity weight of each of its stems. */
interface Name {
  stems: string[];
  weights: number[];
  /** 1 for a title, less for a keyword (see KEYWORD_NAME_STRENGTH). */
  strength: number;
  total: number;
}

export class LexicalIndex {
  readonly entries: readonly KnowledgeEntry[];
  private readonly data: IndexData;
  /** By term id: rarity weight in (0, 1]. */
  private readonly rarity: Float64Array;
  /**
   * Longest word tried as a compound of two known terms. A query word is a stem (its
   * doubled letters already collapsed), and stemming a part again removes little more
   * than a suffix, so a longer word is not two terms. Splitting stems the word's tail at
   * every position: quadratic, and a 2,000-letter word took a tenth of a second.
   */
  private readonly longestCompound: number;
  private readonly names: Name[][];

  constructor(entries: readonly KnowledgeEntry[]) {
    this.entries = entries;
    this.data = buildIndexData(entries);
    this.longestCompound = 2 * (this.data.vocabulary.longest + MAX_SUFFIX_LETTERS);
    const n = entries.length;
    const idf = (df: number): number => Math.log(1 + (n - df + 0.5) / (df + 0.5));
    const max = idf(1);
    this.rarity = Float64Array.from(this.data.postings, (p, id) => {
      const rarity = Math.max(IDF_FLOOR, idf(p.entries.length) / max) * topicality(p);
      return WEAK_STEMS.has(this.data.vocabulary.terms[id] as string) ? Math.min(rarity, WEAK_WEIGHT) : rarity;
    });
    this.names = this.data.names.map((list) =>
      list.map(({ stems, strength }) => {
        const weights = stems.map((s) => this.weightOf(s));
        return { stems, weights, strength, total: weights.reduce((a, b) => a + b, 0) };
      }),
    );
  }

  /** Every candidate entry with its lexical score (0..1), best first; at most NAME_CANDIDATES. */
  rank(query: string): SearchHit[] {
    const text = query.slice(0, MAX_QUERY_CHARS);
    const terms = this.queryTerms(analyse(text, MAX_QUERY_WORDS), joinedStems(text, MAX_QUERY_WORDS));
    return terms.length === 0 ? [] : this.score(terms);
  }

  /** Whether the index knows a stem (for fixing typos before normalisation, see ordinals.ts). */
  knows(stemmed: string): boolean {
    return this.data.vocabulary.id(stemmed) !== undefined;
  }

  private weightOf(stemmed: string): number {
    const id = this.data.vocabulary.id(stemmed);
    return id === undefined ? UNKNOWN_WEIGHT : (this.rarity[id] ?? UNKNOWN_WEIGHT);
  }

  /** Question words -> terms, in order, without repeats; then known compounds the user wrote apart. */
  private queryTerms(words: Word[], writtenApart: string[] = []): QueryTerm[] {
    const vocabulary = this.data.vocabulary;
    const stems = new Set<string>();
    const groups = new Map<number, Word[]>();
    for (const w of words) groups.set(w.group, [...(groups.get(w.group) ?? []), w]);
    for (const group of groups.values()) {
      // "cross-overs" typed with a hyphen finds "crossovers" written as one word, and back.
      const joined = joinedGroups(group)[0];
      if (joined !== undefined && vocabulary.id(joined) !== undefined) stems.add(joined);
      else for (const w of group) stems.add(vocabulary.id(w.stem) === undefined ? (this.unglued(w.text) ?? w.stem) : w.stem);
    }
    for (const j of writtenApart) if (vocabulary.id(j) !== undefined) stems.add(j);
    const seen = new Set<string>();
    const out: QueryTerm[] = [];
    const budget = { typos: MAX_TYPO_LOOKUPS };
    for (const s of stems) {
      for (const t of this.resolve(s, budget)) {
        if (seen.has(t.canonical)) continue;
        seen.add(t.canonical);
        out.push(t);
      }
    }
    return out;
  }

  /**
   * A word typed together with the stop word or number before it ("dezekerheden",
   * "eenrefelctie", "withpopulation", "1overheid"): the stem of the rest, when the
   * index knows it or the rest is long enough to be a typo of a word it knows.
   * "zekerheid7" and "zevendezekerheid" are read as the index writes "zekerheid 7".
   */
  private unglued(text: string): string | undefined {
    const vocabulary = this.data.vocabulary;
    // "zekerheid7": a numbered noun and its number, as the index joins them.
    const numbered = /^(\p{L}{4,})(\d{1,3})$/u.exec(text);
    if (numbered) {
      const joined = stem(numbered[1] as string) + (numbered[2] as string);
      if (vocabulary.id(joined) !== undefined) return joined;
    }
    // "vijfdezekerheid": an ordinal and its noun, read as "zekerheid 5".
    for (const [ordinal, n] of ORDINALS) {
      if (!text.startsWith(ordinal) || text.length - ordinal.length < MIN_UNGLUED) continue;
      const joined = stem(text.slice(ordinal.length)) + String(n);
      if (vocabulary.id(joined) !== undefined) return joined;
    }
    const digits = /^\d+/.exec(text)?.[0].length ?? 0;
    const cuts = digits > 0 ? [digits] : [];
    for (let i = Math.min(MAX_GLUED_PREFIX, text.length - MIN_UNGLUED); i >= 2; i -= 1) if (isStopWord(text.slice(0, i))) cuts.push(i);
    for (const i of cuts) {
      const rest = text.slice(i);
      if (rest.length < MIN_UNGLUED || /\d/.test(rest)) continue;
      const s = stem(rest);
      if (vocabulary.id(s) !== undefined || (rest.length >= MIN_UNGLUED_TYPO && vocabulary.fuzzy(s).length > 0)) return s;
    }
    return undefined;
  }

  /**
   * One stem -> its term: exact, else the likeliest typo correction, plus
   * synonyms and compounds; an unknown compound of two known words becomes two
   * terms; an unknown word at least finds its word family.
   */
  private resolve(s: string, budget: { typos: number }): QueryTerm[] {
    const vocabulary = this.data.vocabulary;
    const id = vocabulary.id(s);
    const variant = id === undefined ? this.verbVariant(s) : undefined;
    const tryTypo = id === undefined && !variant && budget.typos > 0;
    if (tryTypo) budget.typos -= 1;
    // A typo can keep the stemmer from removing an ending ("inbrgerinng" stems to "inbrgering",
    // not "inbrger"): when the stem finds nothing, its stem gets a second look.
    let fuzzy = tryTypo ? vocabulary.fuzzy(s) : [];
    if (tryTypo && fuzzy.length === 0 && stem(s) !== s) fuzzy = vocabulary.fuzzy(stem(s));
    const best = id !== undefined ? { id, quality: 1 } : (variant ?? strongest(fuzzy));
    const canonical = best ? (vocabulary.terms[best.id] as string) : s;
    const related = [...this.synonymMatches(canonical), ...vocabulary.compounds(s)];
    if (best) {
      // A correction is a guess: it never weighs more than an unknown word.
      const rarity = this.rarity[best.id] ?? UNKNOWN_WEIGHT;
      const weight = best.quality === 1 ? rarity : Math.min(rarity, UNKNOWN_WEIGHT);
      return [{ canonical, quality: best.quality, weight, matches: [best, ...fuzzy, ...related], aliases: aliasesOf(canonical, best.quality) }];
    }
    // An unknown word with known synonyms weighs like its rarest synonym, capped like a correction.
    const synonymRarity = Math.max(0, ...this.synonymMatches(s).map((m) => this.rarity[m.id] ?? 0));
    if (synonymRarity === 0 && s.length <= this.longestCompound) {
      const parts = vocabulary.split(s, stem);
      // A compound is about less than both its parts ("provinciehuis" is no province and no house).
      if (parts) return parts.flatMap((p) => this.resolve(p, budget)).map((t) => partOf(t));
    }
    const weight = synonymRarity > 0 ? Math.min(synonymRarity, UNKNOWN_WEIGHT) : unknownWeight(s);
    const matches = related.length > 0 ? related : vocabulary.family(s);
    return [{ canonical: s, quality: 0, weight, matches, aliases: aliasesOf(s, 0) }];
  }

  private verbVariant(s: string): TermMatch | undefined {
    for (const v of verbVariants(s)) {
      const id = this.data.vocabulary.id(v);
      if (id !== undefined) return { id, quality: VERB_VARIANT_QUALITY };
    }
    return undefined;
  }

  private synonymMatches(s: string): TermMatch[] {
    const out: TermMatch[] = [];
    for (const syn of synonyms(s)) {
      const id = this.data.vocabulary.id(syn);
      if (id !== undefined) out.push({ id, quality: SYNONYM_QUALITY });
    }
    return out;
  }

  private score(terms: QueryTerm[]): SearchHit[] {
    const n = this.entries.length;
    const coverage = accumulateTerms(this.data.postings, terms, n);
    const totalWeight = terms.reduce((a, t) => a + t.weight, 0);
    const phrase = this.phraseScores(terms, n);

    const candidates: { e: number; partial: number }[] = [];
    for (let e = 0; e < n; e += 1) {
      const cov = (coverage[e] ?? 0) / totalWeight;
      if (cov <= 0) continue;
      const phr = phrase ? (phrase[e] ?? 0) : cov;
      candidates.push({ e, partial: SCORE_WEIGHTS.coverage * cov + SCORE_WEIGHTS.phrase * phr });
    }
    candidates.sort((a, b) => b.partial - a.partial);
    const question = new FuzzyQuestion(terms.map((t) => t.canonical));
    return candidates
      .slice(0, NAME_CANDIDATES)
      .map(({ e, partial }) => {
        // fuse.js steps in where the exact name comparison finds nothing: a name typed with typos.
        const exact = this.nameScore(e, terms, totalWeight);
        const name = exact > 0 ? exact : this.fuzzyNameScore(e, question);
        return { entry: this.entries[e] as KnowledgeEntry, score: Math.min(1, partial + SCORE_WEIGHTS.name * name) };
      })
      .sort((a, b) => b.score - a.score);
  }

  /** Share (0..1) of the question's word pairs found side by side in each entry; null for a one-word question. */
  private phraseScores(terms: QueryTerm[], n: number): Float64Array | null {
    if (terms.length < 2) return null;
    const out = new Float64Array(n);
    let total = 0;
    for (let i = 1; i < terms.length; i += 1) {
      const a = terms[i - 1] as QueryTerm;
      const b = terms[i] as QueryTerm;
      const weight = (a.weight + b.weight) / 2;
      const quality = Math.min(a.quality, b.quality);
      total += weight;
      const first = this.data.vocabulary.id(a.canonical);
      const second = this.data.vocabulary.id(b.canonical);
      const posting = first === undefined || second === undefined ? undefined : this.data.bigrams.get(pairKey(first, second));
      if (!posting) continue;
      for (let k = 0; k < posting.entries.length; k += 1) {
        const e = posting.entries[k] as number;
        out[e] = (out[e] ?? 0) + weight * quality * (posting.weights[k] ?? 0);
      }
    }
    for (let e = 0; e < n; e += 1) out[e] = (out[e] ?? 0) / total;
    return out;
  }

  /** The name signal as fuse.js sees it: a name quoted with typos (see fuzzy-names.ts). */
  private fuzzyNameScore(e: number, question: FuzzyQuestion): number {
    let best = 0;
    for (const name of this.names[e] ?? []) best = Math.max(best, name.strength * question.quotes(name.stems));
    return best;
  }

  /**
   * How closely the question quotes the entry's best-matching name (0..1): the
   * share of the name the question contains times the share of the question the
   * name explains, times the name's strength, halved when the order differs.
   */
  private nameScore(e: number, terms: QueryTerm[], totalWeight: number): number {
    let best = 0;
    for (const name of this.names[e] ?? []) {
      let found = 0;
      let explained = 0;
      let last = -1;
      let inOrder = true;
      for (const t of terms) {
        let at = -1;
        let quality = 0;
        for (const [alias, q] of t.aliases) {
          const i = name.stems.indexOf(alias);
          if (i >= 0 && q > quality) [at, quality] = [i, q];
        }
        if (at < 0) continue;
        if (at < last) inOrder = false;
        last = at;
        found += name.weights[at] ?? 0;
        explained += t.weight * quality;
      }
      // "zekerheid 7" quotes the name "zekerheid 7", not "7 zekerheden".
      const order = inOrder ? 1 : NAME_ORDER_PENALTY;
      if (found > 0) best = Math.max(best, order * name.strength * (found / name.total) * (explained / totalWeight));
    }
    return best;
  }
}

/**
 * A word the authors put in a title, keyword or example question somewhere
 * names a topic; one that only occurs in running text ("exist", "need") is
 * more likely framing. Scales a term's weight between TOPICALITY_FLOOR and 1.
 */
function topicality(p: Posting): number {
  const strongest = p.weights.reduce((a, w) => Math.max(a, w), 0);
  return TOPICALITY_FLOOR + (1 - TOPICALITY_FLOOR) * strongest;
}

function partOf(t: QueryTerm): QueryTerm {
  const q = SPLIT_PART_QUALITY;
  return { ...t, quality: t.quality * q, matches: t.matches.map((m) => ({ id: m.id, quality: m.quality * q })), aliases: new Map([...t.aliases].map(([a, v]) => [a, v * q])) };
}

/** A term stands for its own stem (if known) and, a little less, for its synonyms ("money" for the keyword "geld"). */
function aliasesOf(s: string, quality: number): Map<string, number> {
  const out = new Map<string, number>();
  if (quality > 0) out.set(s, quality);
  for (const syn of synonyms(s)) out.set(syn, SYNONYM_QUALITY * (quality > 0 ? quality : 1));
  return out;
}

function strongest(matches: TermMatch[]): TermMatch | undefined {
  return matches.reduce<TermMatch | undefined>((a, m) => (!a || m.quality > a.quality ? m : a), undefined);
}

/**
 * How much a word the knowledge base does not know at all counts in the question: a
 * long one ("zwangerschapsverlof", "parkeervergunning") names a subject of its own,
 * and a question about it is not explained by the one or two known words next to it.
 */
function unknownWeight(s: string): number {
  return Math.min(1, UNKNOWN_WEIGHT + UNKNOWN_WEIGHT_PER_LETTER * Math.max(0, s.length - UNKNOWN_SHORT));
}

/** Sum over terms of weight x best match quality x field weight, per entry. */
function accumulateTerms(postings: readonly Posting[], terms: QueryTerm[], n: number): Float64Array {
  const total = new Float64Array(n);
  const best = new Float64Array(n);
  const touched: number[] = [];
  for (const term of terms) {
    for (const m of term.matches) {
      const p = postings[m.id];
      if (!p) continue;
      for (let k = 0; k < p.entries.length; k += 1) {
        const e = p.entries[k] as number;
        const v = m.quality * (p.weights[k] ?? 0);
        const prev = best[e] ?? 0;
        if (prev === 0 && v > 0) touched.push(e);
        if (v > prev) best[e] = v;
      }
    }
    for (const e of touched) {
      total[e] = (total[e] ?? 0) + term.weight * (best[e] ?? 0);
      best[e] = 0;
    }
    touched.length = 0;
  }
  return total;
}
