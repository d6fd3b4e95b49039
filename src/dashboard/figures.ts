import { dayNumber, fromDayNumber, isoDate, localDateTime, weekdayOf, zonedInstant } from '../domain/time.js';
import type { GapStats, KnelpuntStats, ReflectionStats } from '../store/types.js';
import { DASHBOARD_TIME_ZONE } from './dates.js';

/**
 * The overview's figures. The store computes them (`stats` on the knelpunt, gap and
 * reflection repositories; PostgreSQL in SQL), so the page never reads every record;
 * the dashboard only decides the weeks, in Amsterdam time.
 */
export const WEEKS = 26;
export const OLDEST = 5;

export interface OverviewFigures {
  /** Local date of each week's Monday (`2026-06-01`), oldest first: the labels of every `perWeek`. */
  weekStarts: string[];
  knelpunten: KnelpuntStats;
  gaps: GapStats;
  reflections: ReflectionStats;
}

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
