import { dateText as dateIn, dateTimeText as dateTimeIn, dayText as dayIn, DEFAULT_TIME_ZONE } from '../domain/dates.js';
import { html, type SafeHtml } from './html.js';

/**
 * Every date the dashboard shows, in one form: Dutch, with the weekday, in Amsterdam
 * time ("vrijdag 11 december 2026, 15:00"), as in the chat (src/domain/dates.ts). Every
 * page uses these helpers, so a date reads the same everywhere. Values stay ISO in the
 * markup (`<time datetime>`), in URLs, forms and exports.
 */
export const DASHBOARD_TIME_ZONE = DEFAULT_TIME_ZONE;

/** "vrijdag 11 december 2026, 15:00"; a value that is no date is returned as it is. */
export const dateTimeText = (value: Date | string, timeZone = DASHBOARD_TIME_ZONE): string => dateTimeIn(value, 'nl', timeZone);

/** "vrijdag 11 december 2026" (the day in Amsterdam). */
export const dateText = (value: Date | string, timeZone = DASHBOARD_TIME_ZONE): string => dateIn(value, 'nl', timeZone);

/** A calendar day as stored (`2026-12-15`, no time zone): "dinsdag 15 december 2026". */
export const dayText = (isoDay: string): string => dayIn(isoDay, 'nl');

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
