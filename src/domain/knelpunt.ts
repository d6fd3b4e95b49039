/**
 * The knelpunt's vocabulary and pure rules: statuses and the flow between them, urgencies,
 * levels of government, and the reference format. No I/O; everything imports this.
 */
export const KNELPUNT_STATUSES = ['nieuw', 'in_behandeling', 'geagendeerd', 'opgelost', 'niet_opgepakt'] as const;
export type KnelpuntStatus = (typeof KNELPUNT_STATUSES)[number];
export const URGENTIES = ['laag', 'middel', 'hoog'] as const;
export type Urgentie = (typeof URGENTIES)[number];
export const OVERHEDEN = ['gemeente', 'provincie', 'waterschap', 'rijk', 'anders'] as const;
export type Overheid = (typeof OVERHEDEN)[number];

/** What a history's `by` says after that person asked to be forgotten (`ibp-bot privacy delete`). */
export const FORGOTTEN_ACTOR = 'verwijderd';

/** `KP-2026-0007`. Four digits, more when a year has over 9,999. */
export function knelpuntRef(year: number, seq: number): string {
  return `KP-${year}-${String(seq).padStart(4, '0')}`;
}

/** nieuw -> in behandeling -> geagendeerd -> opgelost; from any open status: niet opgepakt. */
const NEXT: Record<KnelpuntStatus, KnelpuntStatus[]> = {
  nieuw: ['in_behandeling', 'niet_opgepakt'],
  in_behandeling: ['geagendeerd', 'niet_opgepakt'],
  geagendeerd: ['opgelost', 'niet_opgepakt'],
  opgelost: [],
  niet_opgepakt: [],
};

export function nextStatuses(from: KnelpuntStatus): KnelpuntStatus[] {
  return NEXT[from];
}

export function canMove(from: KnelpuntStatus, to: KnelpuntStatus): boolean {
  return NEXT[from].includes(to);
}

/** A change to "niet opgepakt" needs a toelichting for the reporter. */
export function needsToelichting(to: KnelpuntStatus): boolean {
  return to === 'niet_opgepakt';
}

export function isOpen(status: KnelpuntStatus): boolean {
  return NEXT[status].length > 0;
}

/** Button value `KP-2026-0001|nieuw|in_behandeling`: the from-status makes a stale button harmless. */
export function statusValue(ref: string, from: KnelpuntStatus, to: KnelpuntStatus): string {
  return `${ref}|${from}|${to}`;
}

const STATUSES = new Set<string>(Object.keys(NEXT));
const REF = /^KP-\d{4}-\d{4,}$/;

export function parseStatusValue(value: string): { ref: string; from: KnelpuntStatus; to: KnelpuntStatus } | null {
  const [ref = '', from = '', to = ''] = value.split('|');
  if (!REF.test(ref) || !STATUSES.has(from) || !STATUSES.has(to)) return null;
  return { ref, from: from as KnelpuntStatus, to: to as KnelpuntStatus };
}
