import { dutchHoliday } from './holidays.js';
import {
  dayNumber, daysInMonth, fromDayNumber, isValidTimeZone, localDateTime, weekdayOf, zonedInstant, type LocalDate,
} from './time.js';

/**
 * Nudge schedules in plain Dutch, and the arithmetic on them. Pure: parsing and
 * "next slot after t" take everything they need as arguments (no clock inside).
 *
 *   elke vrijdag 15:00                 weekly
 *   elke werkdag 16:45                 Monday to Friday
 *   elke dag 9:00                      daily
 *   om de week maandag 9:30            every other week (parity fixed when planned)
 *   eerste dinsdag van de maand 10:00  eerste|tweede|derde|vierde|laatste <dag>
 *   eerste werkdag van de maand 9:00   first Monday–Friday that is no holiday
 * optionally followed by `tijdzone Europe/London` and/or `ook op feestdagen`.
 */
export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

export type Recurrence =
  | { kind: 'weekly'; days: number[] }
  | { kind: 'biweekly'; day: number }
  | { kind: 'monthly-nth'; nth: 1 | 2 | 3 | 4 | -1; day: number }
  | { kind: 'monthly-first-workday' };

export interface Schedule {
  recurrence: Recurrence;
  hour: number;
  minute: number;
  timeZone: string;
  /** Dutch public holidays are skipped unless the schema says `ook op feestdagen`. */
  skipHolidays: boolean;
  /** Every other week: the day number (local calendar) of a Monday in a week that has a slot. */
  anchorMonday?: number;
}

export type ScheduleProblem = 'empty' | 'form' | 'time' | 'timezone';
export type ParseResult = { ok: true; schedule: Schedule } | { ok: false; problem: ScheduleProblem; detail?: string };

export const WEEKDAYS_NL = ['zondag', 'maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag'] as const;
const DAY_WORDS: Record<string, number> = {};
WEEKDAYS_NL.forEach((name, i) => {
  DAY_WORDS[name] = i;
  DAY_WORDS[`${name}s`] = i; // "elke vrijdags" happens
  DAY_WORDS[name.slice(0, 2)] = i; // ma, di, wo, do, vr, za, zo
});
const NTH: Record<string, 1 | 2 | 3 | 4 | -1> = { eerste: 1, tweede: 2, derde: 3, vierde: 4, laatste: -1 };
const NTH_WORDS = ['', 'eerste', 'tweede', 'derde', 'vierde'];

/** Parses a schema typed by a user. Case, extra spaces, `om`, `uur` and `15.00`/`15u` are forgiven. */
export function parseSchedule(input: string): ParseResult {
  let text = input.toLowerCase().replace(/[,;]/g, ' ').replace(/\s+/g, ' ').trim();
  if (text === '') return { ok: false, problem: 'empty' };
  let timeZone = DEFAULT_TIME_ZONE;
  const tz = /\b(?:tijdzone|tz|timezone)\s+(\S+)/.exec(text);
  if (tz) {
    // IANA names are case-sensitive: take the user's spelling from the original input.
    const original = /\b(?:tijdzone|tz|timezone)\s+(\S+)/i.exec(input.replace(/[,;]/g, ' '))?.[1] ?? tz[1] ?? '';
    const fixed = original.split('/').map((p) => (p.toUpperCase() === p && p.length <= 4 ? p : p.charAt(0).toUpperCase() + p.slice(1))).join('/');
    if (!isValidTimeZone(fixed)) return { ok: false, problem: 'timezone', detail: original };
    timeZone = fixed;
    text = text.replace(tz[0], ' ');
  }
  let skipHolidays = true;
  if (/\book op feestdagen\b/.test(text)) {
    skipHolidays = false;
    text = text.replace(/\book op feestdagen\b/, ' ');
  }
  text = text.replace(/\s+/g, ' ').trim();
  const time = /(?:^|\s)(?:om\s+)?(\d{1,2})(?:[:.](\d{2})|u)?(?:\s*uur)?$/.exec(text);
  if (!time) return { ok: false, problem: parseRecurrence(text) ? 'time' : 'form' };
  const hour = Number(time[1]);
  const minute = Number(time[2] ?? '0');
  if (hour > 23 || minute > 59) return { ok: false, problem: 'time' };
  const rest = text.slice(0, time.index).trim();
  const recurrence = parseRecurrence(rest);
  if (!recurrence) return { ok: false, problem: 'form' };
  return { ok: true, schedule: { recurrence, hour, minute, timeZone, skipHolidays } };
}

function parseRecurrence(s: string): Recurrence | null {
  let m = /^(?:elke|iedere|op) (werkdag|dag)$/.exec(s);
  if (m) return { kind: 'weekly', days: m[1] === 'werkdag' ? [1, 2, 3, 4, 5] : [0, 1, 2, 3, 4, 5, 6] };
  m = /^(?:elke|iedere|op) (\S+)$/.exec(s);
  if (m && DAY_WORDS[m[1] ?? ''] !== undefined) return { kind: 'weekly', days: [DAY_WORDS[m[1] ?? '']!] };
  m = /^(?:om de (?:week|twee weken)|(?:elke|iedere) twee weken|tweewekelijks) (?:op )?(\S+)$/.exec(s);
  if (m && DAY_WORDS[m[1] ?? ''] !== undefined) return { kind: 'biweekly', day: DAY_WORDS[m[1] ?? '']! };
  m = /^(?:elke |iedere |de )?(eerste|tweede|derde|vierde|laatste) (\S+) van de maand$/.exec(s);
  if (m) {
    if (m[2] === 'werkdag') return m[1] === 'eerste' ? { kind: 'monthly-first-workday' } : null;
    const day = DAY_WORDS[m[2] ?? ''];
    if (day !== undefined) return { kind: 'monthly-nth', nth: NTH[m[1] ?? '']!, day };
  }
  return null;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The schema in its canonical Dutch form, as `reflectie planning` and `ibp-bot nudges` show it. */
export function describeSchedule(s: Schedule): string {
  const r = s.recurrence;
  let what: string;
  if (r.kind === 'weekly') {
    what = r.days.length === 7 ? 'elke dag' : r.days.length === 5 && r.days.join() === '1,2,3,4,5' ? 'elke werkdag' : `elke ${r.days.map((d) => WEEKDAYS_NL[d]).join(' en ')}`;
  } else if (r.kind === 'biweekly') {
    what = `om de week ${WEEKDAYS_NL[r.day]}`;
  } else if (r.kind === 'monthly-nth') {
    what = `${r.nth === -1 ? 'laatste' : NTH_WORDS[r.nth]} ${WEEKDAYS_NL[r.day]} van de maand`;
  } else {
    what = 'eerste werkdag van de maand';
  }
  return `${what} ${s.hour}:${pad(s.minute)}${s.timeZone !== DEFAULT_TIME_ZONE ? ` tijdzone ${s.timeZone}` : ''}${s.skipHolidays ? '' : ' ook op feestdagen'}`;
}

function isWorkday(n: number): boolean {
  const wd = weekdayOf(n);
  return wd >= 1 && wd <= 5 && dutchHoliday(fromDayNumber(n)) === undefined;
}

/** Does the schedule have a slot on this local day? */
export function hasSlotOn(s: Schedule, n: number): boolean {
  const r = s.recurrence;
  const wd = weekdayOf(n);
  switch (r.kind) {
    case 'weekly':
      return r.days.includes(wd);
    case 'biweekly': {
      if (wd !== r.day) return false;
      const monday = n - ((wd + 6) % 7);
      const weeks = Math.round((monday - (s.anchorMonday ?? monday)) / 7);
      return ((weeks % 2) + 2) % 2 === 0;
    }
    case 'monthly-nth': {
      if (wd !== r.day) return false;
      const { y, m, d } = fromDayNumber(n);
      return r.nth === -1 ? d + 7 > daysInMonth(y, m) : Math.ceil(d / 7) === r.nth;
    }
    case 'monthly-first-workday': {
      if (!isWorkday(n)) return false;
      const { d } = fromDayNumber(n);
      for (let k = n - d + 1; k < n; k++) if (isWorkday(k)) return false;
      return true;
    }
  }
}

/** The longest gap between two slots of any schedule, in days, plus margin. */
const MAX_SCAN_DAYS = 70;

/**
 * The first slot strictly after `after`. One slot per local day, at the schedule's
 * wall-clock time in its zone: a 15:00 nudge stays 15:00 local across DST changes,
 * and no slot is duplicated or lost on the days the clock changes.
 */
export function nextSlot(s: Schedule, after: Date): Date {
  const start = dayNumber(localDateTime(after, s.timeZone));
  for (let n = start; n <= start + MAX_SCAN_DAYS; n++) {
    if (!hasSlotOn(s, n)) continue;
    const at = zonedInstant({ ...fromDayNumber(n), h: s.hour, mi: s.minute }, s.timeZone);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error(`no slot within ${MAX_SCAN_DAYS} days for ${describeSchedule(s)}`);
}

/** The next `count` slots after `after` (planning lists, tests). */
export function nextSlots(s: Schedule, after: Date, count: number): Date[] {
  const out: Date[] = [];
  let t = after;
  for (let i = 0; i < count; i++) out.push((t = nextSlot(s, t)));
  return out;
}

/** Fixes the every-other-week parity: the first slot after `from` is in an "on" week. */
export function anchorSchedule(s: Schedule, from: Date): Schedule {
  if (s.recurrence.kind !== 'biweekly') return s;
  const first = nextSlot({ ...s, recurrence: { kind: 'weekly', days: [s.recurrence.day] } }, from);
  const n = dayNumber(localDateTime(first, s.timeZone));
  return { ...s, anchorMonday: n - ((weekdayOf(n) + 6) % 7) };
}

/** The local date of a slot, for the holiday check. */
export function slotDate(s: Schedule, slot: Date): LocalDate {
  return localDateTime(slot, s.timeZone);
}

/** The holiday a slot falls on when the schedule skips holidays, else undefined. */
export function skippedHoliday(s: Schedule, slot: Date): string | undefined {
  return s.skipHolidays ? dutchHoliday(slotDate(s, slot)) : undefined;
}

const MONTHS_NL = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

/**
 * `reflectie pauze tot <datum>`: `2026-12-01`, `1-12-2026`, `1/12`, `1 december`,
 * `1 dec 2026`. Without a year: the next such date on or after `today`.
 */
export function parseDutchDate(input: string, today: LocalDate): LocalDate | null {
  const s = input.toLowerCase().replace(/\s+/g, ' ').trim();
  let y: number | undefined;
  let m: number | undefined;
  let d: number | undefined;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else {
    const dm = /^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{4}))?$/.exec(s);
    if (dm) [d, m, y] = [Number(dm[1]), Number(dm[2]), dm[3] ? Number(dm[3]) : undefined];
    else {
      const named = /^(\d{1,2}) ([a-z]+)\.?(?: (\d{4}))?$/.exec(s);
      if (!named) return null;
      const idx = MONTHS_NL.findIndex((name) => (named[2] ?? '').length >= 3 && name.startsWith(named[2] ?? ''));
      if (idx < 0) return null;
      [d, m, y] = [Number(named[1]), idx + 1, named[3] ? Number(named[3]) : undefined];
    }
  }
  if (m === undefined || d === undefined || m < 1 || m > 12 || d < 1) return null;
  if (y === undefined) {
    y = today.y;
    if (dayNumber({ y, m, d: Math.min(d, daysInMonth(y, m)) }) < dayNumber(today)) y += 1;
  }
  if (d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

/** The first slot at or after `from` (a slot itself) that is not skipped for a holiday: what a user will see next. */
export function nextRun(s: Schedule, from: Date): Date {
  let at = from;
  for (let i = 0; i < 60 && skippedHoliday(s, at) !== undefined; i++) at = nextSlot(s, at);
  return at;
}

/** The schedule of the monthly "wat we leerden" digest of a channel. */
export function digestSchedule(timeZone: string): Schedule {
  return { recurrence: { kind: 'monthly-first-workday' }, hour: 9, minute: 0, timeZone, skipHolidays: true };
}
