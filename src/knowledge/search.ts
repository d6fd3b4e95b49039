/**
 * Finds the knowledge entry a question is about, and says how sure it is.
 *
 * Two signals, blended per entry:
 *  - lexical (lexical.ts): how well the entry's own words explain the question,
 *    with field weights, rarity, typos, compounds, synonyms and names;
 *  - learned (classifier.ts): a logistic regression over character n-grams and
 *    words, trained at start-up on each entry's titles, keywords and example
 *    questions. It ranks paraphrases, typos and English questions the lexical
 *    score half-misses.
 * The blended score of the best entry, and how far the runner-up trails it,
 * decide between answering, suggesting ("Bedoelde je...") and admitting there is
 * no answer. The weights and thresholds (RANKING) are calibrated on the tune half
 * of the evaluation set only (bench/calibrate.ts); the test half checks them
 * (bench/eval.ts).
 */
import { EntryClassifier, trainingTexts, type ClassifierOptions, type Prediction } from './classifier.js';
import { LexicalIndex, MAX_QUERY_CHARS, MAX_QUERY_WORDS, type SearchHit } from './lexical.js';
import { languageLexicon } from './dictionary.js';
import { correctOrdinals, fromList } from './ordinals.js';
import { Spelling } from './spelling.js';
import type { KnowledgeEntry } from './types.js';

export { MAX_QUERY_CHARS, MAX_QUERY_WORDS, type SearchHit };

export type SearchConfidence = 'answer' | 'suggest' | 'none';

export interface SearchResult {
  /** Best first. Empty when `confidence` is 'none'. */
  hits: SearchHit[];
  confidence: SearchConfidence;
}

export interface SearchOptions {
  /** Most hits returned (default DEFAULT_LIMIT). */
  limit?: number;
}

/** The knobs of the blend and the decision. */
export interface RankingParams {
  /** Share of the learned signal in the blended score (0..1); the rest is the lexical score. */
  learnedShare: number;
  /** The top entry is answered directly from this blended score... */
  answerMinScore: number;
  /** ...when the runner-up scores at most this share of it... */
  answerMaxRunnerUpShare: number;
  /** ...or trails it by at least this much. Otherwise two entries are close contenders: "Bedoelde je...". */
  answerMinLead: number;
  /**
   * The classifier alone answers when it is this sure (and the blend agrees on the
   * entry): a question made only of words the search drops ("wat kan je?") has no
   * lexical score at all. Above 1: never.
   */
  learnedAloneMin: number;
  /** Below this blended score nothing is plausible: "dat weet ik niet", and a knowledge gap is logged. */
  suggestMinScore: number;
}

/** Calibrated on the tune half of tests/fixtures/eval (bench/calibrate.ts). */
export const RANKING: Readonly<RankingParams> = {
  learnedShare: 0.55,
  answerMinScore: 0.2,
  answerMaxRunnerUpShare: 0.7,
  answerMinLead: 0.02,
  learnedAloneMin: 1.01,
  suggestMinScore: 0.2,
};

export const ANSWER_MIN_SCORE = RANKING.answerMinScore;
export const ANSWER_MAX_RUNNER_UP_SHARE = RANKING.answerMaxRunnerUpShare;
export const ANSWER_MIN_LEAD = RANKING.answerMinLead;
export const SUGGEST_MIN_SCORE = RANKING.suggestMinScore;
/** Hits scoring under this share of the top hit are not worth showing next to it. */
export const SUGGEST_MIN_SHARE_OF_TOP = 0.5;
export const DEFAULT_LIMIT = 3;
/** The classifier's most likely entries considered next to the lexical candidates. */
const LEARNED_CANDIDATES = 20;

/** One entry's two signals for a question. */
export interface Candidate {
  entry: number;
  lexical: number;
  /**
   * The classifier's probability above what an entry sharing nothing with the
   * question gets, rescaled to 0..1: so 0 means "no evidence", whatever the size
   * of the knowledge base (a uniform guess over 5 entries is not 20 % evidence).
   */
  learned: number;
}

export class KnowledgeIndex {
  readonly entries: readonly KnowledgeEntry[];
  private readonly lexical: LexicalIndex;
  private readonly classifier: EntryClassifier;
  private readonly params: RankingParams;
  private readonly position: Map<KnowledgeEntry, number>;
  private readonly spelling: Spelling;

  /** `trained`: the learned ranker for these entries, trained already (`build`). */
  constructor(entries: readonly KnowledgeEntry[], params: Partial<RankingParams> = {}, classifier: Partial<ClassifierOptions> = {}, trained?: EntryClassifier) {
    this.entries = entries;
    this.params = { ...RANKING, ...params };
    this.lexical = new LexicalIndex(entries);
    this.position = new Map(entries.map((e, i) => [e, i]));
    const examples = trainingExamples(entries);
    this.classifier = trained ?? new EntryClassifier(entries.length, examples, classifier);
    this.spelling = new Spelling(examples.map((x) => x.text), languageLexicon);
  }

  /**
   * The same index, built with pauses (`pause` between slices of the training and before
   * the lexical index): for a knowledge reload, while the bot keeps answering.
   */
  static async build(entries: readonly KnowledgeEntry[], pause: () => Promise<void>): Promise<KnowledgeIndex> {
    const trained = await EntryClassifier.trainedInSlices(entries.length, trainingExamples(entries), pause);
    await pause();
    return new KnowledgeIndex(entries, {}, {}, trained);
  }

  /** Number of learned weights (for the benchmark's memory report). */
  get learnedParameters(): number {
    return this.classifier.parameters;
  }

  search(query: string, opts: SearchOptions = {}): SearchResult {
    const limit = Math.max(1, opts.limit ?? DEFAULT_LIMIT);
    const first = decide(this.candidates(query), this.entries, this.params, limit);
    if (first.confidence === 'answer') return first;
    // Not answered: once more with its mistyped words spelled as the knowledge base spells
    // them; only a direct answer to that counts. Words of Dutch or English are never
    // "corrected" (spelling.ts), so an out-of-domain question stays out of the domain.
    const corrected = this.spelling.corrected(query.slice(0, MAX_QUERY_CHARS), MAX_QUERY_WORDS);
    if (corrected === undefined) return first;
    const second = decide(this.candidates(corrected), this.entries, this.params, limit);
    return second.confidence === 'answer' ? second : first;
  }

  /** Both signals for every entry either one finds plausible (for search and for calibration). */
  candidates(query: string): Candidate[] {
    const text = correctOrdinals(fromList(query.slice(0, MAX_QUERY_CHARS)), (s) => this.lexical.knows(s));
    const lexical = this.lexical.rank(text);
    const learned = this.classifier.predict(text, MAX_QUERY_WORDS);
    const byEntry = new Map<number, Candidate>();
    for (const hit of lexical) {
      const entry = this.position.get(hit.entry) as number;
      byEntry.set(entry, { entry, lexical: hit.score, learned: 0 });
    }
    const lift = liftOf(learned);
    for (let i = 0; i < learned.entries.length; i += 1) {
      const entry = learned.entries[i] as number;
      const p = lift(learned.probabilities[i] as number);
      const known = byEntry.get(entry);
      if (known) known.learned = p;
      else if (i < LEARNED_CANDIDATES && p > 0) byEntry.set(entry, { entry, lexical: 0, learned: p });
    }
    return [...byEntry.values()];
  }
}

/** What the learned ranker is trained on: each entry's titles, keywords and example questions. */
function trainingExamples(entries: readonly KnowledgeEntry[]): { entry: number; text: string }[] {
  return entries.flatMap((e, entry) => trainingTexts(e).map((text) => ({ entry, text })));
}

function liftOf(p: Prediction): (x: number) => number {
  const floor = p.rest;
  return (x) => (floor >= 1 ? 0 : Math.max(0, x - floor) / (1 - floor));
}

/** The blended score of one candidate (0..1). */
export function blended(c: Candidate, params: RankingParams): number {
  return (1 - params.learnedShare) * c.lexical + params.learnedShare * c.learned;
}

/** Answer, suggest or refuse, from the candidates' two signals. Pure, so calibration can replay it. */
export function decide(candidates: readonly Candidate[], entries: readonly KnowledgeEntry[], params: RankingParams, limit = DEFAULT_LIMIT): SearchResult {
  const ranked = candidates
    .map((c) => ({ c, score: blended(c, params) }))
    .sort((a, b) => b.score - a.score || b.c.learned - a.c.learned || a.c.entry - b.c.entry);
  const top = ranked[0];
  if (!top) return { hits: [], confidence: 'none' };
  const runnerUp = ranked[1]?.score ?? 0;
  const clearLead = runnerUp <= top.score * params.answerMaxRunnerUpShare || top.score - runnerUp >= params.answerMinLead;
  const sureAlone = top.c.learned >= params.learnedAloneMin;
  if ((top.score >= params.answerMinScore && clearLead) || sureAlone) {
    const floor = Math.max(params.suggestMinScore, top.score * SUGGEST_MIN_SHARE_OF_TOP);
    return { hits: hitsOf(ranked, entries, floor, limit), confidence: 'answer' };
  }
  if (top.score < params.suggestMinScore) return { hits: [], confidence: 'none' };
  const floor = Math.max(params.suggestMinScore, top.score * SUGGEST_MIN_SHARE_OF_TOP);
  return { hits: hitsOf(ranked, entries, floor, limit), confidence: 'suggest' };
}

function hitsOf(ranked: { c: Candidate; score: number }[], entries: readonly KnowledgeEntry[], floor: number, limit: number): SearchHit[] {
  const out: SearchHit[] = [];
  for (const [i, r] of ranked.entries()) {
    if (out.length >= limit || (i > 0 && r.score < floor)) break;
    out.push({ entry: entries[r.c.entry] as KnowledgeEntry, score: Math.min(1, r.score) });
  }
  return out;
}
