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

/** The statuses a knelpunt is finished in; a coordinator may reopen it (with a reason). */
const CLOSED: ReadonlySet<KnelpuntStatus> = new Set(['opgelost', 'niet_opgepakt']);

/**
 * nieuw -> in behandeling -> geagendeerd -> opgelost; from any open status: niet opgepakt;
 * a closed one (opgelost, niet opgepakt) can be reopened: back to in behandeling.
 */
const NEXT: Record<KnelpuntStatus, KnelpuntStatus[]> = {
  nieuw: ['in_behandeling', 'niet_opgepakt'],
  in_behandeling: ['geagendeerd', 'niet_opgepakt'],
  geagendeerd: ['opgelost', 'niet_opgepakt'],
  opgelost: ['in_behandeling'],
  niet_opgepakt: ['in_behandeling'],
};

export function nextStatuses(from: KnelpuntStatus): KnelpuntStatus[] {
  return NEXT[from];
}

export function canMove(from: KnelpuntStatus, to: KnelpuntStatus): boolean {
  return NEXT[from].includes(to);
}

/** Still being worked on: not opgelost or niet opgepakt. */
export function isOpen(status: KnelpuntStatus): boolean {
  return !CLOSED.has(status);
}

export function isClosed(status: KnelpuntStatus): boolean {
  return CLOSED.has(status);
}

/** A closed knelpunt taken up again. */
export function isReopen(from: KnelpuntStatus, to: KnelpuntStatus): boolean {
  return isClosed(from) && isOpen(to);
}

/**
 * A change that needs a toelichting: to "niet opgepakt" (the reporter hears why), and
 * reopening a closed knelpunt (why it is taken up again). Without `from`, only the first
 * can be known.
 */
export function needsToelichting(to: KnelpuntStatus, from?: KnelpuntStatus): boolean {
  return to === 'niet_opgepakt' || (from !== undefined && isReopen(from, to));
}

/** Where a status button was pressed: on a knelpunt's own card, or in the coordinators' overview. */
export type StatusOrigin = 'card' | 'overview';

/**
 * Button value `KP-2026-0001|nieuw|in_behandeling` (plus `|o` from the overview): the
 * from-status makes a stale button harmless, the origin says which card to show again.
 */
export function statusValue(ref: string, from: KnelpuntStatus, to: KnelpuntStatus, origin: StatusOrigin = 'card'): string {
  return `${ref}|${from}|${to}${origin === 'overview' ? '|o' : ''}`;
}

const STATUSES = new Set<string>(Object.keys(NEXT));
const REF = /^KP-\d{4}-\d{4,}$/;

export function isKnelpuntRef(s: string): boolean {
  return REF.test(s);
}

export function parseStatusValue(value: string): { ref: string; from: KnelpuntStatus; to: KnelpuntStatus; origin: StatusOrigin } | null {
  const [ref = '', from = '', to = '', origin] = value.split('|');
  if (!REF.test(ref) || !STATUSES.has(from) || !STATUSES.has(to)) return null;
  return { ref, from: from as KnelpuntStatus, to: to as KnelpuntStatus, origin: origin === 'o' ? 'overview' : 'card' };
}
