import { describe, expect, it } from 'vitest';
import { addMonthsClamped, dayFromYmd, daysInMonth, isLeapYear, isoDate, isoWeekday, parseClockTime, parseIsoDate } from './civil-date';

describe('civil dates', () => {
  it('turns ISO dates into day numbers and back', () => {
    expect(parseIsoDate('1970-01-01')).toBe(0);
    expect(isoDate(parseIsoDate('2028-02-29'))).toBe('2028-02-29');
    expect(isoDate(dayFromYmd(2025, 12, 31) + 1)).toBe('2026-01-01');
  });

  it('refuses impossible or malformed dates with a message', () => {
    expect(() => parseIsoDate('2027-02-29')).toThrow(/not a day of the calendar/);
    expect(() => parseIsoDate('2025-13-01')).toThrow(/not a day/);
    expect(() => parseIsoDate('1/5/2025')).toThrow(/YYYY-MM-DD/);
  });

  it('knows the weekday: 1 January 2025 was a Wednesday, 25 December 2027 a Saturday', () => {
    expect(isoWeekday(parseIsoDate('2025-01-01'))).toBe(3);
    expect(isoWeekday(parseIsoDate('2027-12-25'))).toBe(6);
    expect(isoWeekday(parseIsoDate('1969-12-28'))).toBe(7);
  });

  it('knows leap years and month lengths', () => {
    expect([2024, 2028, 2000].map(isLeapYear)).toEqual([true, true, true]);
    expect([2025, 2100].map(isLeapYear)).toEqual([false, false]);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2027, 2)).toBe(28);
  });

  it('adds months to the same day, or the last day of a shorter month', () => {
    const add = (date: string, months: number) => isoDate(addMonthsClamped(parseIsoDate(date), months));
    expect(add('2025-03-15', 1)).toBe('2025-04-15');
    expect(add('2028-01-31', 1)).toBe('2028-02-29');
    expect(add('2027-01-31', 1)).toBe('2027-02-28');
    expect(add('2025-08-31', 1)).toBe('2025-09-30');
    expect(add('2025-11-30', 3)).toBe('2026-02-28');
    expect(add('2028-02-29', 12)).toBe('2029-02-28');
  });

  it('reads clock times and refuses others', () => {
    expect(parseClockTime('09:30')).toBe(570);
    expect(() => parseClockTime('24:00')).toThrow(/HH:MM/);
  });
});
