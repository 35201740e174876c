// The council's default calendar, derived from replicated data so that every workstation (the
// screens, mail ingestion) routes time conditions against the same one.
import type { Calendar, Department } from '../schemas';

/**
 * The council's calendar for time conditions that name none: the only calendar there is, else the
 * one most departments work by (a 24-hour Policía Local calendar is the exception, not the rule),
 * ties broken by id; undefined when there is no calendar at all.
 */
export function councilCalendarId(calendars: readonly Calendar[], departments: readonly Pick<Department, 'calendarId' | 'active'>[]): string | undefined {
  if (calendars.length === 0) return undefined;
  const known = new Set(calendars.map((calendar) => calendar.id));
  const uses = new Map<string, number>();
  for (const department of departments) {
    if (department.active && department.calendarId && known.has(department.calendarId)) uses.set(department.calendarId, (uses.get(department.calendarId) ?? 0) + 1);
  }
  const ids = [...known].sort();
  return ids.reduce((best, id) => ((uses.get(id) ?? 0) > (uses.get(best) ?? 0) ? id : best), ids[0]!);
}
