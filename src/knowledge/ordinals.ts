/**
 * Numbering typed with a typo, read as meant before the normaliser sees it. The
 * normaliser turns ordinals into digits and joins a numbered noun with its number
 * ("vierde zekerheid" = "zekerheid 4"), so no typo index ever sees those words:
 *  - an ordinal one edit off ("veirde zekerheid", "the sevnth certainty");
 *  - a numbering noun of this knowledge base ("zekerheid", "opgave", "certainty") a
 *    typo or two off, right before a number ("zekerihed 1", "certanty 3").
 *  - a number picked from a list by its number: "nr 3 van de zekerheden", "de zekerheden,
 *    nummer 3", "number 3 of the certainties" read "zekerheid 3" (`fromList`).
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

/** The lists the knowledge base numbers, plural, with the singular a number labels. */
const LISTS = 'zekerheden|certainties|opgaven';
const SINGULAR: Record<string, string> = { zekerheden: 'zekerheid', certainties: 'certainty', opgaven: 'opgave' };
const NUMBER_WORD = '(?:nr|nummer|no|number)\\.?\\s?(\\d{1,2})';
/** "nr 3 van de zekerheden" / "number 3 of the certainties". Fixed words between single gaps: linear. */
const NUMBER_OF_LIST = new RegExp(`\\b${NUMBER_WORD} (?:van|uit|of|from) (?:de|the) (${LISTS})\\b`, 'giu');
/** "de zekerheden, nr 3" / "zekerheden nummer 3". */
const LIST_NUMBER = new RegExp(`\\b(${LISTS}),? ${NUMBER_WORD}(?!\\d)`, 'giu');

/** `text` with a number picked from a numbered list written as the numbered noun: "nr 3 van de zekerheden" -> "zekerheid 3". */
export function fromList(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one
    .replace(NUMBER_OF_LIST, (_m, n: string, list: string) => `${SINGULAR[list.toLowerCase()] ?? list} ${n}`)
    .replace(LIST_NUMBER, (_m, list: string, n: string) => `${SINGULAR[list.toLowerCase()] ?? list} ${n}`);
}
