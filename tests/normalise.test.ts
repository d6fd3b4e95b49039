import { describe, expect, it } from 'vitest';
import { fold, joinedStems, normalise, stem, tokens, verbVariants } from '../src/knowledge/normalise.js';
import { fromList } from '../src/knowledge/ordinals.js';

describe('fold: case and diacritics', () => {
  it('lowercases and strips diacritics', () => {
    expect(fold('Creëren')).toBe('creeren');
    expect(fold('FINANCIËLE Verhoudingen')).toBe('financiele verhoudingen');
    expect(fold('café naïef coördinatie')).toBe('cafe naief coordinatie');
  });

  it('makes "creëren" and "creeren", "financiële" and "financiele" the same', () => {
    expect(normalise('creëren')).toBe(normalise('creeren'));
    expect(tokens('Passende financiële verhoudingen')).toEqual(tokens('passende financiele verhoudingen'));
  });
});

describe('punctuation and whitespace', () => {
  it('turns punctuation into spaces and collapses whitespace', () => {
    expect(normalise('  Klimaat,\tenergie;\n\nwonen!!  ')).toBe('klimaat energie wonen');
    expect(normalise('Overheidvannu.nl')).toBe('overheidvannu');
    expect(normalise('"Be good and tell it" / show don’t tell')).toBe(normalise('be good and tell it show don t tell'));
  });

  it('returns nothing for empty, blank or punctuation-only text', () => {
    for (const text of ['', '   ', '???', '!?.,;:-–()[]', '\n\t']) {
      expect(normalise(text)).toBe('');
      expect(tokens(text)).toEqual([]);
    }
  });

  it('drops the apostrophe-s plural', () => {
    expect(normalise("thema's en regio’s")).toBe('thema regio');
  });
});

describe('stop words', () => {
  it('removes Dutch and English function words', () => {
    expect(normalise('Wat is het IBP eigenlijk?')).toBe('ibp');
    expect(normalise('What is the IBP about?')).toBe('ibp');
    expect(normalise('Kun je mij vertellen hoe het zit met de woondeals?')).toBe('zit woondeals');
  });

  it('removes pronominal adverbs such as "daarover", but keeps "waarmee"', () => {
    expect(normalise('wie rapporteert daarover en waarvan')).toBe('rapporteert');
    expect(normalise('Waarmee?')).toBe('waarmee');
  });

  it('keeps the domain words of the official names', () => {
    expect(normalise('Ken je opgave')).toBe('ken opgave');
    expect(normalise('Samen werken vergt tijd')).toBe('samen werken vergt tijd');
    expect(normalise('Eigen huis op orde')).toBe('eigen huis orde');
    expect(normalise('Centraal staat het oplossen van een maatschappelijke opgave')).toBe(
      'centraal staat oplossen maatschappelijke opgave',
    );
  });
});

describe('numbers and ordinals', () => {
  it('reads "zevende zekerheid", "zekerheid 7", "7e zekerheid" and "zekerheid zeven" alike', () => {
    const forms = ['zevende zekerheid', 'zekerheid 7', '7e zekerheid', '7de zekerheid', 'zekerheid zeven', 'De zevende zekerheid?'];
    for (const form of forms) expect(normalise(form)).toBe('zekerheid 7');
  });

  it('keeps a count apart from a label: "zeven zekerheden" is not "zekerheid 7"', () => {
    expect(normalise('zeven zekerheden')).toBe('7 zekerheden');
    expect(normalise('de 7 zekerheden')).toBe('7 zekerheden');
    expect(tokens('zeven zekerheden')).not.toEqual(tokens('zevende zekerheid'));
  });

  it('turns number words into digits', () => {
    expect(normalise('tien opgaven')).toBe('10 opgaven');
    expect(normalise('tien opgaven')).toBe(normalise('10 opgaven'));
    const dutch = ['twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen', 'tien'];
    dutch.forEach((w, i) => expect(normalise(w)).toBe(String(i + 2)));
    const english = ['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    english.forEach((w, i) => expect(normalise(w)).toBe(String(i + 2)));
  });

  it('turns ordinals into digits, Dutch words, digit forms and English', () => {
    const dutch = ['eerste', 'tweede', 'derde', 'vierde', 'vijfde', 'zesde', 'zevende', 'achtste', 'negende', 'tiende'];
    const english = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
    dutch.forEach((w, i) => expect(normalise(`${w} stap`)).toBe(`stap ${i + 1}`));
    english.forEach((w, i) => expect(normalise(`${w} step`)).toBe(`step ${i + 1}`));
    for (const form of ['1e', '1ste', '2e', '2de', '3rd', '7th', '8ste']) expect(normalise(form)).toMatch(/^\d+$/);
    expect(normalise('What is the seventh certainty?')).toBe('certainty 7');
  });

  it('reads a number picked from a list as the numbered noun: "nr 3 van de zekerheden" is "zekerheid 3"', () => {
    expect(fromList('wat zegt nr 3 van de zekerheden')).toBe('wat zegt zekerheid 3');
    expect(fromList('Nummer  5 uit de Zekerheden?')).toBe('zekerheid 5?');
    expect(fromList('de zekerheden, nr. 4')).toBe('de zekerheid 4');
    expect(fromList('number 2 of the certainties')).toBe('certainty 2');
    expect(fromList('nr 3 van de opgaven')).toBe('opgave 3');
    // a count is no pick; other lists stay as they are
    expect(fromList('7 zekerheden')).toBe('7 zekerheden');
    expect(fromList('nr 3 van de agenda')).toBe('nr 3 van de agenda');
    expect(fromList('zekerheden nr 123')).toBe('zekerheden nr 123');
    // hostile: long runs stay linear and intact
    const long = 'nr 1 van de '.repeat(10_000);
    expect(fromList(long)).toBe(long.replace(/\s+/g, ' '));
  });

  it('treats "een" as an article, except as a label after a numbered noun; "één" is always 1', () => {
    expect(normalise('een gezamenlijke opgave')).toBe('gezamenlijke opgave');
    expect(normalise('zekerheid een')).toBe('zekerheid 1');
    expect(normalise('zekerheid één')).toBe('zekerheid 1');
    expect(normalise('als één overheid')).toBe('1 overheid');
    expect(normalise('each one separately')).toBe('separately');
  });
});

describe('stemming', () => {
  const same: [string, string][] = [
    ['opgave', 'opgaven'],
    ['opgave', 'opgaaf'],
    ['opgave', 'opgaves'],
    ['zekerheid', 'zekerheden'],
    ['woning', 'woningen'],
    ['woondeal', 'woondeals'],
    ['kans', 'kansen'],
    ['gemeente', 'gemeenten'],
    ['gemeente', 'gemeentes'],
    ['kwestie', 'kwesties'],
    ['huis', 'huizen'],
    ['huis', 'huisje'],
    ['stoel', 'stoeltje'],
    ['kaart', 'kaartje'],
    ['taak', 'taken'],
    ['financieel', 'financiële'],
    ['leer', 'leren'],
    ['samenwerking', 'samenwerken'],
    ['verhouding', 'verhoudingen'],
    ['rapporteert', 'rapporteren'],
    ['proces', 'processen'],
    ['certainty', 'certainties'],
    ['challenge', 'challenges'],
    ['start', 'started'],
    ['gebied', 'gebieden'],
  ];
  it.each(same)('"%s" and "%s" share one token', (a, b) => {
    expect(tokens(a)).toEqual(tokens(b));
  });

  const different: [string, string][] = [
    ['zekerheid', 'opgave'],
    ['klimaat', 'woning'],
    ['kaart', 'kaar'],
    ['schulden', 'schuldhulp'],
  ];
  it.each(different)('"%s" and "%s" stay apart', (a, b) => {
    expect(tokens(a)).not.toEqual(tokens(b));
  });

  it('leaves short words and numbers alone', () => {
    expect(stem('ibp')).toBe('ibp');
    expect(stem('2018')).toBe('2018');
    expect(stem('co2')).toBe('co2');
  });

  it('is stable: stemming a stem changes nothing for common plurals', () => {
    for (const w of ['opgaven', 'zekerheden', 'woningen', 'gemeenten']) expect(stem(stem(w))).toBe(stem(w));
  });
});

describe('English questions', () => {
  it('normalises English the same way', () => {
    expect(tokens('What are the seven certainties?')).toEqual(tokens('seven certainty'));
    expect(normalise('Which challenges does the IBP cover?')).toBe('challenges ibp cover');
  });
});

describe('helpers for the search', () => {
  it('tokens keeps text order and honours maxWords', () => {
    expect(tokens('klimaat wonen schulden', 2)).toEqual([stem('klimaat'), stem('wonen')]);
  });

  it('verbVariants offers the stem without a verb ending or participle prefix', () => {
    expect(verbVariants(stem('pakt'))).toContain(stem('pakken'));
    expect(verbVariants(stem('geregeld'))).toContain('regeld');
  });

  it('joinedStems joins words written apart, stop words included', () => {
    expect(joinedStems('de overheid van nu')).toContain(stem('overheidvannu'));
    expect(joinedStems('woning markt')).toContain(stem('woningmarkt'));
  });
});

describe('fuse.js name matching (fuzzy-names.ts)', () => {
  it('finds a multi-word name quoted with typos, scaled by how much of the question it is', async () => {
    const { FuzzyQuestion } = await import('../src/knowledge/fuzzy-names.js');
    const name = tokens('Passende financiële verhoudingen');
    const typo = new FuzzyQuestion(tokens('pasende financiele verhoudngen'));
    expect(typo.quotes(name)).toBeGreaterThan(0.7);
    const longer = new FuzzyQuestion(tokens('hoe zit het met passende financiele verhoudingen tussen rijk en gemeenten'));
    expect(longer.quotes(name)).toBeLessThan(typo.quotes(name));
    expect(new FuzzyQuestion(tokens('recept voor appeltaart')).quotes(name)).toBe(0);
    expect(typo.quotes(tokens('ibp'))).toBe(0); // single words are the index's job
  });
});
