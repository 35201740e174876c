import { describe, expect, it } from 'vitest';
import { parseIsoDate } from './civil-date';
import { calendarDoc, localTime, madridCityCalendar as city } from './test-calendars';
import { CalendarError, calendarProblems, isWithinWorkingHours, workingCalendar, workingDayOnOrAfter } from './working-calendar';

describe('working calendars', () => {
  it('works Monday to Friday except holidays of every scope', () => {
    const working = (date: string) => city.isWorkingDay(parseIsoDate(date));
    expect(working('2025-04-16')).toBe(true);
    expect(working('2025-04-17')).toBe(false); // Jueves Santo, Comunidad de Madrid
    expect(working('2025-04-18')).toBe(false); // Viernes Santo, national
    expect(working('2025-05-15')).toBe(false); // San Isidro, city of Madrid
    expect(working('2025-04-19')).toBe(false); // Saturday
    expect(city.holidays.get(parseIsoDate('2026-11-02'))?.scope).toBe('regional');
  });

  it('finds the next working day after a long weekend', () => {
    expect(workingDayOnOrAfter(city, parseIsoDate('2025-04-17'))).toBe(parseIsoDate('2025-04-21'));
    expect(workingDayOnOrAfter(city, parseIsoDate('2025-04-16'))).toBe(parseIsoDate('2025-04-16'));
  });

  it('knows whether an instant is inside working hours', () => {
    expect(isWithinWorkingHours(city, localTime(city, '2025-04-16 09:00'))).toBe(true);
    expect(isWithinWorkingHours(city, localTime(city, '2025-04-16 14:00'))).toBe(false);
    expect(isWithinWorkingHours(city, localTime(city, '2025-04-17 10:00'))).toBe(false);
  });

  it('lists every problem of a calendar it cannot use, and refuses it', () => {
    const bad = calendarDoc({
      id: 'bad',
      timeZone: 'Madrid',
      workingDays: [],
      workingHours: [{ start: '14:00', end: '09:00' }, { start: '08:00', end: '10:00' }, { start: '09:30', end: '11:00' }],
      holidays: [{ date: '2025-02-30', name: 'Nunca', scope: 'local' }],
    });
    const problems = calendarProblems(bad);
    expect(problems).toEqual([
      expect.stringMatching(/unknown time zone "Madrid"/),
      'no working day in the week',
      'working hours 14:00–09:00 end before they start',
      'working hours overlap',
      expect.stringMatching(/holiday "Nunca": "2025-02-30" is not a day/),
    ]);
    expect(() => workingCalendar(bad)).toThrow(CalendarError);
    expect(calendarProblems(calendarDoc())).toEqual([]);
  });

  it('treats an office open until 23:59 as open until midnight', () => {
    const late = workingCalendar(calendarDoc({ id: 'late', workingHours: [{ start: '08:00', end: '23:59' }] }));
    expect(late.minutesPerDay).toBe(16 * 60);
  });
});
