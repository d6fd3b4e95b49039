import Fuse from 'fuse.js';

/**
 * fuse.js as the fuzzy name matcher: does the question quote one of an entry's
 * names (title, English title, keyword), allowing typos inside the name
 * ("Ken je opgaaf", "passende financiele verhoudngen")? Both sides are already
 * normalised and stemmed (normalise.ts), so fuse compares like with like.
 *
 * fuse runs per query over the question only (one short text) with each
 * candidate name as pattern, so its cost does not grow with the knowledge base:
 * the candidates are the few entries the inverted index ranked highest.
 */
const FUSE_OPTIONS = {
  includeScore: true,
  ignoreLocation: true,
  // 0 = exact; Fuse's score is an edit-distance ratio per pattern.
  threshold: 0.2,
  minMatchCharLength: 3,
  isCaseSensitive: true, // the text is already lower-cased
  shouldSort: false,
} as const;

/** Longest name pattern compared (fuse's bitap works on 32-character chunks). */
const MAX_PATTERN = 64;

export class FuzzyQuestion {
  private readonly fuse: Fuse<string>;
  private readonly words: number;

  constructor(stems: readonly string[]) {
    this.words = stems.length;
    this.fuse = new Fuse([stems.join(' ')], FUSE_OPTIONS);
  }

  /**
   * How well the question quotes a name (its stems): fuse's similarity (1 - score),
   * scaled by the share of the question the name explains, so "ibp" inside a long
   * question about something else counts little. 0 when fuse finds no match.
   */
  quotes(nameStems: readonly string[]): number {
    // Single words are the inverted index's job (exact, typo, synonym); fuse adds
    // what it is good at: a multi-word name quoted with typos in it.
    if (this.words === 0 || nameStems.length < 2) return 0;
    const pattern = nameStems.join(' ').slice(0, MAX_PATTERN);
    if (pattern.length < FUSE_OPTIONS.minMatchCharLength) return 0;
    const [hit] = this.fuse.search(pattern);
    if (!hit || hit.score === undefined) return 0;
    return (1 - hit.score) * Math.min(1, nameStems.length / this.words);
  }
}
