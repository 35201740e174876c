import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { endOfDay } from '../../core/calendar';
import { calendarDoc, localTime, madridCityCalendar as city } from '../../core/calendar/test-calendars';
import type { Department, Ticket } from '../../core/schemas';
import { intakeTicket } from '../../core/schemas/test-fixtures';
import { openTestDatabase, type TestDatabase } from '../../core/schemas/test-kit';
import { createI18n } from '../i18n';
import { classifyEscalations, departmentWatches, escalationCandidates$, escalationText } from './escalations';

const at = (text: string) => localTime(city, text);
const endOf = (date: string) => endOfDay(city, city.zone.dayOf(at(`${date} 12:00`)));
const department = (id: string, calendarId?: string): Department => ({ id, name: id, code: 'X', mailAliases: [], ...(calendarId && { calendarId }), sla: {}, assignmentMode: 'manual', active: true, createdAt: 0, updatedAt: 0 });

let db: TestDatabase | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe('the escalated tickets a supervisor sees', () => {
  it('are the near-due and overdue tickets of their departments in a running status, soonest due first', async () => {
    db = await openTestDatabase(['tickets']);
    const now = at('2025-03-13 10:00');
    let n = 0;
    const ticket = (departmentId: string, dueAt: number, status: Ticket['status'] = 'open') => intakeTicket(0, { id: `t${++n}`, reference: `2025-00000${n}`, departmentId, dueAt, status });
    const tickets = [ticket('urbanismo', endOf('2025-03-14')), ticket('urbanismo', endOf('2025-03-10'), 'new'), ticket('urbanismo', endOf('2025-03-31')), ticket('urbanismo', endOf('2025-03-10'), 'pending'), ticket('cultura', endOf('2025-03-10')), ticket('sin-calendario', endOf('2025-03-12')), ticket('sin-calendario', endOf('2025-03-14'))];
    await db.tickets.bulkInsert(tickets);
    const departments = new Map([department('urbanismo', 'cal-madrid'), department('sin-calendario', 'cal-borrado')].map((d) => [d.id, d]));
    const calendars = new Map([[calendarDoc().id, calendarDoc()]]);
    const watches = departmentWatches(['urbanismo', 'sin-calendario'], departments, calendars, now);
    expect(watches.map((watch) => [watch.departmentId, watch.calendar?.id])).toEqual([['urbanismo', 'cal-madrid'], ['sin-calendario', undefined]]);
    const candidates = await firstValueFrom(escalationCandidates$(db, watches)!);
    // A department whose calendar is gone still lists what is overdue.
    expect(classifyEscalations(candidates, watches, now).map(({ id, level }) => [id, level])).toEqual([
      ['t2', 'overdue'],
      ['t6', 'overdue'],
      ['t1', 'near'],
    ]);
    expect(escalationCandidates$(db, [])).toBeNull();
  });

  it('are announced about one ticket, or summed up per department, in Spanish and English', () => {
    const single = { level: 'overdue' as const, departmentId: 'urbanismo', departmentName: 'Urbanismo', count: 1, ticket: { ticketId: 't1', reference: '2025-ABCD-1234', subject: 'Vado', dueAt: 0 } };
    const summary = { level: 'overdue' as const, departmentId: 'urbanismo', departmentName: 'Urbanismo', count: 12 };
    const es = createI18n('es').t;
    expect(escalationText(es, single)).toBe('Expediente 2025-ABCD-1234 vencido (Urbanismo): Vado');
    expect(escalationText(es, summary)).toBe('12 expedientes vencidos en Urbanismo');
    expect(escalationText(es, { ...summary, level: 'near' })).toBe('12 expedientes a punto de vencer en Urbanismo');
    expect(escalationText(createI18n('en').t, { ...single, level: 'near' })).toBe('Ticket 2025-ABCD-1234 is due soon (Urbanismo): Vado');
  });
});
