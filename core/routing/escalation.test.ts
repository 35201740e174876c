import { describe, expect, it } from 'vitest';
import { endOfDay } from '../calendar';
import { localTime, madridCityCalendar as city } from '../calendar/test-calendars';
import { NO_DUE_DATE, ticketSchema, type Ticket } from '../schemas';
import { intakeTicket } from '../schemas/test-fixtures';
import { plannedIndex } from '../schemas/test-kit';
import {
  MAX_SINGLE_NOTICES,
  NOTICE_SPACING_MS,
  emptyEscalationMemory,
  escalatedTickets,
  escalationLevel,
  escalationQuery,
  nearDueBound,
  parseEscalationMemory,
  planEscalationNotices,
  type EscalatedTicket,
} from './escalation';

const at = (text: string) => localTime(city, text);
const endOf = (date: string) => endOfDay(city, city.zone.dayOf(at(`${date} 12:00`)));

function escalated(id: string, level: EscalatedTicket['level'], dueAt = endOf('2025-03-10'), departmentId = 'urbanismo'): EscalatedTicket {
  return { id, reference: `2025-${id}`, subject: `Asunto ${id}`, departmentId, assigneeId: '', dueAt, level };
}

describe('which tickets are escalated', () => {
  const thursday = at('2025-03-13 10:00');

  it('counts as near a due date within two working days, skipping the weekend, and overdue once it has passed', () => {
    expect(escalationLevel(city, endOf('2025-03-13'), thursday)).toBe('near');
    expect(escalationLevel(city, endOf('2025-03-17'), thursday)).toBe('near'); // Friday, Monday
    expect(escalationLevel(city, endOf('2025-03-18'), thursday)).toBeUndefined();
    expect(escalationLevel(city, endOf('2025-03-12'), thursday)).toBe('overdue');
    expect(escalationLevel(city, NO_DUE_DATE, thursday)).toBeUndefined();
  });

  it('finds them up to the end of the last near day, and only overdue ones without a calendar', () => {
    expect(nearDueBound(city, thursday)).toBe(endOf('2025-03-17'));
    // Before Easter: Thursday and Friday are holidays, so near reaches the Tuesday after.
    expect(nearDueBound(city, at('2025-04-16 10:00'))).toBe(endOf('2025-04-22'));
    expect(nearDueBound(undefined, thursday)).toBe(thursday);
    expect(escalationLevel(undefined, thursday - 1, thursday)).toBe('overdue');
    expect(escalationLevel(undefined, thursday + 1, thursday)).toBeUndefined();
  });

  it('are queried on the department, status and due date index, soonest first', () => {
    expect(plannedIndex(ticketSchema, escalationQuery('urbanismo', 'open', nearDueBound(city, thursday)))).toEqual(['_deleted', 'departmentId', 'status', 'dueAt', 'id']);
  });

  it('are classified from what the query found, dropping what is no longer near', () => {
    const tickets: Ticket[] = [intakeTicket(0, { id: 'a', dueAt: endOf('2025-03-12') }), intakeTicket(0, { id: 'b', dueAt: endOf('2025-03-14') }), intakeTicket(0, { id: 'c', dueAt: endOf('2025-03-31') })];
    expect(escalatedTickets(tickets, city, thursday).map(({ id, level }) => [id, level])).toEqual([
      ['a', 'overdue'],
      ['b', 'near'],
    ]);
  });
});

describe('the notices a supervisor gets', () => {
  const now = at('2025-03-13 10:00');

  it('tell once when a ticket becomes near due and once more when it becomes overdue', () => {
    const first = planEscalationNotices([escalated('a', 'near')], emptyEscalationMemory(), now);
    expect(first.notices).toEqual([{ level: 'near', departmentId: 'urbanismo', count: 1, ticket: { id: 'a', reference: '2025-a', subject: 'Asunto a', dueAt: endOf('2025-03-10') } }]);
    const again = planEscalationNotices([escalated('a', 'near')], first.memory, now + NOTICE_SPACING_MS);
    expect(again.notices).toEqual([]);
    const overdue = planEscalationNotices([escalated('a', 'overdue')], again.memory, now + 2 * NOTICE_SPACING_MS);
    expect(overdue.notices.map((notice) => [notice.level, notice.count])).toEqual([['overdue', 1]]);
    expect(planEscalationNotices([escalated('a', 'overdue')], overdue.memory, now + 3 * NOTICE_SPACING_MS).notices).toEqual([]);
  });

  it('say nothing new for a ticket first seen already overdue after it was notified overdue, but start afresh when its due date moves', () => {
    const { memory } = planEscalationNotices([escalated('a', 'overdue')], emptyEscalationMemory(), now);
    const moved = escalated('a', 'near', endOf('2025-03-14'));
    expect(planEscalationNotices([moved], memory, now + NOTICE_SPACING_MS).notices).toHaveLength(1);
  });

  it('sum up a flood: a first replica with 200 overdue tickets in Urbanismo gives one notice', () => {
    const backlog = Array.from({ length: 200 }, (_, index) => escalated(`t${index}`, 'overdue'));
    const soon = Array.from({ length: MAX_SINGLE_NOTICES }, (_, index) => escalated(`s${index}`, 'near', endOf('2025-03-14'), 'hacienda'));
    const { notices, memory } = planEscalationNotices([...backlog, ...soon], emptyEscalationMemory(), now);
    expect(notices.filter((notice) => notice.departmentId === 'urbanismo')).toEqual([{ level: 'overdue', departmentId: 'urbanismo', count: 200 }]);
    // A handful stays a notice per ticket.
    expect(notices.filter((notice) => notice.departmentId === 'hacienda').map((notice) => notice.ticket?.id)).toEqual(['s0', 's1', 's2']);
    expect(Object.keys(memory.notified)).toHaveLength(200 + MAX_SINGLE_NOTICES);
  });

  it('hold news that comes soon after a notice for the same department, and give it together later', () => {
    const first = planEscalationNotices([escalated('a', 'overdue')], emptyEscalationMemory(), now);
    const batches = ['b', 'c', 'd', 'e'].map((id) => escalated(id, 'overdue'));
    const soon = planEscalationNotices([escalated('a', 'overdue'), ...batches], first.memory, now + 60_000);
    expect(soon.notices).toEqual([]);
    const later = planEscalationNotices([escalated('a', 'overdue'), ...batches], soon.memory, now + NOTICE_SPACING_MS);
    expect(later.notices).toEqual([{ level: 'overdue', departmentId: 'urbanismo', count: 4 }]);
  });

  it('forget tickets that are no longer escalated (resolved, moved, waiting for the citizen)', () => {
    const { memory } = planEscalationNotices([escalated('a', 'overdue'), escalated('b', 'near')], emptyEscalationMemory(), now);
    expect(Object.keys(planEscalationNotices([escalated('b', 'near')], memory, now + NOTICE_SPACING_MS).memory.notified)).toEqual(['b']);
  });

  it('read back the memory kept on disk, and start afresh from a damaged one', () => {
    const { memory } = planEscalationNotices([escalated('a', 'overdue')], emptyEscalationMemory(), now);
    expect(parseEscalationMemory(JSON.parse(JSON.stringify(memory)))).toEqual(memory);
    expect(parseEscalationMemory('no')).toEqual(emptyEscalationMemory());
    expect(parseEscalationMemory({ notified: { a: { level: 'late', dueAt: 1 }, b: { level: 'near', dueAt: 2 } }, lastNoticeAt: { x: 'y' } })).toEqual({ notified: { b: { level: 'near', dueAt: 2 } }, lastNoticeAt: {} });
  });
});
