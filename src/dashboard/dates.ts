import { parseIsoDate } from '../domain/time.js';
import { html, type SafeHtml } from './html.js';

/**
 * Every date the dashboard shows, in one form: Dutch, with the weekday, in Amsterdam
 * time ("vrijdag 11 december 2026, 15:00"). Every page uses these helpers, so a date
 * reads the same everywhere. Values stay ISO in the markup (`<time datetime>`), in
 * URLs, forms and exports.
 */
export const DASHBOARD_TIME_ZONE = 'Europe/Amsterdam';

interface Formats {
  day: Intl.DateTimeFormat;
  time: Intl.DateTimeFormat;
}

const formats = new Map<string, Formats>();

function formatsFor(timeZone: string): Formats {
  let f = formats.get(timeZone);
  if (!f) {
    f = {
      day: new Intl.DateTimeFormat('nl-NL', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }),
      // Built from two parts: ICU versions differ in how they join them ("om", a comma).
      time: new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }),
    };
    formats.set(timeZone, f);
  }
  return f;
}

const instant = (value: Date | string): number => (typeof value === 'string' ? Date.parse(value) : value.getTime());

/** "vrijdag 11 december 2026, 15:00"; a value that is no date is returned as it is. */
export function dateTimeText(value: Date | string, timeZone = DASHBOARD_TIME_ZONE): string {
  const ms = instant(value);
  if (Number.isNaN(ms)) return String(value);
  const f = formatsFor(timeZone);
  return `${f.day.format(ms)}, ${f.time.format(ms)}`;
}

/** "vrijdag 11 december 2026" (the day in Amsterdam). */
export function dateText(value: Date | string, timeZone = DASHBOARD_TIME_ZONE): string {
  const ms = instant(value);
  return Number.isNaN(ms) ? String(value) : formatsFor(timeZone).day.format(ms);
}

/** A calendar day as stored (`2026-12-15`, no time zone): "dinsdag 15 december 2026". */
export function dayText(isoDay: string): string {
  return parseIsoDate(isoDay) ? formatsFor('UTC').day.format(Date.parse(`${isoDay}T12:00:00Z`)) : isoDay;
}

const shortDay = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "1 jun.": only under the columns of a chart, where the space is small; its table has the full date. */
export function shortDayText(isoDay: string): string {
  return shortDay.format(Date.parse(`${isoDay}T12:00:00Z`));
}

/** `dateTimeText` inside a `<time>` element. */
export function dateTimeHtml(iso: string): SafeHtml {
  return Number.isNaN(Date.parse(iso)) ? html`${iso}` : html`<time datetime="${iso}">${dateTimeText(iso)}</time>`;
}

/** `dateText` inside a `<time>` element. */
export function dateHtml(iso: string): SafeHtml {
  return Number.isNaN(Date.parse(iso)) ? html`${iso}` : html`<time datetime="${iso}">${dateText(iso)}</time>`;
}
