/**
 * Numbering typed with a typo, read as meant before the normaliser sees it. The
 * normaliser turns ordinals into digits and joins a numbered noun with its number
 * ("vierde zekerheid" = "zekerheid 4"), so no typo index ever sees those words:
 *  - an ordinal one edit off ("veirde zekerheid", "the sevnth certainty");
 *  - a numbering noun of this knowledge base ("zekerheid", "opgave", "certainty") a
 *    typo or two off, right before a number ("zekerihed 1", "certanty 3").
 * Runs on the question only.
 */
import { fold, ORDINALS, stem } from './normalise.js';
import { editDistance } from './vocabulary.js';

/** Shorter ordinals ("derde" is the shortest Dutch one) are too close to other words. */
const MIN_LENGTH = 5;
const WORD = /\p{L}+/gu;
const LONG_ORDINALS = [...ORDINALS.keys()].filter((o) => o.length >= MIN_LENGTH);
/** The nouns the knowledge base numbers (its zekerheden). */
const NUMBERED = ['zekerheid', 'opgave', 'certainty'];
const NUMBER_NEXT = /^\s+(?:\d+\b|een|één|twee|drie|vier|vijf|zes|zeven|one|two|three|four|five|six|seven)/i;

function near(word: string, target: string, max: number): boolean {
  return word[0] === target[0] && Math.abs(word.length - target.length) <= max && editDistance(word, target, max) <= max;
}

/**
 * `text` with typo'd ordinals and numbering nouns replaced by the words meant, unless
 * `known` says the typed word (as a stem) is a word of its own in the knowledge base.
 */
export function correctOrdinals(text: string, known: (stemmed: string) => boolean): string {
  return text.replace(WORD, (word, at: number) => {
    if (word.length < MIN_LENGTH - 1) return word;
    const folded = fold(word);
    if (ORDINALS.has(folded) || known(stem(folded))) return word;
    const ordinal = LONG_ORDINALS.find((o) => near(folded, o, 1));
    if (ordinal) return ordinal;
    if (!NUMBER_NEXT.test(text.slice(at + word.length))) return word;
    return NUMBERED.find((n) => near(folded, n, n.length >= 7 ? 2 : 1)) ?? word;
  });
}
