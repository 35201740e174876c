import { describe, expect, it } from 'vitest';
import { NO_DUE_DATE, type SlaPeriod } from '../schemas';
import { isoDate } from './civil-date';
import { addWorkingMinutes, computeDeadline, dueAt, workingMinutesBetween } from './deadlines';
import { NATIONAL, calendarDoc, localTime, madridCityCalendar as city, madridRegionCalendar as region } from './test-calendars';
import { workingCalendar, type WorkingCalendar } from './working-calendar';

const workingDays = (amount: number): SlaPeriod => ({ amount, unit: 'working_days' });
const months = (amount: number): SlaPeriod => ({ amount, unit: 'months' });

function dueDate(calendar: WorkingCalendar, period: SlaPeriod, received: string, options = {}): string {
  const deadline = computeDeadline(calendar, period, localTime(calendar, received), options);
  if (deadline.dueDay === undefined) throw new Error('no due day');
  return isoDate(deadline.dueDay);
}

describe('periods in días hábiles (Ley 39/2015, art. 30.2 and 30.3)', () => {
  it('counts from the day after receipt and skips Easter: Jueves Santo in Madrid, Viernes Santo everywhere', () => {
    // Received Monday 14 April 2025: 15, 16, 21, 22, 23, 24, 25, 28, 29, 30.
    expect(dueDate(city, workingDays(10), '2025-04-14 10:00')).toBe('2025-04-30');
    // Without the Comunidad de Madrid's Jueves Santo the same period ends a day earlier.
    const nationalOnly = workingCalendar(calendarDoc({ id: 'national' }, [NATIONAL]));
    expect(dueDate(nationalOnly, workingDays(10), '2025-04-14 10:00')).toBe('2025-04-29');
  });

  it('skips Christmas, New Year and Epiphany but counts Christmas Eve and New Year\'s Eve', () => {
    expect(dueDate(city, workingDays(5), '2025-12-19 12:00')).toBe('2025-12-29');
    // 22, 23, 24, 26, 29, 30, 31 Dec, 2, 5, 7 Jan.
    expect(dueDate(city, workingDays(10), '2025-12-19 12:00')).toBe('2026-01-07');
  });

  it('skips the local fiesta only where it is a holiday: San Isidro and the Almudena in the city of Madrid', () => {
    expect(dueDate(city, workingDays(1), '2025-05-14 11:00')).toBe('2025-05-16');
    expect(dueDate(region, workingDays(1), '2025-05-14 11:00')).toBe('2025-05-15');
    // 2025: the Almudena fell on Sunday 9 November and Madrid moved it to Monday 10.
    expect(dueDate(city, workingDays(1), '2025-11-07 11:00')).toBe('2025-11-11');
    expect(dueDate(region, workingDays(1), '2025-11-07 11:00')).toBe('2025-11-10');
  });

  it('counts a request filed on a Saturday as filed on Monday (art. 31.2.b), unless told otherwise', () => {
    expect(dueDate(city, workingDays(10), '2025-04-12 18:00')).toBe('2025-04-30');
    expect(dueDate(city, workingDays(10), '2025-04-12 18:00', { receiptOnNonWorkingDay: 'as_is' })).toBe('2025-04-29');
  });

  it('uses the local date: mail at 00:30 on New Year\'s Day in Madrid is received on a holiday', () => {
    const received = Date.UTC(2025, 11, 31, 23, 30);
    const deadline = computeDeadline(city, workingDays(1), received);
    expect(isoDate(deadline.startDay)).toBe('2026-01-02');
    expect(isoDate(deadline.dueDay!)).toBe('2026-01-05');
  });

  it('ends at the last millisecond of the due day, local time', () => {
    expect(dueAt(city, workingDays(10), localTime(city, '2025-04-14 10:00'))).toBe(Date.UTC(2025, 3, 30, 21, 59, 59, 999));
    expect(dueAt(city, workingDays(5), localTime(city, '2025-12-19 12:00'))).toBe(Date.UTC(2025, 11, 29, 22, 59, 59, 999));
  });
});

describe('periods in months (art. 30.4) and calendar days', () => {
  it('ends on the same day of the month, or the last day of a shorter month, in a leap year too', () => {
    expect(dueDate(city, months(1), '2028-01-31 10:00')).toBe('2028-02-29');
    // 28 February 2026 is a Saturday: the period ends on Monday 2 March (art. 30.5).
    expect(dueDate(city, months(1), '2026-01-30 10:00')).toBe('2026-03-02');
    expect(dueDate(city, months(3), '2025-09-15 10:00')).toBe('2025-12-15');
  });

  it('moves a month-end that falls on a Sunday to the next working day', () => {
    // 31 October + 1 month = 30 November 2025, a Sunday.
    expect(dueDate(city, months(1), '2025-10-31 10:00')).toBe('2025-12-01');
  });

  it('moves a period in calendar days that ends on Christmas to the next working day', () => {
    expect(dueDate(city, { amount: 20, unit: 'calendar_days' }, '2025-12-05 10:00')).toBe('2025-12-26');
  });
});

describe('waiting for the citizen (pauses)', () => {
  const received = '2025-04-14 10:00';
  it('does not count the days after a requirement was sent up to the day the citizen answered', () => {
    const pauses = [{ from: localTime(city, '2025-04-22 10:00'), to: localTime(city, '2025-04-24 12:00') }];
    // 23 and 24 April do not count; after 30 April come two holidays (1 and 2 May), then 5 and 6.
    expect(dueDate(city, workingDays(10), received, { pauses })).toBe('2025-05-06');
  });

  it('has no due date while the citizen has not answered yet', () => {
    const pauses = [{ from: localTime(city, '2025-04-22 10:00') }];
    expect(computeDeadline(city, workingDays(10), localTime(city, received), { pauses })).toMatchObject({ dueAt: NO_DUE_DATE });
    // A pause that opens after the period ended changes nothing.
    expect(dueAt(city, { amount: 8, unit: 'working_hours' }, localTime(city, received), { pauses })).toBe(localTime(city, '2025-04-15 13:00'));
    const early = [{ from: localTime(city, '2025-04-14 12:00') }];
    expect(dueAt(city, { amount: 8, unit: 'working_hours' }, localTime(city, received), { pauses: early })).toBe(NO_DUE_DATE);
    expect(dueAt(city, months(1), localTime(city, received), { pauses })).toBe(NO_DUE_DATE);
  });

  it('extends a period in months by the days paused', () => {
    const pauses = [{ from: localTime(city, '2025-10-01 10:00'), to: localTime(city, '2025-10-11 10:00') }];
    // 15 October + 10 days = Saturday 25 October → Monday 27.
    expect(dueDate(city, months(1), '2025-09-15 10:00', { pauses })).toBe('2025-10-27');
  });

  it('ignores a pause that ends the day it began, and pauses given out of order or overlapping', () => {
    const sameDay = [{ from: localTime(city, '2025-04-22 10:00'), to: localTime(city, '2025-04-22 13:00') }];
    expect(dueDate(city, workingDays(10), received, { pauses: sameDay })).toBe('2025-04-30');
    const messy = [
      { from: localTime(city, '2025-04-23 09:00'), to: localTime(city, '2025-04-24 12:00') },
      { from: localTime(city, '2025-04-22 10:00'), to: localTime(city, '2025-04-23 18:00') },
    ];
    expect(dueDate(city, workingDays(10), received, { pauses: messy })).toBe('2025-05-06');
  });
});

describe('business hours (first-response SLAs)', () => {
  const split = workingCalendar(calendarDoc({ id: 'split', workingHours: [{ start: '16:00', end: '19:00' }, { start: '09:00', end: '14:00' }] }));
  const hours = (amount: number): SlaPeriod => ({ amount, unit: 'working_hours' });

  it('counts only the working hours of a split day', () => {
    expect(dueAt(split, hours(8), localTime(split, '2025-10-13 10:30'))).toBe(localTime(split, '2025-10-14 10:30'));
    // Friday 17:00–19:00, Monday 09:00–14:00 and 16:00–17:00.
    expect(dueAt(split, hours(8), localTime(split, '2025-10-17 17:00'))).toBe(localTime(split, '2025-10-20 17:00'));
  });

  it('starts the clock at the next opening when the request arrives outside hours', () => {
    expect(dueAt(split, hours(1), localTime(split, '2025-10-18 11:00'))).toBe(localTime(split, '2025-10-20 10:00'));
    expect(dueAt(split, hours(1), localTime(split, '2025-10-13 14:30'))).toBe(localTime(split, '2025-10-13 17:00'));
  });

  it('skips holidays: a request on Jueves Santo waits until Monday', () => {
    expect(dueAt(city, hours(2), localTime(city, '2025-04-17 10:00'))).toBe(localTime(city, '2025-04-21 11:00'));
  });

  it('counts real elapsed time across the changes of the clock', () => {
    const always = workingCalendar(calendarDoc({ id: 'always', workingDays: [1, 2, 3, 4, 5, 6, 7], workingHours: [{ start: '00:00', end: '23:59' }], holidays: [] }));
    // 25 October 2025 has 25 hours in Madrid: 24 hours after noon is 11:00 the next day.
    expect(dueAt(always, hours(24), Date.UTC(2025, 9, 25, 10))).toBe(Date.UTC(2025, 9, 26, 10));
    expect(always.zone.minuteOf(Date.UTC(2025, 9, 26, 10))).toBe(11 * 60);
    // 29 March 2026 has 23: 24 hours after noon is 13:00 the next day.
    expect(dueAt(always, hours(24), Date.UTC(2026, 2, 28, 11))).toBe(Date.UTC(2026, 2, 29, 11));
    expect(always.zone.minuteOf(Date.UTC(2026, 2, 29, 11))).toBe(13 * 60);
    // Office hours stay office hours: Friday 12:00 summer time + 5 h = Monday 12:00 winter time.
    expect(dueAt(city, hours(5), localTime(city, '2025-10-24 12:00'))).toBe(Date.UTC(2025, 9, 27, 11));
  });

  it('opens at 09:00 local time in the Canaries, an hour after Madrid', () => {
    const canary = workingCalendar(calendarDoc({ id: 'canarias', region: 'ES-CN', timeZone: 'Atlantic/Canary', holidays: [] }));
    const madrid = workingCalendar(calendarDoc({ id: 'madrid-plain', holidays: [] }));
    const received = Date.UTC(2025, 0, 13, 8, 30);
    expect(addWorkingMinutes(canary, received, 60)).toBe(Date.UTC(2025, 0, 13, 10, 0));
    expect(addWorkingMinutes(madrid, received, 60)).toBe(Date.UTC(2025, 0, 13, 9, 30));
  });

  it('stops the clock while the ticket waits for the citizen', () => {
    const pauses = [{ from: localTime(city, '2025-10-13 10:00'), to: localTime(city, '2025-10-13 12:00') }];
    expect(dueAt(city, hours(8), localTime(city, '2025-10-13 09:00'), { pauses })).toBe(localTime(city, '2025-10-14 14:00'));
    expect(workingMinutesBetween(city, localTime(city, '2025-10-13 09:00'), localTime(city, '2025-10-14 14:00'), pauses)).toBe(480);
  });

  it('refuses a period that is not a whole positive amount', () => {
    expect(() => dueAt(city, { amount: 0, unit: 'working_days' }, 0)).toThrow(/whole positive amount/);
    expect(() => dueAt(city, { amount: 1.5, unit: 'months' }, 0)).toThrow(/whole positive amount/);
    expect(() => dueAt(city, { amount: 1, unit: 'months' }, Number.NaN)).toThrow(/needs a start time/);
  });
});
