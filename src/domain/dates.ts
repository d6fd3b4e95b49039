import { parseIsoDate } from './time.js';
import type { Locale } from './turn.js';

/**
 * Every date people read, in chat and on the dashboard, in one form: written out, with
 * the weekday, in the reader's language ("vrijdag 11 december 2026, 15:00" / "Friday
 * 11 December 2026, 15:00"), in Amsterdam time unless a schedule has its own zone.
 * Stored values, URLs, forms and exports stay ISO.
 */
export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

/** The language tag each locale's dates are written in (en-GB: day before month, as in Dutch). */
const TAGS: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

interface Formats {
  day: { format(ms: number): string };
  time: Intl.DateTimeFormat;
}

/**
 * "vrijdag 11 december 2026" / "Friday 11 December 2026": weekday, day, month and year
 * joined by spaces. Built from the parts: ICU versions (Node 20, 22) differ in the
 * punctuation between them ("Friday, 11 December").
 */
function dayFormat(tag: string, timeZone: string): { format(ms: number): string } {
  const f = new Intl.DateTimeFormat(tag, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone });
  return {
    format: (ms) => f.formatToParts(ms).filter((p) => p.type !== 'literal').map((p) => p.value).join(' '),
  };
}

const formats = new Map<string, Formats>();

function formatsFor(locale: Locale, timeZone: string): Formats {
  const key = `${locale}|${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = {
      day: dayFormat(TAGS[locale], timeZone),
      // Built from two parts: ICU versions differ in how they join them ("om", "at", a comma).
      time: new Intl.DateTimeFormat(TAGS[locale], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }),
    };
    formats.set(key, f);
  }
  return f;
}

const instant = (value: Date | string): number => (typeof value === 'string' ? Date.parse(value) : value.getTime());

/** "vrijdag 11 december 2026, 15:00"; a value that is no date is returned as it is. */
export function dateTimeText(value: Date | string, locale: Locale = 'nl', timeZone = DEFAULT_TIME_ZONE): string {
  const ms = instant(value);
  if (Number.isNaN(ms)) return String(value);
  const f = formatsFor(locale, timeZone);
  return `${f.day.format(ms)}, ${f.time.format(ms)}`;
}

/** "vrijdag 11 december 2026" (the day in `timeZone`). */
export function dateText(value: Date | string, locale: Locale = 'nl', timeZone = DEFAULT_TIME_ZONE): string {
  const ms = instant(value);
  return Number.isNaN(ms) ? String(value) : formatsFor(locale, timeZone).day.format(ms);
}

/** A calendar day as stored (`2026-12-15`, no time zone): "dinsdag 15 december 2026". */
export function dayText(isoDay: string, locale: Locale = 'nl'): string {
  return parseIsoDate(isoDay) ? formatsFor(locale, 'UTC').day.format(Date.parse(`${isoDay}T12:00:00Z`)) : isoDay;
}
