/**
 * The learned half of the ranking: a multinomial logistic regression that reads
 * a question's hashed features (features.ts) and says how likely each entry is
 * the one it is about. It is trained at start-up on what the authors wrote for
 * each entry: both titles, every keyword and every example question. Training
 * is deterministic (fixed seed, fixed order of work), so two starts of the same
 * knowledge base give the same answers.
 *
 * Sparse by construction: entry e has a weight for feature f only when f occurs
 * in one of e's own training texts. Every other weight is fixed at zero, so the
 * model is an inverted index whose weights were learned instead of counted: a
 * feature many entries share ("ing", "opgave") is pushed down, one that tells
 * an entry apart ("deal" for wonen) is pushed up. Without biases an entry that
 * shares no feature with a text scores exactly 0, so the softmax over all
 * entries is exact while only the entries sharing a feature are ever touched,
 * in training and at query time alike. That keeps 5,000 entries affordable.
 *
 * Optimiser: AdaGrad with L2, a few epochs over the shuffled examples (and a misspelled
 * copy of each); the weights used are the average over the last epoch.
 */
import { FeaturePool, featureVector } from './features.js';
import type { KnowledgeEntry } from './types.js';

export interface ClassifierOptions {
  /** Passes over the examples... */
  epochs: number;
  /**
   * ...but no more example updates than this in total (at least MIN_EPOCHS passes), so
   * start-up stays fast on a big knowledge base: a few hundred entries get every pass.
   */
  maxUpdates: number;
  learningRate: number;
  l2: number;
  seed: number;
  /**
   * A feature found in more entries than this is dropped: it tells little apart, and
   * skipping it keeps training and queries cheap on a big knowledge base (every
   * example costs the length of its features' rows, in training and at query time).
   */
  maxEntriesPerFeature: number;
  /**
   * Copies of every example with one typing error (a swapped, dropped or doubled letter in
   * one longer word), trained on next to the originals: people type questions in a hurry.
   * Left out when originals and copies together would exceed maxUpdates.
   */
  noisyCopies: number;
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = {
  epochs: 10,
  maxUpdates: 100_000,
  learningRate: 1,
  l2: 3e-2,
  seed: 18,
  maxEntriesPerFeature: 64,
  noisyCopies: 1,
};

const MIN_EPOCHS = 1;
/** Examples per slice of a training in slices (`trainedInSlices`): a few milliseconds each. */
const TRAINING_SLICE = 500;
/** Most hash buckets: 2^20 rows of 4 bytes each; more would cost memory for a few collisions less. */
const MAX_BUCKETS = 1 << 20;

/** One probability per entry that shares a feature with the text; all others share `rest`. */
export interface Prediction {
  /** Entry indexes, most likely first. */
  entries: Int32Array;
  probabilities: Float64Array;
  /** The probability of each entry that shares no feature with the text. */
  rest: number;
}

export interface TrainingExample {
  entry: number;
  text: string;
}

/** The texts an entry is trained on: what authors chose as its names and its questions. */
export function trainingTexts(entry: KnowledgeEntry): string[] {
  return [entry.title, entry.title_en, ...entry.keywords, ...entry.questions];
}

/** Buckets for the hashed features: enough for few collisions, as a power of two. */
function bucketCount(examples: number): number {
  let b = 1 << 16;
  while (b < examples * 64 && b < MAX_BUCKETS) b <<= 1;
  return b;
}

/** Small, fast, seeded PRNG (mulberry32) for the shuffle. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export class EntryClassifier {
  readonly buckets: number;
  readonly size: number;
  /** Compressed rows by bucket: entries `rowEntries[rowStart[f] .. rowStart[f+1])` have a weight for f. */
  private readonly rowStart: Int32Array;
  private readonly rowEntries: Int32Array;
  private readonly weights: Float32Array;
  /** Scratch space for one query or example (the class is used from one thread). */
  private readonly scores: Float64Array;
  private readonly seen: Uint8Array;
  private readonly touched: Int32Array;

  /** Training still to do (`trainedInSlices`); undefined once trained. */
  private steps: Generator<void> | undefined;

  /**
   * Trains the classifier in slices of about TRAINING_SLICE updates, awaiting `pause` between
   * them: a knowledge reload builds a new model while the bot keeps answering (the weights
   * come out the same as from the constructor).
   */
  static async trainedInSlices(entryCount: number, examples: readonly TrainingExample[], pause: () => Promise<void>, opts: Partial<ClassifierOptions> = {}): Promise<EntryClassifier> {
    const c = new EntryClassifier(entryCount, examples, opts, true);
    for (let step = c.steps!.next(); !step.done; step = c.steps!.next()) await pause();
    c.steps = undefined;
    return c;
  }

  constructor(entryCount: number, examples: readonly TrainingExample[], opts: Partial<ClassifierOptions> = {}, inSlices = false) {
    const o = { ...DEFAULT_CLASSIFIER_OPTIONS, ...opts };
    this.size = entryCount;
    this.buckets = bucketCount(examples.length);
    this.scores = new Float64Array(entryCount);
    this.seen = new Uint8Array(entryCount);
    this.touched = new Int32Array(entryCount);
    // Misspelled copies only while they fit the update budget: a big base trains on its originals.
    if (examples.length * (1 + o.noisyCopies) <= o.maxUpdates) examples = [...examples, ...misspelled(examples, o.noisyCopies, prng(o.seed + 1))];
    const vectors = new FeaturePool(this.buckets);
    for (const x of examples) vectors.add(x.text);
    ({ rowStart: this.rowStart, rowEntries: this.rowEntries } = supportRows(
      this.buckets,
      entryCount,
      examples,
      vectors,
      o.maxEntriesPerFeature,
    ));
    this.weights = new Float32Array(this.rowEntries.length);
    this.steps = this.training(examples, vectors, o);
    if (!inSlices) {
      for (let step = this.steps.next(); !step.done; step = this.steps.next());
      this.steps = undefined;
    }
  }

  /** Number of learned weights (for the benchmark's memory report). */
  get parameters(): number {
    return this.weights.length;
  }

  predict(text: string, maxWords?: number): Prediction {
    if (this.steps) throw new Error('EntryClassifier: still training');
    const v = featureVector(text, this.buckets, maxWords);
    const n = this.score(v.ids, v.values, 0, v.ids.length);
    const rest = this.softmax(n);
    const { scores, touched, seen } = this;
    const order = Array.from(touched.subarray(0, n)).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
    const entries = Int32Array.from(order);
    const probabilities = Float64Array.from(order, (e) => scores[e] as number);
    for (const e of order) seen[e] = 0;
    return { entries, probabilities, rest };
  }

  /**
   * Scores every entry sharing a feature with `v` into `scores`, and lists those
   * entries in `touched`; returns how many there are.
   */
  private score(ids: Int32Array, values: Float32Array, from: number, to: number): number {
    const { rowStart, rowEntries, weights, scores, seen, touched } = this;
    let n = 0;
    for (let k = from; k < to; k += 1) {
      const f = ids[k] as number;
      const x = values[k] as number;
      for (let j = rowStart[f] as number, end = rowStart[f + 1] as number; j < end; j += 1) {
        const e = rowEntries[j] as number;
        if (seen[e] === 0) {
          seen[e] = 1;
          scores[e] = 0;
          touched[n] = e;
          n += 1;
        }
        scores[e] = (scores[e] as number) + x * (weights[j] as number);
      }
    }
    return n;
  }

  /**
   * Turns the first `n` touched entries' scores into probabilities of the softmax
   * over all entries (the untouched ones score 0); returns an untouched entry's probability.
   */
  private softmax(n: number): number {
    const { scores, touched } = this;
    let max = 0;
    for (let i = 0; i < n; i += 1) max = Math.max(max, scores[touched[i] as number] as number);
    const restExp = Math.exp(-max);
    let z = (this.size - n) * restExp;
    for (let i = 0; i < n; i += 1) {
      const e = touched[i] as number;
      const x = Math.exp((scores[e] as number) - max);
      scores[e] = x;
      z += x;
    }
    for (let i = 0; i < n; i += 1) {
      const e = touched[i] as number;
      scores[e] = (scores[e] as number) / z;
    }
    return z > 0 ? restExp / z : 0;
  }

  /** The training, yielding after every TRAINING_SLICE examples. */
  private *training(examples: readonly TrainingExample[], vectors: FeaturePool, o: ClassifierOptions): Generator<void> {
    const { rowStart, rowEntries, weights, scores, seen, touched } = this;
    const squared = new Float32Array(weights.length);
    const random = prng(o.seed);
    const order = examples.map((_, i) => i);
    const epochs = Math.max(Math.min(MIN_EPOCHS, o.epochs), Math.min(o.epochs, Math.floor(o.maxUpdates / Math.max(1, examples.length))));
    // The weights handed out are the average over the last epoch's steps (averaged SGD): the
    // order of the last few examples no longer decides between two entries that say the same.
    // Kept lazily: a weight's running sum is brought up to date only when it changes.
    const sum = new Float64Array(weights.length);
    const since = new Int32Array(weights.length);
    let step = 0;
    let sliced = 0;
    for (let epoch = 0; epoch < epochs; epoch += 1) {
      const averaging = epoch === epochs - 1;
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      for (const i of order) {
        const from = vectors.start[i] as number;
        const to = vectors.start[i + 1] as number;
        const target = (examples[i] as TrainingExample).entry;
        const n = this.score(vectors.ids, vectors.values, from, to);
        this.softmax(n);
        // scores[e] now holds p(e); the gradient of the log loss on e's weights is (p(e) - [e is the target]) * x.
        if (seen[target] === 1) scores[target] = (scores[target] as number) - 1;
        for (let k = from; k < to; k += 1) {
          const f = vectors.ids[k] as number;
          const x = vectors.values[k] as number;
          for (let j = rowStart[f] as number, end = rowStart[f + 1] as number; j < end; j += 1) {
            const w = weights[j] as number;
            const g = (scores[rowEntries[j] as number] as number) * x + o.l2 * w;
            const s = (squared[j] as number) + g * g;
            squared[j] = s;
            if (averaging) {
              sum[j] = (sum[j] as number) + w * (step - (since[j] as number));
              since[j] = step;
            }
            weights[j] = w - (o.learningRate * g) / (Math.sqrt(s) + 1e-8);
          }
        }
        for (let t = 0; t < n; t += 1) seen[touched[t] as number] = 0;
        if (averaging) step += 1;
        if (++sliced % TRAINING_SLICE === 0) yield;
      }
    }
    if (step === 0) return;
    for (let j = 0; j < weights.length; j += 1) weights[j] = ((sum[j] as number) + (weights[j] as number) * (step - (since[j] as number))) / step;
  }
}

/**
 * Which entry may weigh which feature: the features of its own examples,
 * except those found in more than `maxEntries` entries. Built as compressed rows
 * by bucket with a counting sort, entries ascending within a row.
 */
function supportRows(
  buckets: number,
  entryCount: number,
  examples: readonly TrainingExample[],
  vectors: FeaturePool,
  maxEntries: number,
): { rowStart: Int32Array; rowEntries: Int32Array } {
  // Each entry's distinct features: its examples' ids, concatenated, sorted, deduplicated.
  const byEntry: number[][] = Array.from({ length: entryCount }, () => []);
  examples.forEach((x, i) => byEntry[x.entry]?.push(i));
  const features: Int32Array[] = byEntry.map((list) => {
    let total = 0;
    for (const i of list) total += (vectors.start[i + 1] as number) - (vectors.start[i] as number);
    const all = new Int32Array(total);
    let at = 0;
    for (const i of list) {
      const ids = vectors.ids.subarray(vectors.start[i] as number, vectors.start[i + 1] as number);
      all.set(ids, at);
      at += ids.length;
    }
    all.sort();
    let unique = 0;
    for (let k = 0; k < all.length; k += 1) if (k === 0 || all[k] !== all[k - 1]) all[unique++] = all[k] as number;
    return all.subarray(0, unique);
  });
  const counts = new Int32Array(buckets);
  for (const fs of features) for (let k = 0; k < fs.length; k += 1) counts[fs[k] as number] = (counts[fs[k] as number] as number) + 1;
  for (let f = 0; f < buckets; f += 1) if ((counts[f] as number) > maxEntries) counts[f] = 0;
  const rowStart = new Int32Array(buckets + 1);
  for (let f = 0; f < buckets; f += 1) rowStart[f + 1] = (rowStart[f] as number) + (counts[f] as number);
  const rowEntries = new Int32Array(rowStart[buckets] as number);
  const fill = rowStart.slice(0, buckets);
  features.forEach((fs, e) => {
    for (let k = 0; k < fs.length; k += 1) {
      const f = fs[k] as number;
      if ((counts[f] as number) === 0) continue;
      rowEntries[fill[f] as number] = e;
      fill[f] = (fill[f] as number) + 1;
    }
  });
  return { rowStart, rowEntries };
}

/** `copies` misspelled versions of each example (those that have a word long enough to misspell). */
function misspelled(examples: readonly TrainingExample[], copies: number, random: () => number): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (let c = 0; c < copies; c += 1) {
    for (const x of examples) {
      const text = misspell(x.text, random);
      if (text !== x.text) out.push({ entry: x.entry, text });
    }
  }
  return out;
}

/** One typing error in one word of five or more letters: a swapped, dropped or doubled letter. */
function misspell(text: string, random: () => number): string {
  const words = [...text.matchAll(/\p{L}{5,}/gu)];
  if (words.length === 0) return text;
  const m = words[Math.floor(random() * words.length)]!;
  const w = m[0];
  const i = 1 + Math.floor(random() * (w.length - 2));
  const kind = Math.floor(random() * 3);
  const typo = kind === 0 ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2) : kind === 1 ? w.slice(0, i) + w.slice(i + 1) : w.slice(0, i) + w[i] + w.slice(i);
  return text.slice(0, m.index) + typo + text.slice(m.index + w.length);
}
