import { describe, expect, it } from 'vitest';
import { NO_DUE_DATE, type SlaPeriod } from '../schemas';
import { deadlineStatus, dueDateState } from './deadline-status';
import { localTime, madridCityCalendar as city } from './test-calendars';

const tenDays: SlaPeriod = { amount: 10, unit: 'working_days' };
const eightHours: SlaPeriod = { amount: 8, unit: 'working_hours' };
const at = (text: string) => localTime(city, text);
const received = at('2025-04-14 10:00'); // due Wednesday 30 April 2025

describe('deadline status for the inbox', () => {
  it('is on time with the working days left, near at the end, overdue after', () => {
    expect(deadlineStatus(city, tenDays, received, { now: at('2025-04-22 12:00') })).toMatchObject({
      state: 'on_time',
      left: { amount: 6, unit: 'working_days' },
      elapsedFraction: 0.4,
    });
    expect(deadlineStatus(city, tenDays, received, { now: at('2025-04-29 10:00') })).toMatchObject({ state: 'near', left: { amount: 1 } });
    expect(deadlineStatus(city, tenDays, received, { now: at('2025-04-30 13:00') })).toMatchObject({ state: 'near', left: { amount: 0 } });
    expect(deadlineStatus(city, tenDays, received, { now: at('2025-05-05 09:00') })).toMatchObject({ state: 'overdue', left: { amount: -1 } });
  });

  it('says met or missed once the ticket is done', () => {
    expect(deadlineStatus(city, tenDays, received, { now: at('2025-06-01 10:00'), completedAt: at('2025-04-25 10:00') }).state).toBe('met');
    expect(deadlineStatus(city, tenDays, received, { now: at('2025-06-01 10:00'), completedAt: at('2025-05-05 10:00') }).state).toBe('missed');
  });

  it('is paused while waiting for the citizen, with the time left frozen and no due date', () => {
    const pauses = [{ from: at('2025-04-22 10:00') }];
    const before = deadlineStatus(city, tenDays, received, { now: at('2025-04-22 09:00') });
    const during = deadlineStatus(city, tenDays, received, { now: at('2025-04-25 12:00'), pauses });
    const later = deadlineStatus(city, tenDays, received, { now: at('2025-05-09 12:00'), pauses });
    expect(during).toMatchObject({ state: 'paused', dueAt: NO_DUE_DATE });
    expect(during.left).toEqual(before.left);
    expect(later.left).toEqual(before.left);
  });

  it('counts working minutes for a business-hour SLA', () => {
    const start = at('2025-10-13 09:00'); // due Tuesday 14 October 12:00
    expect(deadlineStatus(city, eightHours, start, { now: at('2025-10-13 13:00') })).toMatchObject({
      state: 'on_time',
      left: { amount: 240, unit: 'working_minutes' },
      elapsedFraction: 0.5,
    });
    expect(deadlineStatus(city, eightHours, start, { now: at('2025-10-14 11:00') })).toMatchObject({ state: 'near', left: { amount: 60 } });
    expect(deadlineStatus(city, eightHours, start, { now: at('2025-10-14 13:00') })).toMatchObject({ state: 'overdue', left: { amount: -60 } });
    // Nothing more passes overnight: the office is closed.
    expect(deadlineStatus(city, eightHours, start, { now: at('2025-10-14 20:00') }).left.amount).toBe(-120);
  });

  it('counts calendar days for periods in months, and takes a stricter near threshold when asked', () => {
    const month: SlaPeriod = { amount: 1, unit: 'months' };
    const start = at('2025-09-15 10:00'); // due 15 October
    expect(deadlineStatus(city, month, start, { now: at('2025-10-01 10:00') })).toMatchObject({ state: 'on_time', left: { amount: 14, unit: 'calendar_days' } });
    expect(deadlineStatus(city, month, start, { now: at('2025-10-01 10:00'), nearFraction: 0.5 }).state).toBe('near');
  });
});

describe('state of a stored due date', () => {
  const due = at('2025-04-30 23:59'); // Wednesday 30 April 2025

  it('is on time, near within two working days, overdue once passed', () => {
    expect(dueDateState(city, due, at('2025-04-22 10:00'))).toEqual({ state: 'on_time', workingDaysLeft: 6 });
    // Friday 25: Monday 28, Tuesday 29 and Wednesday 30 are left.
    expect(dueDateState(city, due, at('2025-04-25 10:00'))).toEqual({ state: 'on_time', workingDaysLeft: 3 });
    expect(dueDateState(city, due, at('2025-04-28 10:00'))).toEqual({ state: 'near', workingDaysLeft: 2 });
    expect(dueDateState(city, due, at('2025-04-30 10:00'))).toEqual({ state: 'near', workingDaysLeft: 0 });
    // 1 and 2 May are holidays: on Monday 5 May it is one working day late.
    expect(dueDateState(city, due, at('2025-05-05 10:00'))).toEqual({ state: 'overdue', workingDaysLeft: -1 });
  });

  it('takes another threshold, and has nothing to say without a due date', () => {
    expect(dueDateState(city, due, at('2025-04-28 10:00'), { nearWorkingDays: 0 }).state).toBe('on_time');
    expect(dueDateState(city, NO_DUE_DATE, at('2025-04-28 10:00'))).toEqual({ state: 'none' });
  });
});
