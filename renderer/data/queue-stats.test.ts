import { describe, expect, it } from 'vitest';
import { endOfDay } from '../../core/calendar';
import { localTime, madridCityCalendar as city } from '../../core/calendar/test-calendars';
import { NO_DUE_DATE, type Ticket } from '../../core/schemas';
import { dueBucket, endOfCouncilDay, queueStats } from './queue-stats';

const DAY = 86_400_000;
const now = Date.UTC(2026, 5, 1, 8, 0); // 10:00 in Madrid
const ticket = (id: string, changes: Partial<Ticket>): Ticket => ({ id, status: 'open', assigneeId: '', createdAt: now - DAY / 2, dueAt: NO_DUE_DATE, ...changes }) as Ticket;

const at = (text: string) => localTime(city, text);
/** The end of a day in Madrid, where the due dates of the council fall. */
const dueOn = (date: string) => endOfDay(city, city.zone.dayOf(at(`${date} 12:00`)));

describe('queue statistics', () => {
  it("ends the council's day at midnight in Madrid, not in UTC", () => {
    expect(endOfCouncilDay(now)).toBe(Date.UTC(2026, 5, 1, 22, 0) - 1);
  });

  it('counts a queue by age, by due date and per clerk and status', () => {
    const stats = queueStats(
      [
        ticket('a', { createdAt: now - 3 * DAY, dueAt: now - 1, assigneeId: 'ana' }),
        ticket('b', { dueAt: now + 60_000, assigneeId: 'ana', status: 'pending' }),
        ticket('c', { createdAt: now - 40 * DAY, dueAt: now + 3 * DAY }),
        ticket('d', { createdAt: now - 10 * DAY, dueAt: now + 30 * DAY, status: 'new' }),
        ticket('e', { dueAt: now + 60_000 }),
        ticket('f', {}),
      ],
      now,
      endOfCouncilDay(now),
    );
    expect(stats.byAge).toEqual({ d1: 3, d7: 1, d30: 1, older: 1 });
    expect(stats.byDue).toEqual({ overdue: 1, today: 1, week: 1, later: 1, none: 1, paused: 1 });
    expect(stats.byClerk.get('ana')).toEqual({ open: 1, pending: 1, total: 2 });
    expect(stats.byClerk.get('')).toEqual({ open: 3, new: 1, total: 4 });
  });
});

describe('the supervisor’s due dates, in días hábiles', () => {
  // Friday 11 April 2025, 10:00 in Madrid; Holy Week follows: Thursday 17 and Friday 18 are holidays.
  const friday = at('2025-04-11 10:00');
  const bucket = (dueAt: number, status: Ticket['status'] = 'open') => dueBucket({ dueAt, status }, friday, endOfCouncilDay(friday), city);

  it('puts a ticket due at the end of today in "due today", and one already past it in "overdue"', () => {
    expect(bucket(dueOn('2025-04-11'))).toBe('today');
    expect(bucket(dueOn('2025-04-10'))).toBe('overdue');
  });

  it('counts "within 5 working days" over the weekend and the Easter holidays, as the inbox does', () => {
    // Mon 14, Tue 15, Wed 16, (Thu 17 and Fri 18 holidays), Mon 21, Tue 22: the fifth working day.
    expect(bucket(dueOn('2025-04-14'))).toBe('week');
    expect(bucket(dueOn('2025-04-22'))).toBe('week');
    // Seven calendar days would stop on Friday 18; five working days reach Tuesday 22, not Wednesday 23.
    expect(bucket(dueOn('2025-04-23'))).toBe('later');
  });

  it('keeps tickets waiting for the citizen apart: their period is suspended, even past the date', () => {
    expect(bucket(dueOn('2025-04-01'), 'pending')).toBe('paused');
    expect(bucket(NO_DUE_DATE, 'pending')).toBe('paused');
    expect(bucket(NO_DUE_DATE)).toBe('none');
  });

  it('counts calendar days in Madrid when the department has no calendar', () => {
    const noCalendar = (dueAt: number) => dueBucket({ dueAt, status: 'new' }, friday, endOfCouncilDay(friday));
    expect(noCalendar(dueOn('2025-04-11'))).toBe('today');
    expect(noCalendar(dueOn('2025-04-18'))).toBe('week');
    expect(noCalendar(dueOn('2025-04-22'))).toBe('later');
  });
});
