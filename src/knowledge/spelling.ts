/**
 * A second try for a question the search only half understood ("Bedoelde je…"): its words
 * the knowledge base does not use, each replaced by the closest word it does use
 * (vocabulary.ts: one or two typing errors, depending on length; first letter kept), when
 * there is exactly one closest ("opgavenn" -> "opgaven"). Only a direct answer to the
 * corrected text is taken (search.ts).
 *
 * Refused questions are not retried. Measured on the tune half, synthetic typos of it (one
 * random typing error per question, five times over) and 95 out-of-domain questions (the
 * tune half's, bench/fixtures/dev-ood.json and a few more) with and without typos: retrying
 * refusals too answered 13 more of 560 typo'd in-domain questions, but also 2 of 95 and 14
 * of 475 out-of-domain ones ("wie betaalt de lunch" -> "wie bepaalt de launch": a correct
 * word the entries do not use becomes one they do). Retrying only "Bedoelde je…" gains
 * little (1 of 560) and answers no out-of-domain question.
 */
import { Vocabulary } from './vocabulary.js';

const WORD = /\p{L}+/gu;
/** Shorter words are left alone: one letter turns them into another word. */
const MIN_WORD = 4;

export class Spelling {
  private readonly vocabulary: Vocabulary;
  private readonly frequency: Int32Array;

  constructor(texts: Iterable<string>) {
    const counts = new Map<string, number>();
    for (const text of texts) for (const [w] of text.toLowerCase().matchAll(WORD)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const words = [...counts.keys()];
    this.vocabulary = new Vocabulary(words);
    this.frequency = Int32Array.from(words, (w) => counts.get(w) as number);
  }

  /** The closest known word for an unknown one, or undefined (known, nothing close, or a tie). */
  correct(word: string): string | undefined {
    if (word.length < MIN_WORD || this.vocabulary.id(word) !== undefined) return undefined;
    let best: { id: number; quality: number; frequency: number } | undefined;
    let tie = false;
    for (const m of this.vocabulary.fuzzy(word)) {
      const frequency = this.frequency[m.id] as number;
      if (!best || m.quality > best.quality || (m.quality === best.quality && frequency > best.frequency)) {
        best = { ...m, frequency };
        tie = false;
      } else if (m.quality === best.quality && frequency === best.frequency) tie = true;
    }
    return best && !tie ? this.vocabulary.terms[best.id] : undefined;
  }

  /** `text` with its unknown words corrected (the first `maxWords` words); undefined when nothing changed. */
  corrected(text: string, maxWords: number): string | undefined {
    let n = 0;
    let changed = false;
    const out = text.toLowerCase().replace(WORD, (w) => {
      if (++n > maxWords) return w;
      const c = this.correct(w);
      if (c === undefined) return w;
      changed = true;
      return c;
    });
    return changed ? out : undefined;
  }
}
