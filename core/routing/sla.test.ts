import { describe, expect, it } from 'vitest';
import { calendarDoc, localTime, madridCityCalendar } from '../calendar/test-calendars';
import { NO_DUE_DATE } from '../schemas';
import { departmentCalendar, departmentDeadlines } from './sla';

const calendars = [calendarDoc(), calendarDoc({ id: 'cal-24h', workingDays: [1, 2, 3, 4, 5, 6, 7], workingHours: [{ start: '00:00', end: '23:59' }], holidays: [] })];

describe('a department\'s SLA as due dates', () => {
  it('takes the department\'s calendar, else the council\'s default, and names a missing one', () => {
    expect(departmentCalendar({ id: 'policia', calendarId: 'cal-24h' }, calendars, 'cal-madrid').id).toBe('cal-24h');
    expect(departmentCalendar({ id: 'urbanismo' }, calendars, 'cal-madrid').id).toBe('cal-madrid');
    expect(() => departmentCalendar({ id: 'urbanismo', calendarId: 'cal-nope' }, calendars)).toThrow(/department "urbanismo" has no calendar: "cal-nope" was not found/);
    expect(() => departmentCalendar({ id: 'urbanismo' }, calendars)).toThrow(/no council default/);
  });

  it('gives the response and resolution deadlines, and none where the department sets no target', () => {
    const received = localTime(madridCityCalendar, '2025-04-14 10:00');
    expect(departmentDeadlines({ sla: { response: { amount: 10, unit: 'working_days' }, resolution: { amount: 3, unit: 'months' } } }, calendars[0]!, received)).toEqual({
      responseDueAt: Date.UTC(2025, 3, 30, 21, 59, 59, 999),
      resolutionDueAt: Date.UTC(2025, 6, 14, 21, 59, 59, 999),
    });
    expect(departmentDeadlines({ sla: {} }, calendars[0]!, received)).toEqual({ responseDueAt: NO_DUE_DATE, resolutionDueAt: NO_DUE_DATE });
    // A 24-hour service counts Easter hours too: 8 hours after Thursday 10:00 is 18:00.
    expect(departmentDeadlines({ sla: { response: { amount: 8, unit: 'working_hours' } } }, calendars[1]!, localTime(madridCityCalendar, '2025-04-17 10:00')).responseDueAt).toBe(
      localTime(madridCityCalendar, '2025-04-17 18:00'),
    );
  });
});
