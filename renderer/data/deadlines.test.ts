import { describe, expect, it } from 'vitest';
import { calendarDoc } from '../../core/calendar/test-calendars';
import { NO_DUE_DATE, type Department } from '../../core/schemas';
import type { ScreenLogEntry } from '../../core/app-api';
import { screenLog } from '../platform/screen-log';
import { calendarOf, dueDateFor, dueStateOf } from './deadlines';

const department = (overrides: Partial<Department> = {}): Department => ({
  id: 'urbanismo', name: 'Urbanismo', code: 'URB', mailAliases: [], sla: { resolution: { amount: 10, unit: 'working_days' } },
  assignmentMode: 'manual', active: true, createdAt: 0, updatedAt: 0, ...overrides,
});

describe('the due date of a call or a visit', () => {
  const calendars = new Map([['cal-madrid', calendarDoc()]]);
  // Thursday 10 April 2025, 10:00 in Madrid: ten días hábiles skip Easter (Jueves and Viernes Santo) and two weekends.
  const opened = Date.UTC(2025, 3, 10, 8);

  it('counts the department’s period in días hábiles on its calendar', () => {
    const due = dueDateFor(department({ calendarId: 'cal-madrid' }), [], calendars, opened);
    expect(new Date(due).toISOString().slice(0, 10)).toBe('2025-04-28');
  });

  it('uses the council’s calendar for a department without one, as mail ingestion does', () => {
    const withOwn = dueDateFor(department({ calendarId: 'cal-madrid' }), [], calendars, opened);
    expect(dueDateFor(department(), [department({ id: 'hacienda', calendarId: 'cal-madrid' })], calendars, opened)).toBe(withOwn);
  });

  it('gives no due date without a period, or when no calendar exists (the call is still filed)', () => {
    expect(dueDateFor(department({ sla: {} }), [], calendars, opened)).toBe(NO_DUE_DATE);
    expect(dueDateFor(undefined, [], calendars, opened)).toBe(NO_DUE_DATE);
    const quiet = console.error;
    console.error = () => undefined;
    const logged: ScreenLogEntry[] = [];
    const detach = screenLog.attach((entry) => logged.push(entry));
    try {
      expect(dueDateFor(department(), [], new Map(), opened)).toBe(NO_DUE_DATE);
    } finally {
      detach();
      console.error = quiet;
    }
    // Where IT will see it: the workstation service's log.
    expect(logged).toEqual([expect.objectContaining({ level: 'error', source: 'deadlines', message: expect.stringMatching(/^No due date for department urbanismo: /) })]);
  });
});

describe('the time left on a ticket', () => {
  const calendars = new Map([['cal-madrid', calendarDoc()]]);
  const departments = [department({ id: 'hacienda', calendarId: 'cal-madrid' })];
  // Monday 14 April 2025, 10:00 in Madrid (Holy Week: Thursday 17 and Friday 18 are holidays).
  const monday = Date.UTC(2025, 3, 14, 8);
  const endOf = (day: number) => Date.UTC(2025, 3, day, 21, 59, 59, 999);

  it('counts working days on the council’s calendar for a department without one, holidays skipped', () => {
    const calendar = calendarOf('urbanismo', departments, calendars);
    expect(calendar).toBeDefined();
    // Due Tuesday 22 April: Tue 15, Wed 16, (Easter), Mon 21, Tue 22 → 4 working days away.
    expect(dueStateOf({ dueAt: endOf(22), status: 'open' }, calendar, monday)).toEqual({ state: 'on_time', workingDaysLeft: 4 });
    expect(dueStateOf({ dueAt: endOf(16), status: 'new' }, calendar, monday)).toEqual({ state: 'near', workingDaysLeft: 2 });
    expect(dueStateOf({ dueAt: endOf(14), status: 'open' }, calendar, monday)).toEqual({ state: 'near', workingDaysLeft: 0 });
    expect(dueStateOf({ dueAt: Date.UTC(2025, 3, 10, 21, 59), status: 'open' }, calendar, monday)).toMatchObject({ state: 'overdue', workingDaysLeft: -2 });
  });

  it('has no state while the clock is stopped or the ticket is done, nor without a due date', () => {
    const calendar = calendarOf('hacienda', departments, calendars);
    for (const status of ['pending', 'resolved', 'closed'] as const) expect(dueStateOf({ dueAt: endOf(10), status }, calendar, monday)).toEqual({ state: 'none' });
    expect(dueStateOf({ dueAt: NO_DUE_DATE, status: 'open' }, calendar, monday)).toEqual({ state: 'none' });
    expect(calendarOf('hacienda', departments, new Map())).toBeUndefined();
  });
});
