/**
 * Sparse features of a text for the learned ranker (classifier.ts): character
 * n-grams (3 to 5 letters, within word boundaries) of each folded word that is not
 * a stop word; each normalised word (normalise.ts: numbers as digits) and each pair
 * of neighbouring stems; and each pair of neighbouring words of which one is a stop word.
 * Everything is hashed into a fixed number of buckets, so there is no vocabulary
 * to store and an unseen question costs the same as a known one.
 *
 * Character n-grams are what makes a learned signal useful next to the lexical
 * index: "zekerhied", "learnign" and "woondeal" share most of their n-grams with
 * "zekerheid", "learning" and "woondeals" without any typo rule, and the weights
 * learn which n-grams tell entries apart ("-deal", "klim") and which do not ("ing").
 */
import { analyse, fold } from './normalise.js';
import { isStopWord } from './stopwords.js';

/** Unique bucket ids (in no particular order) with their values (L2-normalised, so long texts do not outweigh short ones). */
export interface FeatureVector {
  ids: Int32Array;
  values: Float32Array;
}

export const MIN_NGRAM = 3;
export const MAX_NGRAM = 5;
/** How much a whole word and a pair of neighbouring stems count next to one character n-gram. */
export const WORD_WEIGHT = 2;
export const PAIR_WEIGHT = 1.5;
/**
 * Pairs of neighbouring words where one is a stop word ("sinds wanneer", "wat kan je"):
 * the search drops those words, but how a question is framed can still say what it is
 * about ("since when" asks for a start date, "what can you do" for the help).
 */
export const FRAME_WEIGHT = 1;

/** Kinds of feature, mixed into the hash so "klim" the n-gram and "klim" the word never collide on purpose. */
const NGRAM_SEED = 0x811c9dc5;
const WORD_SEED = 0x01000193 ^ 0x5bd1e995;
const PAIR_SEED = 0x27d4eb2f;
const FRAME_SEED = 0x165667b1;
const WORD = /[\p{L}\p{N}]+/gu;

/** FNV-1a over the UTF-16 code units of `s[from, to)`, with a seed per feature kind. */
function fnv(s: string, from: number, to: number, seed: number): number {
  let h = seed >>> 0;
  for (let i = from; i < to; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** fnv over `a + " " + b`, without building the string. */
function fnvPair(a: string, b: string, seed: number): number {
  let h = fnv(a, 0, a.length, seed);
  h ^= 32;
  h = Math.imul(h, 0x01000193) >>> 0;
  for (let i = 0; i < b.length; i += 1) {
    h ^= b.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The hashed character n-grams of one word, with `^`/`$` marking its start and
 * end ("^kl", "im$"). Cached: questions and entries repeat the same words.
 */
const NGRAM_CACHE = new Map<string, Uint32Array>();
const NGRAM_CACHE_LIMIT = 100_000;

function ngrams(word: string): Uint32Array {
  const known = NGRAM_CACHE.get(word);
  if (known) return known;
  const marked = `^${word}$`;
  const out: number[] = [];
  for (let n = MIN_NGRAM; n <= MAX_NGRAM; n += 1) {
    for (let i = 0; i + n <= marked.length; i += 1) out.push(fnv(marked, i, i + n, NGRAM_SEED));
  }
  const features = Uint32Array.from(out);
  if (NGRAM_CACHE.size >= NGRAM_CACHE_LIMIT) NGRAM_CACHE.clear();
  NGRAM_CACHE.set(word, features);
  return features;
}


/**
 * The feature vector of a text, hashed into `buckets` (a power of two, at most 2^29).
 * `maxWords` bounds the work for a pasted essay, like the lexical search does.
 */
export function featureVector(text: string, buckets: number, maxWords = Number.POSITIVE_INFINITY): FeatureVector {
  return accumulate(text, buckets, maxWords).vector();
}

/**
 * Many texts' feature vectors in three shared arrays (compressed rows), for training:
 * one allocation per array instead of two small typed arrays per text.
 */
export class FeaturePool {
  /** Text i's features are ids/values[start[i] .. start[i + 1]). */
  start = new Int32Array(1);
  ids = new Int32Array(1024);
  values = new Float32Array(1024);
  size = 0;

  constructor(readonly buckets: number) {}

  add(text: string): number {
    const acc = accumulate(text, this.buckets, Number.POSITIVE_INFINITY);
    const from = this.start[this.size] as number;
    const to = from + acc.length;
    if (to > this.ids.length) {
      const capacity = Math.max(to, this.ids.length * 2);
      const ids = new Int32Array(capacity);
      ids.set(this.ids.subarray(0, from));
      const values = new Float32Array(capacity);
      values.set(this.values.subarray(0, from));
      [this.ids, this.values] = [ids, values];
    }
    if (this.size + 2 > this.start.length) {
      const start = new Int32Array(this.start.length * 2 + 1);
      start.set(this.start);
      this.start = start;
    }
    acc.writeTo(this.ids, this.values, from);
    this.size += 1;
    this.start[this.size] = to;
    return this.size - 1;
  }
}

function accumulate(text: string, buckets: number, maxWords: number): Accumulator {
  const mask = buckets - 1;
  // Every word as typed (folded), stop words aside: its character n-grams. Taken before
  // normalisation turns "vierde" into "4", so "veirde" still shares most of its n-grams.
  const all = (fold(text.slice(0, Number.isFinite(maxWords) ? maxWords * 32 : text.length)).match(WORD) ?? []).slice(0, maxWords);
  const words = analyse(text, maxWords);
  const acc = accumulator(4 * (all.length + words.length) * (MAX_NGRAM + 3));
  for (const w of all) {
    if (w.length < 2 || isStopWord(w)) continue;
    const g = ngrams(w);
    for (let i = 0; i < g.length; i += 1) acc.add(g[i]! & mask, 1);
  }
  // The normalised words: each word, and each pair of neighbouring stems.
  for (let k = 0; k < words.length; k += 1) {
    // The word as normalised ("7" for "zevende"), not its stem: measured a little better on the tune half.
    const w = words[k]!.text;
    acc.add(fnv(w, 0, w.length, WORD_SEED) & mask, WORD_WEIGHT);
    if (k > 0) acc.add(fnvPair(words[k - 1]!.stem, words[k]!.stem, PAIR_SEED) & mask, PAIR_WEIGHT);
  }
  // Neighbouring words where one is a stop word: how the question is framed.
  for (let k = 1; k < all.length; k += 1) {
    const a = all[k - 1]!;
    const b = all[k]!;
    if (isStopWord(a) || isStopWord(b)) acc.add(fnvPair(a, b, FRAME_SEED) & mask, FRAME_WEIGHT);
  }
  return acc;
}

/**
 * Sums values per bucket id in one pass (an open-addressing table, reused between
 * texts: they are featurised one at a time), then hands out an L2-normalised vector.
 */
class Accumulator {
  private size = 0;
  private keys = new Int32Array(0);
  private stamps = new Int32Array(0);
  private slots = new Int32Array(0);
  private stamp = 0;
  private ids: number[] = [];
  private values: number[] = [];

  reset(capacity: number): this {
    let size = 1024;
    while (size < capacity * 2) size *= 2;
    if (size > this.size) {
      this.size = size;
      this.keys = new Int32Array(size);
      this.stamps = new Int32Array(size);
      this.slots = new Int32Array(size);
      this.stamp = 0;
    }
    this.stamp += 1;
    this.ids.length = 0;
    this.values.length = 0;
    return this;
  }

  add(id: number, value: number): void {
    const mask = this.size - 1;
    let h = Math.imul(id, 0x9e3779b1) & mask;
    while (this.stamps[h] === this.stamp) {
      if (this.keys[h] === id) {
        const slot = this.slots[h]!;
        this.values[slot] = this.values[slot]! + value;
        return;
      }
      h = (h + 1) & mask;
    }
    this.stamps[h] = this.stamp;
    this.keys[h] = id;
    this.slots[h] = this.ids.length;
    this.ids.push(id);
    this.values.push(value);
  }

  get length(): number {
    return this.ids.length;
  }

  vector(): FeatureVector {
    const ids = new Int32Array(this.length);
    const values = new Float32Array(this.length);
    this.writeTo(ids, values, 0);
    return { ids, values };
  }

  /** Writes the ids and the L2-normalised values at `at`. */
  writeTo(ids: Int32Array, values: Float32Array, at: number): void {
    let norm = 0;
    for (const v of this.values) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < this.ids.length; i += 1) {
      ids[at + i] = this.ids[i]!;
      values[at + i] = this.values[i]! / norm;
    }
  }
}

const shared = new Accumulator();
function accumulator(capacity: number): Accumulator {
  return shared.reset(capacity);
}
