/**
 * A fast regression check of answering quality on the TUNE half of the evaluation set
 * (tests/fixtures/eval). The bounds are a little looser than what the calibration
 * reaches, so a change that costs a question or two does not fail it, one that breaks
 * the ranking does. The TEST half is deliberately not here: it is only measured by
 * `npm run bench` (bench/eval.ts), so it never becomes something to tune against.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, inDomainSuggestRate, loadEvalSet } from '../bench/eval.js';
import { KnowledgeBase } from '../src/knowledge/base.js';
import { loadKnowledge } from '../src/knowledge/load.js';

describe('answering quality on the tune half', () => {
  it('answers, suggests and refuses within bounds per kind', async () => {
    const { entries } = await loadKnowledge(path.resolve('knowledge'));
    const kb = new KnowledgeBase(entries);
    const tune = loadEvalSet().filter((i) => i.split === 'tune');
    const report = evaluate((q) => kb.search(q), tune).tune;
    const rate = (k: 'nl' | 'en' | 'typo'): number => report[k].top1 / report[k].n;
    expect(rate('nl')).toBeGreaterThanOrEqual(0.9);
    expect(rate('en')).toBeGreaterThanOrEqual(0.85);
    expect(rate('typo')).toBeGreaterThanOrEqual(0.85);
    expect(report.ood.refused / report.ood.n).toBeGreaterThanOrEqual(0.9);
    expect(inDomainSuggestRate(report)).toBeLessThanOrEqual(0.1);
  });
});
