/**
 * Extra data for calibration, none of it from the eval set's test half:
 * - synthetic typos: every in-domain question of the TUNE half once more, with one
 *   typing error in one longer word (letters swapped, dropped or doubled, or two words
 *   run together), made by a seeded generator, so the thresholds do not rest on the 31
 *   hand-made typo questions alone;
 * - bench/fixtures/dev-ood.json: 50 out-of-domain questions written for this purpose
 *   (other government services and programmes, office IT and HR, chat, words of the
 *   knowledge base in another sense), so refusing rests on more than 42 questions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadEvalSet, type EvalItem } from './eval.js';

export const DEV_OOD = path.resolve('bench/fixtures/dev-ood.json');

/** Seeded PRNG (the same LCG as bench/knowledge.ts), so every run makes the same typos. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One typing error in one word of five or more letters; the question unchanged if it has none. */
export function withTypo(question: string, random: () => number): string {
  const words = [...question.matchAll(/\p{L}{5,}/gu)];
  if (words.length === 0) return question;
  const m = words[Math.floor(random() * words.length)]!;
  const w = m[0];
  // Never the first letter: people rarely get that one wrong.
  const i = 1 + Math.floor(random() * (w.length - 2));
  const kind = Math.floor(random() * 4);
  let typo: string;
  if (kind === 0) typo = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  else if (kind === 1) typo = w.slice(0, i) + w.slice(i + 1);
  else if (kind === 2) typo = w.slice(0, i) + w[i] + w.slice(i);
  else {
    // two words run together: the space before this word goes
    const start = m.index;
    if (start > 0 && question[start - 1] === ' ') return question.slice(0, start - 1) + question.slice(start);
    typo = w.slice(0, i) + w.slice(i + 1);
  }
  return question.slice(0, m.index) + typo + question.slice(m.index + w.length);
}

/** The tune half's in-domain questions, each with one synthetic typo (kind 'typo'). */
export function syntheticTypos(items: readonly EvalItem[], seed = 18): EvalItem[] {
  const random = rng(seed);
  return items
    .filter((i) => i.split === 'tune' && i.kind !== 'ood')
    .flatMap((i) => {
      const q = withTypo(i.q, random);
      return q === i.q ? [] : [{ ...i, id: `${i.id}-typo`, q, kind: 'typo' as const }];
    });
}

export function loadDevOod(file = DEV_OOD): EvalItem[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as EvalItem[]).map((i) => ({ ...i, split: 'tune' as const }));
}

/** Everything calibration may look at: the tune half, its synthetic typos, the dev ood questions. */
export function calibrationSet(): EvalItem[] {
  const all = loadEvalSet();
  const tune = all.filter((i) => i.split === 'tune');
  return [...tune, ...syntheticTypos(tune), ...loadDevOod()];
}
