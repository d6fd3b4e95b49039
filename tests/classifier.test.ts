import { describe, expect, it } from 'vitest';
import { EntryClassifier, type TrainingExample } from '../src/knowledge/classifier.js';
import { featureVector, FeaturePool } from '../src/knowledge/features.js';

const EXAMPLES: TrainingExample[] = [
  ...['klimaat', 'energietransitie', 'Wat doet het IBP aan het klimaat?', 'Regionale Energiestrategie'].map((text) => ({ entry: 0, text })),
  ...['woondeals', 'Toekomstbestendig wonen', 'Hoeveel woningen komen erbij?', 'housing deals'].map((text) => ({ entry: 1, text })),
  ...['schulden', 'Problematische schulden voorkomen', 'Wat doet het IBP aan schuldhulp?', 'problem debts'].map((text) => ({ entry: 2, text })),
  ...['help', 'Wat kan deze bot?', 'wat kan je allemaal?', 'What can this bot do?'].map((text) => ({ entry: 3, text })),
];

const top = (c: EntryClassifier, q: string): number | undefined => c.predict(q).entries[0];

describe('feature vectors', () => {
  it('are L2-normalised, with unique ids inside the buckets', () => {
    const v = featureVector('Wat zijn de woondeals van het IBP in Groningen?', 1 << 16);
    expect(new Set(v.ids).size).toBe(v.ids.length);
    for (const id of v.ids) expect(id).toBeLessThan(1 << 16);
    expect(v.values.reduce((a, x) => a + x * x, 0)).toBeCloseTo(1, 5);
  });

  it('read no more than maxWords words, and give the same vector in a pool as alone', () => {
    const long = `${'klimaat '.repeat(50)}woondeals`;
    const capped = featureVector(long, 1 << 16, 10);
    expect(capped).toEqual(featureVector('klimaat '.repeat(10), 1 << 16));
    const pool = new FeaturePool(1 << 16);
    pool.add('eerste tekst');
    const i = pool.add('Wat zijn woondeals?');
    const alone = featureVector('Wat zijn woondeals?', 1 << 16);
    expect(pool.ids.slice(pool.start[i], pool.start[i + 1])).toEqual(alone.ids);
    expect(pool.values.slice(pool.start[i], pool.start[i + 1])).toEqual(alone.values);
  });

  it('keep the framing of a question made only of stop words ("wat kan je")', () => {
    expect(featureVector('wat kan je', 1 << 16).ids.length).toBeGreaterThan(0);
    expect(featureVector('', 1 << 16).ids.length).toBe(0);
  });
});

describe('EntryClassifier', () => {
  const classifier = new EntryClassifier(4, EXAMPLES);

  it('learns which entry each of its examples belongs to', () => {
    for (const x of EXAMPLES) expect(top(classifier, x.text), x.text).toBe(x.entry);
  });

  it('generalises to typos and unseen phrasings through character n-grams', () => {
    expect(top(classifier, 'klimaaat')).toBe(0);
    expect(top(classifier, 'woondeal Groningen')).toBe(1);
    expect(top(classifier, 'schuldne')).toBe(2);
    expect(top(classifier, 'what can you do')).toBe(3);
  });

  it('gives a probability distribution over all entries: the untouched ones share `rest`', () => {
    const p = classifier.predict('woondeals');
    const untouched = 4 - p.entries.length;
    const total = p.probabilities.reduce((a, x) => a + x, 0) + untouched * p.rest;
    expect(total).toBeCloseTo(1, 6);
    expect([...p.probabilities]).toEqual([...p.probabilities].sort((a, b) => b - a));
    const nothing = classifier.predict('xyzzy qwerty');
    expect(nothing.entries.length).toBe(0);
    expect(nothing.rest).toBeCloseTo(1 / 4, 6);
  });

  it('is deterministic: the same examples give the same model', () => {
    const again = new EntryClassifier(4, EXAMPLES);
    for (const q of ['klimaat', 'wonen in Groningen', 'geldzorgen', 'hulp']) expect(again.predict(q)).toEqual(classifier.predict(q));
  });

  it('trained in slices (a knowledge reload), it pauses between them and comes out the same model', async () => {
    // Enough examples for several slices: every example ten times over, under other entries' noise.
    const many = Array.from({ length: 120 }, (_, i) => EXAMPLES.map((x) => ({ ...x, text: `${x.text} ${i}` }))).flat();
    let pauses = 0;
    const sliced = await EntryClassifier.trainedInSlices(4, many, async () => {
      pauses += 1;
      await new Promise((r) => setImmediate(r));
    });
    expect(pauses).toBeGreaterThan(5);
    const whole = new EntryClassifier(4, many);
    for (const q of ['klimaat', 'wonen in Groningen', 'geldzorgen', 'hulp']) expect(sliced.predict(q)).toEqual(whole.predict(q));
    const none = await EntryClassifier.trainedInSlices(0, [], async () => undefined);
    expect(none.predict('klimaat').entries.length).toBe(0);
  });

  it('drops features that too many entries share, and trains with no examples at all', () => {
    const few = new EntryClassifier(4, EXAMPLES, { maxEntriesPerFeature: 1 });
    expect(few.parameters).toBeLessThan(classifier.parameters);
    expect(top(few, 'woondeals')).toBe(1);
    const empty = new EntryClassifier(0, []);
    expect(empty.predict('klimaat').entries.length).toBe(0);
  });
});
