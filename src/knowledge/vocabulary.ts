/**
 * The index's terms (stems) with the three lookups a query word needs: exact,
 * compound parts ("schuld" inside "schuldhulpverlening") and typo tolerance.
 * Everything is precomputed at construction; a lookup touches a few map
 * entries and one bounded edit-distance check per candidate.
 */

export interface TermMatch {
  id: number;
  /** 1 for an exact match, lower for a typo or a compound part. */
  quality: number;
}

/** A query word that is the head or tail of a longer compound term. */
export const COMPOUND_QUALITY = 0.6;
/** Letters a long word must share with a term before the term is checked as a typo of it. */
const TYPO_HEAD = 5;
/** Shortest word that may stand for part of a compound. */
const MIN_COMPOUND_PART = 4;
/** A compound must add at least this many letters, or it is just another inflection. */
const MIN_COMPOUND_EXTRA = 3;
const MAX_COMPOUND_MATCHES = 24;

/** A question word sharing a long head with a term: the same family ("rapporteert", "rapportage"). */
export const FAMILY_QUALITY = 0.5;
/** Shortest shared head for a family match, and its least share of the word. */
const MIN_FAMILY_HEAD = 5;
const MIN_FAMILY_SHARE = 0.6;

/**
 * Typos allowed: none for words under four letters, where one letter turns a
 * word into another. Four-letter words allow only a swap or a missing letter
 * ("hepl", "hlp"), see `shortWordTypo`.
 */
export function maxEdits(length: number): number {
  if (length < 4) return 0;
  return length < 7 ? 1 : 2;
}

/** A four-letter word differs from a term by a swap of neighbours or by one left-out letter; a changed letter is too likely another word ("kaart", "part"). */
function shortWordTypo(word: string, term: string): boolean {
  if (term.length === word.length + 1) return true;
  return term.length === word.length && [...word].sort().join('') === [...term].sort().join('');
}

/** Quality of a match at edit distance `d`: one typo in a long word costs less than in a short one. */
export function fuzzyQuality(d: number, length: number): number {
  return Math.max(0.5, 1 - d / length);
}

const fuzzyEligible = (term: string): boolean => !/\d/.test(term) && maxEdits(term.length) > 0;

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i += 1) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits), or `max + 1` once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

const reverse = (s: string): string => [...s].reverse().join('');

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Ids of terms starting with `key` (in `sorted`), longer than it by at least `minExtra` letters. */
function withPrefix(sorted: readonly string[], ids: readonly number[], key: string, minExtra: number): number[] {
  const out: number[] = [];
  for (let i = lowerBound(sorted, key); i < sorted.length && out.length < MAX_COMPOUND_MATCHES; i += 1) {
    const t = sorted[i] as string;
    if (!t.startsWith(key)) break;
    if (t.length >= key.length + minExtra) out.push(ids[i] as number);
  }
  return out;
}

export class Vocabulary {
  readonly terms: readonly string[];
  private readonly ids = new Map<string, number>();
  private readonly byPrefix: { sorted: string[]; ids: number[] };
  private readonly bySuffix: { sorted: string[]; ids: number[] };
  /** One-letter deletions of each term -> ids of the terms (symmetric-delete typo index). */
  private readonly deletes = new Map<string, number[]>();
  /** Length of the longest term: a much longer word is no typo of a term, and no term shares a longer head. */
  readonly longest: number;

  /** `terms` must be unique; a term's id is its position. */
  constructor(terms: readonly string[]) {
    this.terms = terms;
    terms.forEach((t, id) => this.ids.set(t, id));
    this.longest = terms.reduce((n, t) => Math.max(n, t.length), 0);
    const order = terms.map((_, id) => id);
    this.byPrefix = sortedView(terms, order, (t) => t);
    this.bySuffix = sortedView(terms, order, reverse);
    terms.forEach((t, id) => {
      if (!fuzzyEligible(t)) return;
      for (const d of new Set(deletions(t))) {
        const list = this.deletes.get(d);
        if (list) list.push(id);
        else this.deletes.set(d, [id]);
      }
    });
  }

  get size(): number {
    return this.terms.length;
  }

  id(term: string): number | undefined {
    return this.ids.get(term);
  }

  /** Longer terms that `word` begins or ends ("energie" -> "energietransitie", "strategie" -> "energiestrategie"). */
  compounds(word: string): TermMatch[] {
    if (word.length < MIN_COMPOUND_PART || /\d/.test(word)) return [];
    const { byPrefix, bySuffix } = this;
    const heads = withPrefix(byPrefix.sorted, byPrefix.ids, word, MIN_COMPOUND_EXTRA);
    const tails = withPrefix(bySuffix.sorted, bySuffix.ids, reverse(word), MIN_COMPOUND_EXTRA);
    return [...new Set([...heads, ...tails])].map((id) => ({ id, quality: COMPOUND_QUALITY }));
  }

  private withHead(word: string, length: number): number[] {
    if (word.length <= length) return [];
    return withPrefix(this.byPrefix.sorted, this.byPrefix.ids, word.slice(0, length), 0);
  }

  /** Terms sharing the longest possible head with an unknown word (at least MIN_FAMILY_HEAD letters and MIN_FAMILY_SHARE of it). */
  family(word: string): TermMatch[] {
    if (/\d/.test(word)) return [];
    const shortest = Math.max(MIN_FAMILY_HEAD, Math.ceil(word.length * MIN_FAMILY_SHARE));
    // No term starts with a head longer than the longest term: start there, not at the word's length.
    for (let len = Math.min(word.length - 1, this.longest); len >= shortest; len -= 1) {
      const ids = withPrefix(this.byPrefix.sorted, this.byPrefix.ids, word.slice(0, len), 0);
      if (ids.length > 0) return ids.map((id) => ({ id, quality: FAMILY_QUALITY }));
    }
    return [];
  }

  /** Terms within the allowed edit distance of `word`, excluding `word` itself. */
  fuzzy(word: string): TermMatch[] {
    if (!fuzzyEligible(word)) return [];
    const max = maxEdits(word.length);
    // A word this much longer than every term is more than `max` edits from all of them. Checked
    // first: the deletion variants below grow with the cube of the word's length (a 2,000-letter
    // "word" took minutes).
    if (word.length - max > this.longest) return [];
    const variants = new Set([word, ...deletions(word)]);
    if (max > 1) for (const v of [...variants]) for (const d of deletions(v)) variants.add(d);
    // Deletions find most typos; a word missing letters near its end
    // ("zekerhden") is caught by the terms sharing its head.
    const candidates = new Set<number>(this.withHead(word, TYPO_HEAD));
    for (const v of variants) {
      const exact = this.ids.get(v);
      if (exact !== undefined) candidates.add(exact);
      for (const id of this.deletes.get(v) ?? []) candidates.add(id);
    }
    const out: TermMatch[] = [];
    for (const id of candidates) {
      const term = this.terms[id] as string;
      // People rarely mistype the first letter; a "correction" that changes it finds another word ("printer" -> "inter").
      if (term === word || !fuzzyEligible(term) || term[0] !== word[0]) continue;
      const d = editDistance(word, term, max);
      if (d > max || (word.length === 4 && !shortWordTypo(word, term))) continue;
      out.push({ id, quality: fuzzyQuality(d, Math.max(word.length, term.length)) });
    }
    return out;
  }

  /**
   * Splits an unknown compound into two known terms ("geldverdeling" -> "geld" +
   * "verdel"), trying the Dutch linking letters s/e/en. `stem` re-stems a part.
   */
  split(word: string, stem: (w: string) => string): [string, string] | undefined {
    let best: [string, string] | undefined;
    let bestShortest = 0;
    for (let i = MIN_COMPOUND_PART; i <= word.length - MIN_COMPOUND_PART; i += 1) {
      const right = stem(word.slice(i));
      if (!this.ids.has(right)) continue;
      const head = word.slice(0, i);
      const left = [head, head.replace(/(?:s|en|e)$/, '')].map(stem).find((l) => l.length >= 3 && this.ids.has(l));
      const shortest = Math.min(i, word.length - i);
      if (left !== undefined && shortest > bestShortest) {
        best = [left, right];
        bestShortest = shortest;
      }
    }
    return best;
  }
}

function sortedView(terms: readonly string[], order: number[], key: (t: string) => string): { sorted: string[]; ids: number[] } {
  const keyed = order.map((id) => ({ id, k: key(terms[id] as string) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return { sorted: keyed.map((x) => x.k), ids: keyed.map((x) => x.id) };
}
