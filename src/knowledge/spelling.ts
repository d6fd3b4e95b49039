/**
 * A second try for a question the search did not answer ("Bedoelde je…" or "weet ik
 * niet"): its words the knowledge base does not use, each replaced by the closest word it
 * does use (vocabulary.ts: one or two typing errors, depending on length; first letter
 * kept, except as in `firstLetter`), when there is exactly one closest ("opgavenn" ->
 * "opgaven"). Only a direct answer to the corrected text is taken (search.ts).
 *
 * A word is only corrected when it is a typo: a word of Dutch or English (dictionary.ts) is
 * left alone ("betaalt" does not become the knowledge base's "bepaalt"), and so is a word
 * one typing error from a real word when the knowledge base's word is two away ("bbetaalt"
 * is "betaalt" mistyped, not "bepaalt"). Without that check, retrying refusals answered
 * out-of-domain questions ("wie betaalt de lunch" -> "wie bepaalt de launch"), so only
 * "Bedoelde je…" was retried. Measured on the tune half, synthetic typos of it (one random
 * typing error per question, five times over: 560) and 95 out-of-domain questions (the
 * tune half's, bench/fixtures/dev-ood.json and a few more) with and without typos (475):
 * retrying everything with the check answered 11 more typo'd questions (513 -> 524 of 560;
 * 526 with first letters) and no more out-of-domain ones, except three typo'd forms of a
 * question the search already answers untyped; without the check, 14 more typo'd
 * out-of-domain questions and 2 more untyped ones were answered. (Four seeds: 9 to 14 more
 * right, at most 2 more out-of-domain answered.)
 */
import { editsAt, type Lexicon } from './dictionary.js';
import { editDistance, Vocabulary } from './vocabulary.js';

const WORD = /\p{L}+/gu;
/** Shorter words are left alone: one letter turns them into another word. */
const MIN_WORD = 4;
/**
 * Words per question checked for a closer real word (each check tries every one-error
 * spelling: about 2 ms). A question with more unknown words far from the knowledge base's is
 * not one a correction would save.
 */
const MAX_NEIGHBOUR_CHECKS = 1;
/** Shortest word whose first letter may be corrected. */
const MIN_FIRST_LETTER_WORD = 5;

export class Spelling {
  private readonly vocabulary: Vocabulary;
  private readonly frequency: Int32Array;

  /** `lexicon`: the languages' words, fetched on first need (without: every unknown word is a typo). */
  constructor(texts: Iterable<string>, private readonly lexicon?: () => Lexicon) {
    const counts = new Map<string, number>();
    for (const text of texts) for (const [w] of text.toLowerCase().matchAll(WORD)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const words = [...counts.keys()];
    this.vocabulary = new Vocabulary(words);
    this.frequency = Int32Array.from(words, (w) => counts.get(w) as number);
  }

  /**
   * The closest knowledge-base word for a mistyped one, or undefined (known, a word of the
   * language, nothing close, a tie, or closer to another real word). `budget` counts the
   * closer-word checks left for this question.
   */
  correct(word: string, budget = { checks: MAX_NEIGHBOUR_CHECKS }): string | undefined {
    if (word.length < MIN_WORD || this.vocabulary.id(word) !== undefined) return undefined;
    const lexicon = this.lexicon?.();
    if (lexicon?.isWord(word)) return undefined;
    let best: { id: number; quality: number; frequency: number } | undefined;
    let tie = false;
    for (const m of this.vocabulary.fuzzy(word)) {
      const frequency = this.frequency[m.id] as number;
      if (!best || m.quality > best.quality || (m.quality === best.quality && frequency > best.frequency)) {
        best = { ...m, frequency };
        tie = false;
      } else if (m.quality === best.quality && frequency === best.frequency) tie = true;
    }
    if (!best && !tie && lexicon && word.length >= MIN_FIRST_LETTER_WORD) return this.firstLetter(word, lexicon, budget);
    if (!best || tie) return undefined;
    const term = this.vocabulary.terms[best.id] as string;
    if (lexicon && editDistance(word, term, 2) > 1 && !this.noCloserWord(word, lexicon, budget)) return undefined;
    return term;
  }

  /** Whether no real word outside the knowledge base is one error from `word` (false when the question's checks are used up). */
  private noCloserWord(word: string, lexicon: Lexicon, budget: { checks: number }): boolean {
    if (budget.checks <= 0) return false;
    budget.checks -= 1;
    return lexicon.neighbour(word, (w) => this.vocabulary.id(w) !== undefined) === undefined;
  }

  /**
   * A knowledge-base word one error away at the first letter ("chulden" -> "schulden",
   * "tekerheden" -> "zekerheden"): the index never tries those, as without a word list they
   * find other words ("printer" -> "inter"). Only when it is the one such word and no other
   * real word is one error away.
   */
  private firstLetter(word: string, lexicon: Lexicon, budget: { checks: number }): string | undefined {
    const found = new Set<string>();
    for (const v of editsAt(word, 0)) if (this.vocabulary.id(v) !== undefined) found.add(v);
    const [term, ...others] = found;
    return term !== undefined && others.length === 0 && this.noCloserWord(word, lexicon, budget) ? term : undefined;
  }

  /** `text` with its unknown words corrected (the first `maxWords` words); undefined when nothing changed. */
  corrected(text: string, maxWords: number): string | undefined {
    let n = 0;
    let changed = false;
    const budget = { checks: MAX_NEIGHBOUR_CHECKS };
    const out = text.toLowerCase().replace(WORD, (w) => {
      if (++n > maxWords) return w;
      const c = this.correct(w, budget);
      if (c === undefined) return w;
      changed = true;
      return c;
    });
    return changed ? out : undefined;
  }
}
