// The due date of a ticket a clerk opens: the department's resolution period counted on its
// calendar (días hábiles, holidays excluded: core/calendar). No period or no calendar: no due date.
import { dueAt } from '../../core/calendar/deadlines';
import { workingCalendar } from '../../core/calendar/working-calendar';
import { NO_DUE_DATE, type Calendar, type Department, type Timestamp } from '../../core/schemas';

export function dueDateFor(department: Department | undefined, calendars: ReadonlyMap<string, Calendar>, openedAt: Timestamp): Timestamp {
  const period = department?.sla.resolution;
  const calendar = department?.calendarId ? calendars.get(department.calendarId) : undefined;
  if (!period || !calendar) return NO_DUE_DATE;
  try {
    return dueAt(workingCalendar(calendar), period, openedAt);
  } catch (error) {
    // A calendar an administrator got wrong must not stop a clerk from filing a call: the ticket
    // is opened without a deadline and the problem is reported where IT will see it.
    console.error(`No due date for department ${department?.id}: ${(error as Error).message}`);
    return NO_DUE_DATE;
  }
}
