import { describe, expect, it } from 'vitest';
import { dutchHoliday, dutchHolidays } from '../src/domain/holidays.js';
import {
  anchorSchedule, describeSchedule, nextRun, nextSlot, nextSlots, parseDutchDate, parseSchedule, skippedHoliday, type Schedule,
} from '../src/domain/schedule.js';
import { formatLocal, zonedInstant } from '../src/domain/time.js';

const ok = (text: string): Schedule => {
  const r = parseSchedule(text);
  if (!r.ok) throw new Error(`${text}: ${r.problem}`);
  return r.schedule;
};
const local = (s: Schedule, dates: Date[]): string[] => dates.map((d) => formatLocal(d, s.timeZone));
const AMS = 'Europe/Amsterdam';

describe('parsing schedules (every form)', () => {
  it.each([
    ['elke vrijdag 15:00', { recurrence: { kind: 'weekly', days: [5] }, hour: 15, minute: 0 }, 'elke vrijdag 15:00'],
    ['Elke  Vrijdag om 15.00 uur', { recurrence: { kind: 'weekly', days: [5] }, hour: 15, minute: 0 }, 'elke vrijdag 15:00'],
    ['om de week maandag 9:30', { recurrence: { kind: 'biweekly', day: 1 }, hour: 9, minute: 30 }, 'om de week maandag 9:30'],
    ['elke werkdag 16:45', { recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5] }, hour: 16, minute: 45 }, 'elke werkdag 16:45'],
    ['elke dag 8u', { recurrence: { kind: 'weekly', days: [0, 1, 2, 3, 4, 5, 6] }, hour: 8, minute: 0 }, 'elke dag 8:00'],
    ['eerste dinsdag van de maand 10:00', { recurrence: { kind: 'monthly-nth', nth: 1, day: 2 }, hour: 10, minute: 0 }, 'eerste dinsdag van de maand 10:00'],
    ['laatste vrijdag van de maand 16:00', { recurrence: { kind: 'monthly-nth', nth: -1, day: 5 }, hour: 16, minute: 0 }, 'laatste vrijdag van de maand 16:00'],
    ['eerste werkdag van de maand 9:00', { recurrence: { kind: 'monthly-first-workday' }, hour: 9, minute: 0 }, 'eerste werkdag van de maand 9:00'],
  ])('%s', (text, expected, canonical) => {
    const s = ok(text);
    expect(s).toMatchObject({ ...expected, timeZone: AMS, skipHolidays: true });
    expect(describeSchedule(s)).toBe(canonical);
    expect(describeSchedule(ok(canonical))).toBe(canonical); // canonical form parses to itself
  });

  it('time zone and holiday options', () => {
    expect(ok('elke vrijdag 15:00 tijdzone Europe/London')).toMatchObject({ timeZone: 'Europe/London' });
    expect(ok('elke vrijdag 15:00 tijdzone europe/london').timeZone).toBe('Europe/London');
    expect(ok('elke vrijdag 15:00 ook op feestdagen').skipHolidays).toBe(false);
    expect(describeSchedule(ok('elke vrijdag 15:00 tijdzone Europe/London ook op feestdagen'))).toBe('elke vrijdag 15:00 tijdzone Europe/London ook op feestdagen');
  });

  it.each([
    ['', 'empty'],
    ['elke vrijdag', 'time'],
    ['af en toe', 'form'],
    ['elke vrijdag 25:00', 'time'],
    ['elke vrijdag 15:61', 'time'],
    ['elke blauwe maan 15:00', 'form'],
    ['vijfde dinsdag van de maand 10:00', 'form'],
    ['tweede werkdag van de maand 10:00', 'form'],
    ['soms 15:00', 'form'],
    ['elke vrijdag 15:00 tijdzone Mars/Olympus', 'timezone'],
  ])('refuses %j (%s)', (text, problem) => {
    expect(parseSchedule(text)).toMatchObject({ ok: false, problem });
  });
});

describe('next slot (pure, injected instants)', () => {
  it('a 15:00 Friday nudge stays 15:00 local across the last Sundays of March and October 2026', () => {
    const s = ok('elke vrijdag 15:00');
    const spring = nextSlots(s, new Date('2026-03-20T00:00:00Z'), 3);
    expect(local(s, spring)).toEqual(['2026-03-20 15:00', '2026-03-27 15:00', '2026-04-03 15:00']);
    expect(spring.map((d) => d.toISOString())).toEqual(['2026-03-20T14:00:00.000Z', '2026-03-27T14:00:00.000Z', '2026-04-03T13:00:00.000Z']);
    const autumn = nextSlots(s, new Date('2026-10-16T00:00:00Z'), 3);
    expect(local(s, autumn)).toEqual(['2026-10-16 15:00', '2026-10-23 15:00', '2026-10-30 15:00']);
    expect(autumn.map((d) => d.toISOString())).toEqual(['2026-10-16T13:00:00.000Z', '2026-10-23T13:00:00.000Z', '2026-10-30T14:00:00.000Z']);
  });

  it('a daily slot in the DST hours: no missing slot on 29 March, no duplicate on 25 October', () => {
    const s = ok('elke dag 2:30 ook op feestdagen');
    const march = nextSlots(s, new Date('2026-03-27T12:00:00Z'), 4);
    // 02:30 does not exist on 29 March: it moves to 03:30, and is not lost
    expect(local(s, march)).toEqual(['2026-03-28 02:30', '2026-03-29 03:30', '2026-03-30 02:30', '2026-03-31 02:30']);
    const oct = nextSlots(s, new Date('2026-10-23T12:00:00Z'), 4);
    // 02:30 happens twice on 25 October: sent once, at the first
    expect(oct.map((d) => d.toISOString())).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
    expect(new Set(local(s, oct)).size).toBe(4);
    // every slot is strictly later than the one before, and 24 h ± 1 h apart
    for (const list of [march, oct]) {
      for (let i = 1; i < list.length; i++) {
        const h = (list[i]!.getTime() - list[i - 1]!.getTime()) / 3_600_000;
        expect([23, 24, 25]).toContain(h);
      }
    }
  });

  it('every working day, across a weekend and the DST change', () => {
    const s = ok('elke werkdag 16:45');
    expect(local(s, nextSlots(s, new Date('2026-03-27T16:00:00Z'), 3))).toEqual(['2026-03-30 16:45', '2026-03-31 16:45', '2026-04-01 16:45']);
  });

  it('every other week keeps its parity from the week it was planned, across DST', () => {
    const planned = new Date('2026-03-18T12:00:00Z'); // a Wednesday
    const s = anchorSchedule(ok('om de week maandag 9:30'), planned);
    const slots = nextSlots(s, planned, 4);
    expect(local(s, slots)).toEqual(['2026-03-23 09:30', '2026-04-06 09:30', '2026-04-20 09:30', '2026-05-04 09:30']);
    // the same parity when computed later from any point in between
    expect(formatLocal(nextSlot(s, new Date('2026-03-24T00:00:00Z')), AMS)).toBe('2026-04-06 09:30');
    expect(formatLocal(nextSlot(s, new Date('2026-03-30T12:00:00Z')), AMS)).toBe('2026-04-06 09:30');
    // planned a week later: the other weeks
    const other = anchorSchedule(ok('om de week maandag 9:30'), new Date('2026-03-25T12:00:00Z'));
    expect(local(other, nextSlots(other, new Date('2026-03-25T12:00:00Z'), 2))).toEqual(['2026-03-30 09:30', '2026-04-13 09:30']);
  });

  it('first Tuesday and last Friday of the month, first working day (skips holidays)', () => {
    const s = ok('eerste dinsdag van de maand 10:00');
    expect(local(s, nextSlots(s, new Date('2026-09-01T09:00:00Z'), 3))).toEqual(['2026-10-06 10:00', '2026-11-03 10:00', '2026-12-01 10:00']);
    const l = ok('laatste vrijdag van de maand 16:00');
    expect(local(l, nextSlots(l, new Date('2026-10-01T00:00:00Z'), 2))).toEqual(['2026-10-30 16:00', '2026-11-27 16:00']);
    const w = ok('eerste werkdag van de maand 9:00');
    // 1 Jan 2027 is a Friday and nieuwjaarsdag: the first working day is Monday 4 January
    expect(local(w, nextSlots(w, new Date('2026-12-15T00:00:00Z'), 2))).toEqual(['2027-01-04 09:00', '2027-02-01 09:00']);
  });

  it('the slot is just after `after`, never at it (a claimed slot is not found again)', () => {
    const s = ok('elke vrijdag 15:00');
    const first = nextSlot(s, new Date('2026-11-20T00:00:00Z'));
    expect(nextSlot(s, first).getTime()).toBeGreaterThan(first.getTime());
    expect(formatLocal(nextSlot(s, new Date(first.getTime() - 1)), AMS)).toBe('2026-11-20 15:00');
  });

  it('another time zone: London wall-clock time', () => {
    const s = ok('elke vrijdag 15:00 tijdzone Europe/London');
    expect(nextSlot(s, new Date('2026-11-23T00:00:00Z')).toISOString()).toBe('2026-11-27T15:00:00.000Z');
    expect(formatLocal(nextSlot(s, new Date('2026-11-23T00:00:00Z')), 'Europe/London')).toBe('2026-11-27 15:00');
  });

  it('zonedInstant: the gap moves forward, the overlap takes the first occurrence', () => {
    expect(zonedInstant({ y: 2026, m: 3, d: 29, h: 2, mi: 30 }, AMS).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedInstant({ y: 2026, m: 10, d: 25, h: 2, mi: 30 }, AMS).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('Dutch public holidays (computed by date-holidays, any year)', () => {
  it('Koningsdag 2025 was on Saturday 26 April, because 27 April was a Sunday', () => {
    expect(dutchHoliday({ y: 2025, m: 4, d: 26 })).toBe('Koningsdag');
    expect(dutchHoliday({ y: 2025, m: 4, d: 27 })).toBeUndefined();
    expect(dutchHoliday({ y: 2026, m: 4, d: 27 })).toBe('Koningsdag');
  });

  it('exactly the ten days of the issue: Bevrijdingsdag included (typed "school"), Goede Vrijdag not', () => {
    expect([...dutchHolidays(2026).keys()]).toEqual([
      '2026-01-01', '2026-04-05', '2026-04-06', '2026-04-27', '2026-05-05', '2026-05-14', '2026-05-24', '2026-05-25', '2026-12-25', '2026-12-26',
    ]);
    expect(dutchHoliday({ y: 2026, m: 4, d: 3 })).toBeUndefined(); // Goede Vrijdag
    expect(dutchHolidays(2031).size).toBe(10); // any year, nothing hard-coded
  });

  it('a schedule skips holidays unless it says `ook op feestdagen`; planning shows the next real run', () => {
    const s = ok('elke werkdag 16:45');
    const kingsday = zonedInstant({ y: 2026, m: 4, d: 27, h: 16, mi: 45 }, AMS);
    expect(skippedHoliday(s, kingsday)).toBe('Koningsdag');
    expect(skippedHoliday(ok('elke werkdag 16:45 ook op feestdagen'), kingsday)).toBeUndefined();
    expect(formatLocal(nextRun(s, kingsday), AMS)).toBe('2026-04-28 16:45');
    const fri = ok('elke vrijdag 15:00');
    expect(skippedHoliday(fri, zonedInstant({ y: 2026, m: 12, d: 25, h: 15, mi: 0 }, AMS))).toBe('Kerstmis');
  });
});

describe('pause dates', () => {
  const today = { y: 2026, m: 11, d: 23 };
  it.each([
    ['2026-12-01', { y: 2026, m: 12, d: 1 }],
    ['1-12-2026', { y: 2026, m: 12, d: 1 }],
    ['1/12', { y: 2026, m: 12, d: 1 }],
    ['1 december', { y: 2026, m: 12, d: 1 }],
    ['6 jan', { y: 2027, m: 1, d: 6 }],
    ['5 januari 2027', { y: 2027, m: 1, d: 5 }],
  ])('%s', (text, expected) => {
    expect(parseDutchDate(text, today)).toEqual(expected);
  });
  it.each(['morgen', '31 februari', '2026-13-01', '32-1-2027', ''])('refuses %j', (text) => {
    expect(parseDutchDate(text, today)).toBeNull();
  });
});
