/**
 * A calendar document (core/schemas/calendars.ts) made ready for counting: holidays as a set of
 * days, working hours as minutes, its time zone resolved. Built once per calendar and shared;
 * building checks what the JSON schema cannot (a real time zone, spans in order, real dates), so
 * a wrong calendar is refused with a message an administrator can act on instead of silently
 * giving wrong deadlines.
 */
import type { Calendar, Holiday } from '../schemas';
import { isoWeekday, parseClockTime, parseIsoDate, type DayNumber } from './civil-date';
import { timeZone, type TimeZone } from './time-zone';

/** A span of a working day in minutes since local midnight, `start < end`. */
export type MinuteSpan = { start: number; end: number };

export class CalendarError extends Error {
  constructor(
    readonly calendarId: string,
    readonly problems: string[],
  ) {
    super(`calendar "${calendarId}": ${problems.join('; ')}`);
    this.name = 'CalendarError';
  }
}

export type WorkingCalendar = {
  readonly id: string;
  readonly zone: TimeZone;
  /** The working spans of a working day, sorted, not overlapping. */
  readonly spans: readonly MinuteSpan[];
  /** Holiday names by day, for "why is this day not counted". */
  readonly holidays: ReadonlyMap<DayNumber, Holiday>;
  /** Working minutes in one working day. */
  readonly minutesPerDay: number;
  isWorkingDay(day: DayNumber): boolean;
};

/**
 * Days on which counting stops: far enough for any administrative period (the longest common
 * ones are a few years), short enough that a calendar with no working day fails fast.
 */
export const MAX_SEARCH_DAYS = 366 * 30;

/** The problems of a calendar document, empty when it can be used. */
export function calendarProblems(calendar: Calendar): string[] {
  const problems: string[] = [];
  try {
    timeZone(calendar.timeZone);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (calendar.workingDays.length === 0) problems.push('no working day in the week');
  for (const weekday of calendar.workingDays) {
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) problems.push(`weekday ${weekday} is not 1 (Monday) … 7 (Sunday)`);
  }
  const spans: MinuteSpan[] = [];
  for (const hours of calendar.workingHours) {
    try {
      const span = { start: parseClockTime(hours.start), end: parseClockTime(hours.end) };
      if (span.end <= span.start) problems.push(`working hours ${hours.start}–${hours.end} end before they start`);
      else spans.push(span);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.end) problems.push('working hours overlap');
  }
  for (const holiday of calendar.holidays) {
    try {
      parseIsoDate(holiday.date);
    } catch (error) {
      problems.push(`holiday "${holiday.name}": ${(error as Error).message}`);
    }
  }
  return problems;
}

const compiled = new WeakMap<Calendar, WorkingCalendar>();

/**
 * The working calendar of a calendar document; throws a {@link CalendarError} listing every
 * problem. Cached per document object, so calling it for every ticket costs nothing.
 */
export function workingCalendar(calendar: Calendar): WorkingCalendar {
  const cached = compiled.get(calendar);
  if (cached) return cached;
  const problems = calendarProblems(calendar);
  if (problems.length > 0) throw new CalendarError(calendar.id, problems);
  const spans = calendar.workingHours
    .map((hours) => ({ start: parseClockTime(hours.start), end: parseClockTime(hours.end) }))
    .sort((a, b) => a.start - b.start);
  // An office open until 23:59 is open until midnight: the schema's clock stops at 23:59.
  const last = spans[spans.length - 1];
  if (last && last.end === 23 * 60 + 59) last.end = 24 * 60;
  const holidays = new Map<DayNumber, Holiday>();
  for (const holiday of calendar.holidays) holidays.set(parseIsoDate(holiday.date), holiday);
  const weekdays = new Set(calendar.workingDays);
  const result: WorkingCalendar = {
    id: calendar.id,
    zone: timeZone(calendar.timeZone),
    spans,
    holidays,
    minutesPerDay: spans.reduce((sum, span) => sum + span.end - span.start, 0),
    isWorkingDay: (day) => weekdays.has(isoWeekday(day)) && !holidays.has(day),
  };
  compiled.set(calendar, result);
  return result;
}

/** The first working day on or after `day`. */
export function workingDayOnOrAfter(calendar: WorkingCalendar, day: DayNumber): DayNumber {
  for (let candidate = day; candidate < day + MAX_SEARCH_DAYS; candidate++) {
    if (calendar.isWorkingDay(candidate)) return candidate;
  }
  throw new CalendarError(calendar.id, [`no working day within ${MAX_SEARCH_DAYS} days`]);
}

/** Whether an instant falls inside the working hours of a working day. */
export function isWithinWorkingHours(calendar: WorkingCalendar, instant: number): boolean {
  const day = calendar.zone.dayOf(instant);
  if (!calendar.isWorkingDay(day)) return false;
  const minute = calendar.zone.minuteOf(instant);
  return calendar.spans.some((span) => minute >= span.start && minute < span.end);
}
