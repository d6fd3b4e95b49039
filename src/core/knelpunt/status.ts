import type { KnelpuntStatus } from '../../store/types.js';

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
