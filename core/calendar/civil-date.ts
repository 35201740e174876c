/**
 * Dates of the civil calendar — a day on the wall calendar, not an instant — as whole numbers of
 * days since 1970-01-01, so that "the next day", "the 15th of next month" and "is it a Saturday"
 * are integer arithmetic, independent of any time zone. Instants become days only through a
 * calendar's time zone (time-zone.ts).
 */

/** A civil date, counted in days since 1970-01-01 (day 0 was a Thursday). */
export type DayNumber = number;

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day of a year, month (1–12) and day of month; no range check (see {@link parseIsoDate}). */
export function dayFromYmd(year: number, month: number, day: number): DayNumber {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** Year, month (1–12) and day of month of a day. */
export function ymdOf(day: DayNumber): { year: number; month: number; day: number } {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** 'YYYY-MM-DD' → day; throws on a malformed or impossible date ('2025-02-30'). */
export function parseIsoDate(text: string): DayNumber {
  const match = ISO_DATE.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a date of the form YYYY-MM-DD`);
  const [year, month, dayOfMonth] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > daysInMonth(year, month)) {
    throw new RangeError(`"${text}" is not a day of the calendar`);
  }
  return dayFromYmd(year, month, dayOfMonth);
}

/** Day → 'YYYY-MM-DD'. */
export function isoDate(day: DayNumber): string {
  const { year, month, day: dayOfMonth } = ymdOf(day);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: DayNumber): number {
  // 1970-01-01 was a Thursday (4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month (1–12) of a year. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The same day of the month, `months` months later; the last day of the target month when it has
 * no such day (31 January + 1 month = 28 or 29 February). This is how Ley 39/2015 art. 30.4
 * ends a period in months.
 */
export function addMonthsClamped(day: DayNumber, months: number): DayNumber {
  const { year, month, day: dayOfMonth } = ymdOf(day);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  return dayFromYmd(targetYear, targetMonth, Math.min(dayOfMonth, daysInMonth(targetYear, targetMonth)));
}

/** 'HH:MM' → minutes since midnight; throws on anything else. */
export function parseClockTime(text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a time of the form HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}
