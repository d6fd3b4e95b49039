/**
 * Wall-clock arithmetic in an IANA time zone, with nothing but `Intl`. Pure: every
 * function takes the instant it works on. Local dates are handled as day numbers
 * (days since 1970-01-01 of the local calendar), so date arithmetic never meets DST.
 */
export interface LocalDate {
  y: number;
  m: number; // 1..12
  d: number;
}

export interface LocalDateTime extends LocalDate {
  h: number;
  mi: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True for a time zone this Node knows (`Europe/Amsterdam`, `Europe/London`, `UTC`). */
export function isValidTimeZone(tz: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * Offsets are looked up per zone and quarter hour (time zone changes happen on whole
 * or half hours UTC in every zone in use), so schedule arithmetic on 10,000
 * subscriptions does not call `Intl` tens of thousands of times.
 */
const BUCKET_MS = 15 * 60_000;
const offsets = new Map<string, number>();

function computeOffset(ms: number, tz: string): number {
  const p = { y: 0, m: 0, d: 0, h: 0, mi: 0 };
  for (const part of formatter(tz).formatToParts(new Date(ms))) {
    if (part.type === 'year') p.y = Number(part.value);
    else if (part.type === 'month') p.m = Number(part.value);
    else if (part.type === 'day') p.d = Number(part.value);
    else if (part.type === 'hour') p.h = Number(part.value);
    else if (part.type === 'minute') p.mi = Number(part.value);
  }
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi) - Math.floor(ms / 60_000) * 60_000;
}

/** Offset of `tz` from UTC at `ms`, in ms (Amsterdam: +1 h in winter, +2 h in summer). */
function offsetAt(ms: number, tz: string): number {
  const bucket = Math.floor(ms / BUCKET_MS) * BUCKET_MS;
  const key = `${tz}|${bucket}`;
  let off = offsets.get(key);
  if (off === undefined) {
    if (offsets.size > 200_000) offsets.clear();
    off = computeOffset(bucket, tz);
    offsets.set(key, off);
  }
  return off;
}

/** The wall-clock date and time of `instant` in `tz`. */
export function localDateTime(instant: Date, tz: string): LocalDateTime {
  const d = new Date(instant.getTime() + offsetAt(instant.getTime(), tz));
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes() };
}

/**
 * The instant a wall-clock time happens in `tz`. When the clock goes back, a time that
 * happens twice maps to its first occurrence; when the clock jumps forward, a time that
 * does not exist moves forward by the jump (02:30 becomes 03:30 in Amsterdam).
 */
export function zonedInstant(t: LocalDateTime, tz: string): Date {
  const naive = Date.UTC(t.y, t.m - 1, t.d, t.h, t.mi);
  const before = offsetAt(naive - DAY_MS, tz);
  const after = offsetAt(naive + DAY_MS, tz);
  const candidates = [...new Set([naive - before, naive - after])].sort((a, b) => a - b);
  for (const c of candidates) {
    const l = localDateTime(new Date(c), tz);
    if (l.y === t.y && l.m === t.m && l.d === t.d && l.h === t.h && l.mi === t.mi) return new Date(c);
  }
  return new Date(naive - before); // in the gap
}

export function dayNumber(d: LocalDate): number {
  return Math.floor(Date.UTC(d.y, d.m - 1, d.d) / DAY_MS);
}

export function fromDayNumber(n: number): LocalDate {
  const dt = new Date(n * DAY_MS);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday, like `Date.getDay`. */
export function weekdayOf(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `2026-11-27` */
export function isoDate(d: LocalDate): string {
  return `${d.y}-${pad(d.m)}-${pad(d.d)}`;
}

/** `2026-11-27 15:00`: the instant as wall-clock time in `tz`. */
export function formatLocal(instant: Date, tz: string): string {
  const l = localDateTime(instant, tz);
  return `${isoDate(l)} ${pad(l.h)}:${pad(l.mi)}`;
}

export function parseIsoDate(s: string): LocalDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const d = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  return d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= daysInMonth(d.y, d.m) ? d : null;
}
