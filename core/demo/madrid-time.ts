/**
 * Local time in Villanueva del Prado (Europe/Madrid) by arithmetic alone, so the demo caseload is
 * the same on every machine whatever its time-zone database: CET (UTC+1), and CEST (UTC+2) from
 * the last Sunday of March to the last Sunday of October at 01:00 UTC (Directive 2000/84/EC).
 */

const HOUR = 3_600_000;
export const DAY_MS = 86_400_000;

/** 01:00 UTC on the last Sunday of a month (0-based month). */
function lastSundayAt1Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/** [start, end) of summer time per year, computed once each. */
const summerTime = new Map<number, readonly [number, number]>();

/** Offset of Madrid's clock from UTC at an instant, in milliseconds. */
export function madridOffset(utc: number): number {
  const year = 1970 + Math.floor(utc / (365.2425 * DAY_MS));
  let bounds = summerTime.get(year);
  if (!bounds) summerTime.set(year, (bounds = [lastSundayAt1Utc(year, 2), lastSundayAt1Utc(year, 9)]));
  // The estimated year can be off by one around New Year, where it is winter either way.
  return utc >= bounds[0] && utc < bounds[1] ? 2 * HOUR : HOUR;
}

/** A day of the calendar, counted in days since 1970-01-01 (the local date, not an instant). */
export type DayNumber = number;

export function dayOf(utc: number): DayNumber {
  return Math.floor((utc + madridOffset(utc)) / DAY_MS);
}

/** Minutes since local midnight. */
export function minuteOfDay(utc: number): number {
  return Math.floor((((utc + madridOffset(utc)) % DAY_MS) + DAY_MS) % DAY_MS / 60_000);
}

/** The instant of a local day and minute (a minute skipped by the spring change maps an hour on). */
export function instantOf(day: DayNumber, minute: number): number {
  const naive = day * DAY_MS + minute * 60_000;
  return naive - madridOffset(naive - HOUR);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function weekdayOf(day: DayNumber): number {
  return ((day + 3) % 7 + 7) % 7 + 1;
}

/** 'YYYY-MM-DD'. */
export function isoDate(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function yearOf(day: DayNumber): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** 0-based month. */
export function monthOf(day: DayNumber): number {
  return new Date(day * DAY_MS).getUTCMonth();
}

const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];
const WEEKDAYS = ['lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'];

/** '14 de marzo'. */
export function spanishDate(day: DayNumber): string {
  const date = new Date(day * DAY_MS);
  return `${date.getUTCDate()} de ${MONTHS[date.getUTCMonth()]}`;
}

/** 'jueves 12 de marzo'. */
export function spanishWeekdayDate(day: DayNumber): string {
  return `${WEEKDAYS[weekdayOf(day) - 1]} ${spanishDate(day)}`;
}
