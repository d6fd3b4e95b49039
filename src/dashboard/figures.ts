import { isOpen } from '../core/knelpunt/status.js';
import { dayNumber, fromDayNumber, isoDate, localDateTime, weekdayOf, zonedInstant } from '../scheduler/zoned.js';
import { KNELPUNT_STATUSES, type KnelpuntRecord, type KnelpuntStatus, type KnowledgeGapRecord, type ReflectionRecord } from '../store/types.js';

/**
 * The overview's figures, each kind of record read once (one pass per list), so the
 * page stays fast with tens of thousands of records. Pure: the clock is an argument.
 */
export const WEEKS = 26;
export const OLDEST = 5;
export const DASHBOARD_TIME_ZONE = 'Europe/Amsterdam';
const DAY_MS = 86_400_000;

export interface WeekSeries {
  /** Local date of each week's Monday (`2026-06-01`), oldest first. */
  starts: string[];
  counts: number[];
}

export type StatusCounts = Record<KnelpuntStatus, number>;

export interface KnelpuntFigures {
  total: number;
  open: number;
  /** Per opgave id: counts per status. */
  byOpgave: Map<string, StatusCounts>;
  byStatus: StatusCounts;
  perWeek: WeekSeries;
  oldestOpen: KnelpuntRecord[];
  /** Median days from `nieuw` to the first triage status; null when none was triaged yet. */
  medianTriageDays: number | null;
  triaged: number;
}

export interface GapFigures {
  total: number;
  open: number;
  handled: number;
  perWeek: WeekSeries;
  oldestOpen: KnowledgeGapRecord[];
  medianHandledDays: number | null;
}

export interface ReflectionFigures {
  total: number;
  anonymous: number;
  /** Per opgave id ('' = none chosen). */
  byOpgave: Map<string, number>;
  perWeek: WeekSeries;
}

export interface OverviewFigures {
  knelpunten: KnelpuntFigures;
  gaps: GapFigures;
  reflections: ReflectionFigures;
}

export const emptyStatusCounts = (): StatusCounts => Object.fromEntries(KNELPUNT_STATUSES.map((s) => [s, 0])) as StatusCounts;

/** Week buckets: the Monday 00:00 (local time) of each of the last `weeks` weeks, and the end of this week, as ISO instants. */
export function weekBoundaries(now: Date, weeks = WEEKS, tz = DASHBOARD_TIME_ZONE): { starts: string[]; bounds: string[] } {
  const today = dayNumber(localDateTime(now, tz));
  const monday = today - ((weekdayOf(today) + 6) % 7);
  const starts: string[] = [];
  const bounds: string[] = [];
  for (let i = weeks - 1; i >= -1; i--) {
    const d = fromDayNumber(monday - 7 * i);
    bounds.push(zonedInstant({ ...d, h: 0, mi: 0 }, tz).toISOString());
    if (i >= 0) starts.push(isoDate(d));
  }
  return { starts, bounds };
}

/** Index of the week an ISO instant falls in, or -1 outside the range (binary search on ISO strings). */
export function weekIndex(at: string, bounds: readonly string[]): number {
  if (at < bounds[0]! || at >= bounds[bounds.length - 1]!) return -1;
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

/** Keeps the `size` oldest items by `key` (ascending), in order; O(n·size). */
function keepOldest<T>(list: T[], item: T, key: (t: T) => string, size: number): void {
  const k = key(item);
  if (list.length === size && k >= key(list[size - 1]!)) return;
  let i = list.length;
  while (i > 0 && key(list[i - 1]!) > k) i--;
  list.splice(i, 0, item);
  if (list.length > size) list.pop();
}

const daysBetween = (fromIso: string, toIso: string): number => (Date.parse(toIso) - Date.parse(fromIso)) / DAY_MS;

export function knelpuntFigures(list: readonly KnelpuntRecord[], bounds: readonly string[], starts: string[]): KnelpuntFigures {
  const byOpgave = new Map<string, StatusCounts>();
  const byStatus = emptyStatusCounts();
  const counts = new Array<number>(starts.length).fill(0);
  const oldestOpen: KnelpuntRecord[] = [];
  const triageDays: number[] = [];
  let open = 0;
  for (const k of list) {
    let row = byOpgave.get(k.opgave);
    if (!row) byOpgave.set(k.opgave, (row = emptyStatusCounts()));
    row[k.status]++;
    byStatus[k.status]++;
    const w = weekIndex(k.createdAt, bounds);
    if (w >= 0) counts[w]!++;
    if (isOpen(k.status)) {
      open++;
      keepOldest(oldestOpen, k, (x) => x.createdAt, OLDEST);
    }
    // Triage: the first change away from `nieuw` (in behandeling, or niet opgepakt).
    const first = k.history.find((h) => h.from === 'nieuw');
    if (first) triageDays.push(daysBetween(k.createdAt, first.at));
  }
  return {
    total: list.length, open, byOpgave, byStatus, perWeek: { starts, counts }, oldestOpen,
    medianTriageDays: median(triageDays), triaged: triageDays.length,
  };
}

export function gapFigures(list: readonly KnowledgeGapRecord[], bounds: readonly string[], starts: string[]): GapFigures {
  const counts = new Array<number>(starts.length).fill(0);
  const oldestOpen: KnowledgeGapRecord[] = [];
  const handledDays: number[] = [];
  let open = 0;
  for (const g of list) {
    const w = weekIndex(g.at, bounds);
    if (w >= 0) counts[w]!++;
    if (g.handledAt) handledDays.push(daysBetween(g.at, g.handledAt));
    else {
      open++;
      keepOldest(oldestOpen, g, (x) => x.at, OLDEST);
    }
  }
  return { total: list.length, open, handled: list.length - open, perWeek: { starts, counts }, oldestOpen, medianHandledDays: median(handledDays) };
}

export function reflectionFigures(list: readonly ReflectionRecord[], bounds: readonly string[], starts: string[]): ReflectionFigures {
  const counts = new Array<number>(starts.length).fill(0);
  const byOpgave = new Map<string, number>();
  let anonymous = 0;
  for (const r of list) {
    const w = weekIndex(r.createdAt, bounds);
    if (w >= 0) counts[w]!++;
    if (r.anonymous) anonymous++;
    const o = r.opgave ?? '';
    byOpgave.set(o, (byOpgave.get(o) ?? 0) + 1);
  }
  return { total: list.length, anonymous, byOpgave, perWeek: { starts, counts } };
}

export function overviewFigures(
  data: { knelpunten: readonly KnelpuntRecord[]; gaps: readonly KnowledgeGapRecord[]; reflections: readonly ReflectionRecord[] },
  now: Date,
): OverviewFigures {
  const { starts, bounds } = weekBoundaries(now);
  return {
    knelpunten: knelpuntFigures(data.knelpunten, bounds, starts),
    gaps: gapFigures(data.gaps, bounds, starts),
    reflections: reflectionFigures(data.reflections, bounds, starts),
  };
}
