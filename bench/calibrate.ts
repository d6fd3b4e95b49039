/**
 * Calibrates the blend and the answer/suggest/refuse thresholds (RANKING in
 * src/knowledge/search.ts) on the TUNE half of the evaluation set, with synthetic typos
 * of its questions and 50 more out-of-domain questions (bench/devset.ts). The test half
 * is never read here: it only checks the result (bench/eval.ts).
 *
 * `npx tsx bench/calibrate.ts` prints the best settings found on a grid, with their
 * tune-half scores. Constraints are stricter than the targets (more refusals, fewer
 * suggestions), so the test half has room to be a little worse than the tune half.
 * Among settings that score the same, the one in the middle of the plateau is
 * preferred: the answer threshold most neighbours agree with.
 */
import path from 'node:path';
import { loadKnowledge } from '../src/knowledge/load.js';
import { blended, KnowledgeIndex, RANKING, type Candidate, type RankingParams } from '../src/knowledge/search.js';
import { calibrationSet } from './devset.js';
import type { EvalItem } from './eval.js';

/** On the tune half: at least this many ood refused, at most this many in-domain suggestions. */
const MIN_REFUSED = Number(process.env.MIN_REFUSED ?? 0.93);
const MAX_SUGGESTED = 0.07;
/** In the objective, a "Bedoelde je…" with the right entry first counts as this share of a right answer... */
const SUGGESTION_CREDIT = Number(process.env.SUGGEST_CREDIT ?? 0);
/** ...and a wrong direct answer as this many right answers lost. */
const WRONG_ANSWER_COST = Number(process.env.WRONG_COST ?? 0.5);

interface Prepared {
  item: EvalItem;
  candidates: Candidate[];
  expect: number;
}

interface Outcome {
  params: RankingParams;
  top1: Record<'nl' | 'en' | 'typo', number>;
  refused: number;
  suggested: number;
  /** Questions answered directly with a wrong entry (in-domain) or with any entry (ood). */
  wrong: number;
  objective: number;
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let x = from; x <= to + 1e-9; x += step) out.push(Math.round(x * 1000) / 1000);
  return out;
}

/** Top two blended scores and the top entry's learned signal, per item, for one learned share. */
function leaders(prepared: Prepared[], share: number): { top: number; entry: number; learned: number; lexical: number; runnerUp: number }[] {
  const p = { ...RANKING, learnedShare: share };
  return prepared.map(({ candidates }) => {
    let top = -1;
    let entry = -1;
    let learned = 0;
    let lexical = 0;
    let runnerUp = 0;
    for (const c of candidates) {
      const s = blended(c, p);
      if (s > top || (s === top && c.learned > learned)) {
        runnerUp = Math.max(runnerUp, top);
        [top, entry, learned, lexical] = [s, c.entry, c.learned, c.lexical];
      } else runnerUp = Math.max(runnerUp, s);
    }
    return { top: Math.max(0, top), entry, learned, lexical, runnerUp };
  });
}

export async function calibrate(): Promise<Outcome[]> {
  const { entries } = await loadKnowledge(path.resolve('knowledge'));
  const index = new KnowledgeIndex(entries, {}, JSON.parse(process.env.CLF ?? '{}'));
  const ids = new Map(entries.map((e, i) => [e.id, i]));
  const tune = calibrationSet();
  const prepared: Prepared[] = tune.map((item) => ({ item, candidates: index.candidates(item.q), expect: item.expect ? (ids.get(item.expect) ?? -2) : -1 }));
  const counts = { nl: 0, en: 0, typo: 0, ood: 0 };
  for (const p of prepared) counts[p.item.kind] += 1;
  const inDomain = counts.nl + counts.en + counts.typo;
  // What one right answer adds to the objective (the sum of three rates), on average over the kinds.
  const perItem = (1 / counts.nl + 1 / counts.en + 1 / counts.typo) / 3;
  const outcomes: Outcome[] = [];
  for (const learnedShare of range(0, 1, 0.05)) {
    const lead = leaders(prepared, learnedShare);
    for (const answerMinScore of range(0.15, 0.6, 0.025))
      for (const answerMaxRunnerUpShare of [0.7, 0.8, 0.9, 1])
        for (const answerMinLead of [0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.15])
          for (const learnedAloneMin of [0.5, 0.6, 0.7, 0.8, 0.9, 1.01])
            for (const suggestMinScore of range(0.1, answerMinScore, 0.025)) {
              const params: RankingParams = { learnedShare, answerMinScore, answerMaxRunnerUpShare, answerMinLead, learnedAloneMin, suggestMinScore };
              const top1 = { nl: 0, en: 0, typo: 0 };
              let refused = 0;
              let suggested = 0;
              let wrong = 0;
              let suggestedRight = 0;
              prepared.forEach((p, i) => {
                const l = lead[i]!;
                const clear = l.runnerUp <= l.top * answerMaxRunnerUpShare || l.top - l.runnerUp >= answerMinLead;
                const answer = l.entry >= 0 && ((l.top >= answerMinScore && clear) || l.learned >= learnedAloneMin);
                const verdict = answer ? 'answer' : l.entry >= 0 && l.top >= suggestMinScore ? 'suggest' : 'none';
                if (p.item.kind === 'ood') {
                  refused += verdict === 'none' ? 1 : 0;
                  wrong += verdict === 'answer' ? 1 : 0;
                } else {
                  if (verdict === 'answer' && l.entry === p.expect) top1[p.item.kind] += 1;
                  if (verdict === 'answer' && l.entry !== p.expect) wrong += 1;
                  if (verdict === 'suggest') suggested += 1;
                  if (verdict === 'suggest' && l.entry === p.expect) suggestedRight += 1;
                }
              });
              const rates = { nl: top1.nl / counts.nl, en: top1.en / counts.en, typo: top1.typo / counts.typo };
              // A wrong direct answer costs more than a "Bedoelde je…": the user is misled instead of asked.
              const objective = rates.nl + rates.en + rates.typo + (SUGGESTION_CREDIT * suggestedRight - WRONG_ANSWER_COST * wrong) * perItem;
              const out = { params, top1: rates, refused: refused / counts.ood, suggested: suggested / inDomain, wrong, objective };
              if (out.refused >= MIN_REFUSED && out.suggested <= MAX_SUGGESTED) outcomes.push(out);
            }
  }
  outcomes.sort((a, b) => b.objective - a.objective || b.refused - a.refused || a.suggested - b.suggested);
  return outcomes;
}

/**
 * Of the best outcomes (same objective, refusals and suggestions), the most careful
 * one: the highest bar for the classifier answering alone, then the answer threshold
 * in the middle of its plateau.
 */
export function centre(outcomes: Outcome[]): Outcome | undefined {
  const best = outcomes[0];
  if (!best) return undefined;
  const tied = outcomes.filter((o) => o.objective === best.objective && o.refused === best.refused && o.suggested === best.suggested);
  const alone = Math.max(...tied.map((o) => o.params.learnedAloneMin));
  const careful = tied.filter((o) => o.params.learnedAloneMin === alone);
  const first = careful[0]!;
  const same = (o: Outcome): boolean =>
    (['learnedShare', 'answerMaxRunnerUpShare', 'answerMinLead', 'learnedAloneMin'] as const).every((k) => o.params[k] === first.params[k]);
  const plateau = careful.filter(same).sort((a, b) => a.params.answerMinScore - b.params.answerMinScore);
  return plateau[Math.floor(plateau.length / 2)] ?? first;
}

const invokedDirectly = process.argv[1] && /bench[/\\]calibrate\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  const outcomes = await calibrate();
  const show = (o: Outcome): string =>
    `${JSON.stringify(o.params)}  nl ${(o.top1.nl * 100).toFixed(1)}  en ${(o.top1.en * 100).toFixed(1)}  typo ${(o.top1.typo * 100).toFixed(1)}  ood refused ${(o.refused * 100).toFixed(1)}  suggested ${(o.suggested * 100).toFixed(1)}  wrong answers ${o.wrong}`;
  for (const o of outcomes.slice(0, 12)) process.stdout.write(`${show(o)}\n`);
  const chosen = centre(outcomes);
  process.stdout.write(chosen ? `\nchosen (middle of the plateau):\n${show(chosen)}\n` : 'no setting meets the constraints\n');
  process.stdout.write(`current RANKING: ${JSON.stringify(RANKING)}\n`);
}
