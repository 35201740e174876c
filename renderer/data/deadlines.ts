// The due date of a ticket a clerk opens (a call, a visit): the department's resolution period
// counted on its calendar — or the council's, as mail ingestion counts it (core/routing/sla.ts,
// council-calendar.ts) — in días hábiles, holidays excluded. No period or no calendar: no due date.
import { dueDateState, type DueDateState, type WorkingCalendar } from '../../core/calendar';
import { councilCalendarId, departmentCalendar, departmentDeadlines, departmentWorkingCalendar } from '../../core/routing';
import { NO_DUE_DATE, type Calendar, type Department, type Ticket, type Timestamp } from '../../core/schemas';
import { screenLog } from '../platform/screen-log';

/**
 * Past its due date with the clock running: new or open. A ticket waiting for the citizen
 * (`pending`) has its period suspended (Ley 39/2015 art. 22; core/routing/pause.ts), and one
 * resolved or closed is done: neither is "vencido".
 */
export function isOverdue(ticket: Pick<Ticket, 'dueAt' | 'status'>, now: Timestamp): boolean {
  return ticket.dueAt !== NO_DUE_DATE && ticket.dueAt < now && (ticket.status === 'new' || ticket.status === 'open');
}

export function dueDateFor(department: Department | undefined, departments: readonly Department[], calendars: ReadonlyMap<string, Calendar>, openedAt: Timestamp): Timestamp {
  if (!department?.sla.resolution) return NO_DUE_DATE;
  try {
    const all = [...calendars.values()];
    const calendar = departmentCalendar(department, all, councilCalendarId(all, departments));
    return departmentDeadlines(department, calendar, openedAt).resolutionDueAt;
  } catch (error) {
    // A calendar an administrator got wrong (or none at all) must not stop a clerk from filing a
    // call: the ticket is opened without a deadline and the problem is reported where IT will see it.
    screenLog.error('deadlines', `No due date for department ${department.id}: ${(error as Error).message}`, error);
    return NO_DUE_DATE;
  }
}

/** The calendar a department's deadlines count on: its own, else the council's; undefined if none. */
export function calendarOf(departmentId: string, departments: readonly Department[], calendars: ReadonlyMap<string, Calendar>): WorkingCalendar | undefined {
  return departmentWorkingCalendar(departmentId, departments, [...calendars.values()]);
}

/**
 * Where a ticket stands against its due date, in working days: on time, near (within two
 * working days, as the escalations count), overdue, or none. A ticket whose clock does not run
 * (waiting for the citizen, resolved, closed) has no state: "Plazo suspendido" or done.
 */
export function dueStateOf(ticket: Pick<Ticket, 'dueAt' | 'status'>, calendar: WorkingCalendar | undefined, now: Timestamp): DueDateState {
  if (ticket.dueAt === NO_DUE_DATE || !(ticket.status === 'new' || ticket.status === 'open')) return { state: 'none' };
  if (!calendar) return { state: ticket.dueAt < now ? 'overdue' : 'on_time' };
  return dueDateState(calendar, ticket.dueAt, now);
}
