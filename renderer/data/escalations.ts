// The escalated tickets of a supervisor's departments — near due or overdue — for the Supervisor
// screen: the same rule and the same index-range queries as the service's watcher
// (core/routing/escalation.ts), live on the local replica.
import type { TFunction } from 'i18next';
import { map, type Observable } from 'rxjs';
import type { TicketEscalation } from '../../core/app-api';
import type { WorkingCalendar } from '../../core/calendar';
import { ESCALATION_STATUSES, departmentWorkingCalendar, escalatedTickets, escalationQuery, nearDueBound, type EscalatedTicket } from '../../core/routing';
import type { Calendar, Department, Ticket } from '../../core/schemas';
import type { WorkstationDatabase } from '../platform/platform';
import { combine } from '../hooks/use-rx';

/** What to look for in one department: its calendar (none usable: overdue only) and the latest near due date. */
export type DepartmentWatch = { departmentId: string; calendar?: WorkingCalendar; bound: number };

export function departmentWatches(departmentIds: readonly string[], departments: ReadonlyMap<string, Department>, calendars: ReadonlyMap<string, Calendar>, now: number): DepartmentWatch[] {
  const calendarList = [...calendars.values()];
  const departmentList = [...departments.values()];
  return departmentIds.map((departmentId) => {
    // None usable (a calendar an administrator got wrong): overdue tickets are still listed.
    const calendar = departmentWorkingCalendar(departmentId, departmentList, calendarList);
    return { departmentId, bound: nearDueBound(calendar, now), ...(calendar && { calendar }) };
  });
}

/** The tickets of the departments in a clock-running status due up to each bound, live. */
export function escalationCandidates$(db: WorkstationDatabase, watches: readonly DepartmentWatch[]): Observable<Ticket[]> | null {
  const queries = watches.flatMap((watch) => ESCALATION_STATUSES.map((status) => db.tickets.find(escalationQuery(watch.departmentId, status, watch.bound)).$));
  return combine(queries)?.pipe(map((results) => results.flat().map((doc) => doc.toMutableJSON() as Ticket))) ?? null;
}

/** Which of the candidates are near due or overdue at `now`, soonest due first. */
export function classifyEscalations(candidates: readonly Ticket[], watches: readonly DepartmentWatch[], now: number): EscalatedTicket[] {
  const calendarOf = new Map(watches.map((watch) => [watch.departmentId, watch.calendar]));
  const byDepartment = new Map<string, Ticket[]>();
  for (const ticket of candidates) {
    const list = byDepartment.get(ticket.departmentId);
    if (list) list.push(ticket);
    else byDepartment.set(ticket.departmentId, [ticket]);
  }
  return [...byDepartment].flatMap(([departmentId, tickets]) => escalatedTickets(tickets, calendarOf.get(departmentId), now)).sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
}

/** What a notice says: about one ticket, or a summary ("12 expedientes vencidos en Urbanismo"). */
export function escalationText(t: TFunction, notice: TicketEscalation): string {
  if (notice.ticket) return t(`supervisor.escalation.notice.${notice.level}`, { reference: notice.ticket.reference, department: notice.departmentName, subject: notice.ticket.subject });
  return t(`supervisor.escalation.notice.${notice.level}Summary`, { count: notice.count, department: notice.departmentName });
}
