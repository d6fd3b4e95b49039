/**
 * The words decide the reply language; the client's locale only when they cannot.
 * Measured on the evaluation set's questions (both halves: the detector is not tuned
 * on them): each Dutch question (kind nl, and the typo questions with `lang: 'nl'`) must come out
 * Dutch with an English client locale, each English one English with a Dutch locale.
 */
import { describe, expect, it } from 'vitest';
import { loadEvalSet } from '../bench/eval.js';
import { chooseLocale, detectLanguage } from '../src/core/language.js';
import type { Locale } from '../src/domain/turn.js';

const questions = loadEvalSet()
  .filter((i) => i.kind !== 'ood')
  .map((i) => ({ q: i.q, lang: (i.kind === 'typo' ? i.lang : i.kind) as Locale }));

/** Share of the questions in `lang` that come out in `lang` when the client says the other language. */
function accuracy(lang: Locale): { rate: number; misses: string[] } {
  const other: Locale = lang === 'nl' ? 'en' : 'nl';
  const mine = questions.filter((x) => x.lang === lang);
  const misses = mine.filter((x) => chooseLocale(x.q, other, other) !== lang).map((x) => x.q);
  return { rate: 1 - misses.length / mine.length, misses };
}

describe('the reply language', () => {
  it('follows the words of a Dutch question in a client set to English (eval set: at least 90 %)', () => {
    const { rate, misses } = accuracy('nl');
    // The misses are names and single topic words ("zekerheid 4", "jeugzorg ibp"): there the locale decides, by design.
    expect(rate, misses.join(' | ')).toBeGreaterThanOrEqual(0.9);
  });

  it('follows the words of an English question in a client set to Dutch (eval set: at least 90 %)', () => {
    const { rate, misses } = accuracy('en');
    expect(rate, misses.join(' | ')).toBeGreaterThanOrEqual(0.9);
  });

  it('answers "wat houdt zekerheid 6 in" in Dutch in an English Teams client, and the other way round', () => {
    expect(chooseLocale('wat houdt zekerheid 6 in', 'en', 'nl')).toBe('nl');
    expect(chooseLocale('Wat is het IBP?', 'en', 'nl')).toBe('nl');
    expect(chooseLocale('What does zekerheid 6 mean?', 'nl', 'nl')).toBe('en');
    expect(chooseLocale('What is the IBP about?', undefined, 'nl')).toBe('en');
    expect(chooseLocale('welke woondeals zijn er gesloten', 'en', 'en')).toBe('nl');
    expect(chooseLocale('which housing deals were closed', 'nl', 'nl')).toBe('en');
  });

  it.each(['ok', 'IBP', '42', 'zekerheid 7', 'help', 'woondeals', 'Groningen', 'wat?', 'thanks', '', '???'])(
    'leaves one word, a name, "ok" or a number to the locale: %j',
    (text) => {
      expect(chooseLocale(text, 'nl', 'en')).toBe('nl');
      expect(chooseLocale(text, 'en', 'nl')).toBe('en');
      expect(chooseLocale(text, undefined, 'nl')).toBe('nl');
      expect(detectLanguage(text).confident).toBe(false);
    },
  );

  it('says how sure it is: confident for a sentence, not for a word or a quoted slogan', () => {
    expect(detectLanguage('Hoe werken gemeenten en provincies samen?')).toMatchObject({ locale: 'nl', confident: true });
    expect(detectLanguage('How do municipalities and provinces work together?')).toMatchObject({ locale: 'en', confident: true });
    expect(detectLanguage('samenwerking')).toMatchObject({ locale: 'nl', confident: false });
    expect(detectLanguage('show don\'t tell, welke zekerheid is dat')).toMatchObject({ locale: 'nl', confident: true });
    expect(detectLanguage('when was the overheid van nu website launched?')).toMatchObject({ locale: 'en', confident: true });
    const long = `${'wat '.repeat(1000)}the`;
    expect(detectLanguage(long).locale).toBe('nl');
  });
});
