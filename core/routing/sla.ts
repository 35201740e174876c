/**
 * A department's SLA turned into the ticket's deadlines, on the department's calendar.
 */
import { computeDeadline, workingCalendar, type DeadlineOptions, type WorkingCalendar } from '../calendar';
import { NO_DUE_DATE, type Calendar, type Department, type Timestamp } from '../schemas';
import { councilCalendarId } from './council-calendar';

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

/** Working calendars built once per calendar document (holidays expanded, zone resolved). */
const builtCalendars = new WeakMap<Calendar, WorkingCalendar>();

/**
 * The working calendar a department's deadlines count on — its own, else the council's — for
 * screens and watchers that carry on without one: undefined when none can be used, with the
 * reason told to `onProblem`.
 */
export function departmentWorkingCalendar(
  departmentId: string,
  departments: readonly Department[],
  calendars: readonly Calendar[],
  onProblem: (reason: string) => void = () => undefined,
): WorkingCalendar | undefined {
  const department = departments.find((candidate) => candidate.id === departmentId) ?? { id: departmentId };
  try {
    const calendar = departmentCalendar(department, calendars, councilCalendarId(calendars, departments));
    let working = builtCalendars.get(calendar);
    if (!working) {
      working = workingCalendar(calendar);
      builtCalendars.set(calendar, working);
    }
    return working;
  } catch (error) {
    onProblem(error instanceof Error ? error.message : String(error));
    return undefined;
  }
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
