import { describe, expect, it } from 'vitest';
import { NO_DUE_DATE, type Ticket } from '../../core/schemas';
import { endOfCouncilDay, queueStats } from './queue-stats';

const DAY = 86_400_000;
const now = Date.UTC(2026, 5, 1, 8, 0); // 10:00 in Madrid
const ticket = (id: string, changes: Partial<Ticket>): Ticket => ({ id, status: 'open', assigneeId: '', createdAt: now - DAY / 2, dueAt: NO_DUE_DATE, ...changes }) as Ticket;

describe('queue statistics', () => {
  it('ends the council\'s day at midnight in Madrid, not in UTC', () => {
    expect(endOfCouncilDay(now)).toBe(Date.UTC(2026, 5, 1, 22, 0) - 1);
  });

  it('counts a queue by age, by due date and per clerk and status', () => {
    const stats = queueStats(
      [
        ticket('a', { createdAt: now - 3 * DAY, dueAt: now - 1, assigneeId: 'ana' }),
        ticket('b', { dueAt: now + 60_000, assigneeId: 'ana', status: 'pending' }),
        ticket('c', { createdAt: now - 40 * DAY, dueAt: now + 3 * DAY }),
        ticket('d', { createdAt: now - 10 * DAY, dueAt: now + 30 * DAY, status: 'new' }),
      ],
      now,
      endOfCouncilDay(now),
    );
    expect(stats.byAge).toEqual({ d1: 1, d7: 1, d30: 1, older: 1 });
    expect(stats.byDue).toEqual({ overdue: 1, today: 1, week: 1, later: 1, none: 0 });
    expect(stats.byClerk.get('ana')).toEqual({ open: 1, pending: 1, total: 2 });
    expect(stats.byClerk.get('')).toEqual({ open: 1, new: 1, total: 2 });
  });
});
