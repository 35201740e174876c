// For tests only: the shipped holiday sets (resources/calendars/) composed into the calendars the
// tests count on. Never imported by production code.
import type { Calendar } from '../schemas';
import national from '../../resources/calendars/es-nacional.json';
import madridRegion from '../../resources/calendars/es-md-comunidad-de-madrid.json';
import madridCity from '../../resources/calendars/es-md-madrid-ciudad.json';
import { composeCalendar, type HolidaySet } from './holiday-sets';
import { workingCalendar, type WorkingCalendar } from './working-calendar';

export const NATIONAL = national as HolidaySet;
export const COMUNIDAD_DE_MADRID = madridRegion as HolidaySet;
export const MADRID_CITY = madridCity as HolidaySet;
export const SHIPPED_SETS = [NATIONAL, COMUNIDAD_DE_MADRID, MADRID_CITY] as const;

export const T0 = Date.UTC(2025, 0, 1);

export function calendarDoc(overrides: Partial<Calendar> = {}, sets: readonly HolidaySet[] = SHIPPED_SETS): Calendar {
  return {
    ...composeCalendar(
      {
        id: 'cal-madrid',
        name: 'Ayuntamiento de Madrid',
        region: 'ES-MD',
        timeZone: 'Europe/Madrid',
        workingDays: [1, 2, 3, 4, 5],
        workingHours: [{ start: '09:00', end: '14:00' }],
        createdAt: T0,
      },
      sets,
    ),
    ...overrides,
  };
}

/** The city of Madrid: national, Comunidad de Madrid and local holidays, 09:00–14:00. */
export const madridCityCalendar: WorkingCalendar = workingCalendar(calendarDoc());
/** Another town of the Comunidad de Madrid, without Madrid's local holidays. */
export const madridRegionCalendar: WorkingCalendar = workingCalendar(calendarDoc({ id: 'cal-region' }, [NATIONAL, COMUNIDAD_DE_MADRID]));

/** An instant from a local wall-clock time in Madrid: madridTime('2025-04-14 10:30'). */
export function localTime(calendar: WorkingCalendar, text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(text);
  if (!match) throw new Error(`bad local time ${text}`);
  const day = Math.floor(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000);
  return calendar.zone.instantAt(day, Number(match[4]) * 60 + Number(match[5]));
}
