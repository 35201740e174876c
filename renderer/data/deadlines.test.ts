import { describe, expect, it } from 'vitest';
import { calendarDoc } from '../../core/calendar/test-calendars';
import { NO_DUE_DATE, type Department } from '../../core/schemas';
import { dueDateFor } from './deadlines';

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
    try {
      expect(dueDateFor(department(), [], new Map(), opened)).toBe(NO_DUE_DATE);
    } finally {
      console.error = quiet;
    }
  });
});
