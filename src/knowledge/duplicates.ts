/**
 * Example questions two entries both claim. The bot can answer a question
 * with only one entry, so a question listed under two entries is a promise one
 * of them breaks; `validate` refuses it.
 *
 * Two questions are the same or nearly the same when the sets of their
 * normalised words (stems, without stop words; numbers as digits; a numbered
 * noun with its number as one word, see normalise.ts) overlap by at least
 * NEAR_DUPLICATE_SIMILARITY (Jaccard: shared words / all words).
 * "Wat zijn woondeals?" and "welke woondeals zijn er" are the same ({woondeal});
 * "Wat is de tweede zekerheid?" and "zekerheid 2" too ({zekerheid2}); "zekerheid 2"
 * and "zekerheid 3" are not, nor are "de zevende zekerheid" ({zekerheid7}) and
 * "de 7 zekerheden" ({7, zekerheid}). With 0.8, a question of five or more words
 * may differ in one word at most.
 * A question made only of stop words ("wat kan je?") is compared by all its words.
 */
import { analyse, fold, type Word } from './normalise.js';

export const NEAR_DUPLICATE_SIMILARITY = 0.8;

/** The words two questions are compared by, without repeats. */
export function questionWords(question: string): string[] {
  const groups = new Map<number, Word[]>();
  for (const w of analyse(question)) groups.set(w.group, [...(groups.get(w.group) ?? []), w]);
  const stems = [...new Set([...groups.values()].map((g) => g.map((w) => w.stem).join('')))];
  return stems.length > 0 ? stems : [...new Set(fold(question).match(/[\p{L}\p{N}]+/gu) ?? [])];
}

export function similarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const set = new Set(a);
  let shared = 0;
  for (const w of new Set(b)) if (set.has(w)) shared += 1;
  return shared / (set.size + new Set(b).size - shared);
}

export interface OwnedQuestion {
  /** Who claims it: an entry id. */
  owner: string;
  text: string;
}

export interface DuplicatePair {
  first: OwnedQuestion;
  second: OwnedQuestion;
  similarity: number;
}

/**
 * Pairs of questions of different owners at or above the threshold, each pair once,
 * `first` earlier in the input. Uses prefix filtering, so a big knowledge base does not
 * compare every question with every other: two sets with Jaccard >= t must share one
 * of the |s| - ceil(t|s|) + 1 rarest words of each.
 */
export function nearDuplicates(questions: readonly OwnedQuestion[], threshold = NEAR_DUPLICATE_SIMILARITY): DuplicatePair[] {
  const words = questions.map((q) => questionWords(q.text));
  const frequency = new Map<string, number>();
  for (const ws of words) for (const w of ws) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const rarestFirst = (a: string, b: string): number => (frequency.get(a) ?? 0) - (frequency.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0);
  const byPrefixWord = new Map<string, number[]>();
  const out: DuplicatePair[] = [];
  words.forEach((ws, i) => {
    const sorted = [...ws].sort(rarestFirst);
    const prefix = sorted.slice(0, sorted.length - Math.ceil(threshold * sorted.length) + 1);
    const candidates = new Set<number>();
    for (const w of prefix) for (const j of byPrefixWord.get(w) ?? []) candidates.add(j);
    for (const j of [...candidates].sort((a, b) => a - b)) {
      const first = questions[j] as OwnedQuestion;
      const second = questions[i] as OwnedQuestion;
      if (first.owner === second.owner) continue;
      const s = similarity(words[j] as string[], ws);
      if (s >= threshold) out.push({ first, second, similarity: s });
    }
    for (const w of prefix) {
      const list = byPrefixWord.get(w);
      if (list) list.push(i);
      else byPrefixWord.set(w, [i]);
    }
  });
  return out;
}
