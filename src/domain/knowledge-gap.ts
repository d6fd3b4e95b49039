/**
 * How the bot fell short on a question (a knowledge gap, "kennisvraag"): it offered
 * "Bedoelde je…" (`suggested`), said it did not know (`unknown`), or someone found its
 * answer not helpful (`not-helpful`).
 */
export const GAP_OUTCOMES = ['suggested', 'unknown', 'not-helpful'] as const;
export type GapOutcome = (typeof GAP_OUTCOMES)[number];

export function isGapOutcome(v: unknown): v is GapOutcome {
  return typeof v === 'string' && (GAP_OUTCOMES as readonly string[]).includes(v);
}
