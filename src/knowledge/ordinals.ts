/**
 * An ordinal typed with a typo ("veirde zekerheid", "the sevnth certainty") is
 * read as the ordinal it almost is. The normaliser turns ordinals into digits
 * ("vierde zekerheid" = "zekerheid 4"), so no typo index ever sees the word
 * itself; this pass runs before it, on the question only.
 */
import { fold, ORDINALS, stem } from './normalise.js';
import { editDistance } from './vocabulary.js';

/** Shorter ordinals ("derde" is the shortest Dutch one) are too close to other words. */
const MIN_LENGTH = 5;
const WORD = /\p{L}+/gu;
const LONG_ORDINALS = [...ORDINALS.keys()].filter((o) => o.length >= MIN_LENGTH);

/**
 * `text` with every word that is one edit (a swap counts as one) away from an
 * ordinal replaced by that ordinal, unless `known` says the word (as a stem) is a
 * word of its own.
 */
export function correctOrdinals(text: string, known: (stemmed: string) => boolean): string {
  return text.replace(WORD, (word) => {
    if (word.length < MIN_LENGTH - 1) return word;
    const folded = fold(word);
    if (ORDINALS.has(folded) || known(stem(folded))) return word;
    const near = LONG_ORDINALS.find((o) => Math.abs(o.length - folded.length) <= 1 && editDistance(folded, o, 1) <= 1);
    return near ?? word;
  });
}
