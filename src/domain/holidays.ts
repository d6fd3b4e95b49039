import Holidays from 'date-holidays';
import { isoDate, type LocalDate } from './time.js';

/**
 * Dutch public holidays on which no nudge is sent: nieuwjaarsdag, eerste en tweede
 * paasdag, Koningsdag (27 April, or the Saturday before when that is a Sunday),
 * Bevrijdingsdag, Hemelvaartsdag, eerste en tweede pinksterdag, eerste en tweede
 * kerstdag. Computed for any year by date-holidays. That library types Bevrijdingsdag
 * as `school` (and Goede Vrijdag too), so we take `public` plus Bevrijdingsdag's rule.
 */
const BEVRIJDINGSDAG_RULE = '05-05';
const hd = new Holidays('NL');
const byYear = new Map<number, Map<string, string>>();

export function dutchHolidays(year: number): Map<string, string> {
  let map = byYear.get(year);
  if (!map) {
    map = new Map();
    for (const h of hd.getHolidays(year, 'nl')) {
      if (h.type === 'public' || h.rule === BEVRIJDINGSDAG_RULE) map.set(h.date.slice(0, 10), h.name);
    }
    byYear.set(year, map);
  }
  return map;
}

/** The holiday's Dutch name, or undefined on an ordinary day. */
export function dutchHoliday(date: LocalDate): string | undefined {
  return dutchHolidays(date.y).get(isoDate(date));
}
