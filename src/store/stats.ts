import { isOpen, KNELPUNT_STATUSES } from '../domain/knelpunt.js';
import {
  type GapStats, type KnelpuntHistoryItem, type KnelpuntRecord, type KnelpuntStats, type KnowledgeGapRecord, type ReflectionRecord,
  type ReflectionStats, type StatusCounts,
} from './types.js';

/**
 * The dashboard overview's figures as pure functions, one pass per list. lowdb runs
 * them on its in-memory records; PostgreSQL computes the same in SQL, and the contract
 * tests hold every backend to these (tests/store-contract.ts).
 */

const DAY_MS = 86_400_000;

/** The statuses a knelpunt can still move on from: what "open" means on the overview. */
export const OPEN_STATUSES: readonly (typeof KNELPUNT_STATUSES)[number][] = KNELPUNT_STATUSES.filter(isOpen);

export const emptyStatusCounts = (): StatusCounts => Object.fromEntries(KNELPUNT_STATUSES.map((s) => [s, 0])) as StatusCounts;

/** Index of the bucket an ISO instant falls in, or -1 outside the bounds (binary search on ISO strings). */
export function weekIndex(at: string, bounds: readonly string[]): number {
  if (bounds.length < 2 || at < bounds[0]! || at >= bounds[bounds.length - 1]!) return -1;
  let lo = 0;
  let hi = bounds.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (at >= bounds[mid]!) lo = mid;
    else hi = mid;
  }
  return lo;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Triage: the first change away from `nieuw` (to in behandeling, or niet opgepakt). When it happened, if it did. */
export function firstTriage(history: readonly KnelpuntHistoryItem[]): string | undefined {
  return history.find((h) => h.from === 'nieuw')?.at;
}

/** Keeps the `size` oldest items by `key` (ascending; ties in list order); O(n·size). */
function keepOldest<T>(list: T[], item: T, key: (t: T) => string, size: number): void {
  if (size <= 0) return;
  const k = key(item);
  if (list.length === size && k >= key(list[size - 1]!)) return;
  let i = list.length;
  while (i > 0 && key(list[i - 1]!) > k) i--;
  list.splice(i, 0, item);
  if (list.length > size) list.pop();
}

const daysBetween = (fromIso: string, toIso: string): number => (Date.parse(toIso) - Date.parse(fromIso)) / DAY_MS;
const buckets = (bounds: readonly string[]): number[] => new Array<number>(Math.max(0, bounds.length - 1)).fill(0);

/** The oldest open records are the list's own objects: a store copies them before handing them out. */
export function knelpuntStats(list: readonly KnelpuntRecord[], bounds: readonly string[], oldest: number): KnelpuntStats {
  const byOpgave = new Map<string, StatusCounts>();
  const byStatus = emptyStatusCounts();
  const perWeek = buckets(bounds);
  const oldestOpen: KnelpuntRecord[] = [];
  const triageDays: number[] = [];
  let open = 0;
  for (const k of list) {
    let row = byOpgave.get(k.opgave);
    if (!row) byOpgave.set(k.opgave, (row = emptyStatusCounts()));
    row[k.status]++;
    byStatus[k.status]++;
    const w = weekIndex(k.createdAt, bounds);
    if (w >= 0) perWeek[w]!++;
    if (isOpen(k.status)) {
      open++;
      keepOldest(oldestOpen, k, (x) => x.createdAt, oldest);
    }
    const triaged = firstTriage(k.history);
    if (triaged !== undefined) triageDays.push(daysBetween(k.createdAt, triaged));
  }
  return { total: list.length, open, byOpgave, byStatus, perWeek, oldestOpen, medianTriageDays: median(triageDays), triaged: triageDays.length };
}

export function gapStats(list: readonly KnowledgeGapRecord[], bounds: readonly string[], oldest: number): GapStats {
  const perWeek = buckets(bounds);
  const oldestOpen: KnowledgeGapRecord[] = [];
  const handledDays: number[] = [];
  let open = 0;
  for (const g of list) {
    const w = weekIndex(g.at, bounds);
    if (w >= 0) perWeek[w]!++;
    if (g.handledAt) handledDays.push(daysBetween(g.at, g.handledAt));
    else {
      open++;
      keepOldest(oldestOpen, g, (x) => x.at, oldest);
    }
  }
  return { total: list.length, open, handled: list.length - open, perWeek, oldestOpen, medianHandledDays: median(handledDays) };
}

export function reflectionStats(list: readonly ReflectionRecord[], bounds: readonly string[]): ReflectionStats {
  const perWeek = buckets(bounds);
  const byOpgave = new Map<string, number>();
  let anonymous = 0;
  for (const r of list) {
    const w = weekIndex(r.createdAt, bounds);
    if (w >= 0) perWeek[w]!++;
    if (r.anonymous) anonymous++;
    const o = r.opgave ?? '';
    byOpgave.set(o, (byOpgave.get(o) ?? 0) + 1);
  }
  return { total: list.length, anonymous, byOpgave, perWeek };
}
