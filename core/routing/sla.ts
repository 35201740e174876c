/**
 * A department's SLA turned into the ticket's deadlines, on the department's calendar.
 */
import { computeDeadline, workingCalendar, type DeadlineOptions } from '../calendar';
import { NO_DUE_DATE, type Calendar, type Department, type Timestamp } from '../schemas';

export type TicketDeadlines = {
  /** First answer to the citizen; NO_DUE_DATE when the department sets no target. */
  responseDueAt: Timestamp;
  /** Resolution: the ticket's `dueAt`; NO_DUE_DATE when the department sets no target. */
  resolutionDueAt: Timestamp;
};

/** The department's calendar, else the council's default; throws naming the missing one. */
export function departmentCalendar(department: Pick<Department, 'id' | 'calendarId'>, calendars: readonly Calendar[], defaultCalendarId?: string): Calendar {
  const id = department.calendarId ?? defaultCalendarId;
  const calendar = calendars.find((candidate) => candidate.id === id);
  if (!calendar) throw new RangeError(`department "${department.id}" has no calendar: "${id ?? '(none, and no council default)'}" was not found`);
  return calendar;
}

/** The deadlines of a ticket that entered a department at `receivedAt`. */
export function departmentDeadlines(department: Pick<Department, 'sla'>, calendar: Calendar, receivedAt: Timestamp, options: DeadlineOptions = {}): TicketDeadlines {
  const working = workingCalendar(calendar);
  const { response, resolution } = department.sla;
  return {
    responseDueAt: response ? computeDeadline(working, response, receivedAt, options).dueAt : NO_DUE_DATE,
    resolutionDueAt: resolution ? computeDeadline(working, resolution, receivedAt, options).dueAt : NO_DUE_DATE,
  };
}
