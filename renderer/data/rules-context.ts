// What the rules are compiled against on this workstation: the calendars, the departments and the
// council's default calendar. The data model has no "default calendar" setting, so it is derived
// from the data every workstation replicates — the calendar most departments use (ties by id) —
// and two workstations with the same replica compile the same rules the same way.
import { councilCalendarId, type RoutingContext } from '../../core/routing';
import type { Calendar, Department } from '../../core/schemas';

export { councilCalendarId };


/** The routing context of the screens: every department (so an inactive one is named as such). */
export function routingContextOf(calendars: readonly Calendar[], departments: readonly Department[]): RoutingContext {
  const defaultCalendarId = councilCalendarId(calendars, departments);
  return { calendars, departments, ...(defaultCalendarId !== undefined && { defaultCalendarId }) };
}
