/**
 * Deadlines counted as Spanish administrative law counts them (Ley 39/2015, del Procedimiento
 * Administrativo Común, art. 30, https://www.boe.es/buscar/act.php?id=BOE-A-2015-10565#a30):
 *
 * - periods in days are días hábiles unless the period says otherwise: Saturdays, Sundays and
 *   holidays do not count (30.2) — here, the days the calendar does not work;
 * - they count from the day after the notification or receipt (30.3);
 * - periods in months end on the same day of the month as the notification, in the month of
 *   expiry, or on its last day when it has no such day (30.4);
 * - a period whose last day is not a working day ends on the next working day (30.5);
 * - a request filed on a non-working day counts as filed at the first hour of the next working
 *   day (art. 31.2.b), so its period starts from there (option `receiptOnNonWorkingDay`).
 *
 * Besides the legal periods, business-hour SLAs (`working_hours`): minutes inside the
 * calendar's working hours, as helpdesks count a first response.
 *
 * Time the ticket waits for the citizen (a requirement to complete a request, art. 22.1.a
 * suspends the period) is given as pause intervals. Working hours skip the exact paused time;
 * periods in days skip the days after the pause began up to and including the day it ended,
 * and resume the next day.
 */
import { NO_DUE_DATE, type SlaPeriod, type Timestamp } from '../schemas';
import { addMonthsClamped, DAY_MS, MINUTE_MS, type DayNumber } from './civil-date';
import { CalendarError, MAX_SEARCH_DAYS, workingDayOnOrAfter, type WorkingCalendar } from './working-calendar';

/** A time the ticket waited for the citizen; `to` absent: it still waits. */
export type PauseInterval = { from: Timestamp; to?: Timestamp };

export type DeadlineOptions = {
  pauses?: readonly PauseInterval[];
  /**
   * `next_working_day` (the default, art. 31.2.b): a request received on a non-working day is
   * counted as received on the next working day. `as_is`: the day it arrived (for periods the
   * law starts from a notification, which can happen on any day).
   */
  receiptOnNonWorkingDay?: 'next_working_day' | 'as_is';
};

export type Deadline = {
  /**
   * The last instant of the period: the end of the due day (23:59:59.999 local) for periods in
   * days and months, the exact minute for working hours. NO_DUE_DATE while the ticket still waits
   * for the citizen (an open pause stops the clock before the period ends).
   */
  dueAt: Timestamp;
  /** The due day, for periods in days and months; absent for working hours or while paused. */
  dueDay?: DayNumber;
  /** The day counting starts from (receipt, moved to a working day when it applies). */
  startDay: DayNumber;
};

type Range = readonly [number, number];

/** Pauses sorted and merged into [from, to) ranges; an open pause runs to +∞. */
export function normalizePauses(pauses: readonly PauseInterval[] = []): Range[] {
  const ranges = pauses
    .map((pause): Range => [pause.from, pause.to ?? Number.POSITIVE_INFINITY])
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of ranges) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function pausedDays(calendar: WorkingCalendar, pauses: readonly Range[]): Range[] {
  // Days after the day the pause began, up to and including the day it ended.
  return pauses.map(([from, to]): Range => [
    calendar.zone.dayOf(from),
    to === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : calendar.zone.dayOf(to),
  ]);
}

function isPaused(day: DayNumber, ranges: readonly Range[]): boolean {
  for (const [after, until] of ranges) if (day > after && day <= until) return true;
  return false;
}

/** The end of a local day: the last millisecond before the next day's midnight. */
export function endOfDay(calendar: WorkingCalendar, day: DayNumber): Timestamp {
  return calendar.zone.instantAt(day + 1, 0) - 1;
}

/** The day counting starts from, for a request received at `receivedAt`. */
export function startDayOf(calendar: WorkingCalendar, receivedAt: Timestamp, options: DeadlineOptions = {}): DayNumber {
  const day = calendar.zone.dayOf(receivedAt);
  return options.receiptOnNonWorkingDay === 'as_is' ? day : workingDayOnOrAfter(calendar, day);
}

/** The `amount`-th working day after `startDay`, skipping paused days; undefined while paused. */
export function addWorkingDays(calendar: WorkingCalendar, startDay: DayNumber, amount: number, paused: readonly Range[] = []): DayNumber | undefined {
  let day = startDay;
  for (let counted = 0; counted < amount; ) {
    day++;
    if (day > startDay + MAX_SEARCH_DAYS) return giveUp(calendar, paused);
    if (calendar.isWorkingDay(day) && !isPaused(day, paused)) counted++;
  }
  return day;
}

/** `amount` calendar days after `startDay` (paused days skipped), moved to a working day. */
export function addCalendarDays(calendar: WorkingCalendar, startDay: DayNumber, amount: number, paused: readonly Range[] = []): DayNumber | undefined {
  let day = startDay;
  for (let counted = 0; counted < amount; ) {
    day++;
    if (day > startDay + MAX_SEARCH_DAYS) return giveUp(calendar, paused);
    if (!isPaused(day, paused)) counted++;
  }
  return workingDayOnOrAfter(calendar, day);
}

/** The same day `amount` months later (art. 30.4), extended by paused days, moved to a working day. */
export function addMonths(calendar: WorkingCalendar, startDay: DayNumber, amount: number, paused: readonly Range[] = []): DayNumber | undefined {
  const base = addMonthsClamped(startDay, amount);
  let due = base;
  // Each paused day inside the period pushes its end one day on, which may take in more pauses.
  for (let round = 0; round < 1000; round++) {
    let extra = 0;
    for (const [after, until] of paused) {
      if (until === Number.POSITIVE_INFINITY && after < due) return undefined;
      const first = Math.max(after + 1, startDay + 1);
      const last = Math.min(until, due);
      if (last >= first) extra += last - first + 1;
    }
    const next = base + extra;
    if (next === due) break;
    due = next;
  }
  return workingDayOnOrAfter(calendar, due);
}

function giveUp(calendar: WorkingCalendar, paused: readonly Range[]): undefined {
  if (paused.some(([, until]) => until === Number.POSITIVE_INFINITY)) return undefined;
  throw new CalendarError(calendar.id, [`the period does not end within ${MAX_SEARCH_DAYS} days`]);
}

/** The working spans of a day as instants [start, end), in order. */
export function workingSpansOf(calendar: WorkingCalendar, day: DayNumber): Range[] {
  if (!calendar.isWorkingDay(day)) return [];
  return calendar.spans.map((span): Range => [calendar.zone.instantAt(day, span.start), calendar.zone.instantAt(day, span.end)]);
}

/** [from, to) minus the pauses, as pieces in order. */
function withoutPauses(from: number, to: number, pauses: readonly Range[]): Range[] {
  const pieces: Range[] = [];
  let cursor = from;
  for (const [pauseFrom, pauseTo] of pauses) {
    if (pauseTo <= cursor) continue;
    if (pauseFrom >= to) break;
    if (pauseFrom > cursor) pieces.push([cursor, pauseFrom]);
    cursor = Math.max(cursor, pauseTo);
    if (cursor >= to) break;
  }
  if (cursor < to) pieces.push([cursor, to]);
  return pieces;
}

/**
 * The instant `minutes` working minutes after `start`: time inside the working hours of working
 * days, pauses excluded. NO_DUE_DATE when an open pause stops the clock first.
 */
export function addWorkingMinutes(calendar: WorkingCalendar, start: Timestamp, minutes: number, pauses: readonly PauseInterval[] = []): Timestamp {
  const ranges = normalizePauses(pauses);
  let remaining = minutes * MINUTE_MS;
  const firstDay = calendar.zone.dayOf(start);
  const openFrom = ranges.find(([, to]) => to === Number.POSITIVE_INFINITY)?.[0] ?? Number.POSITIVE_INFINITY;
  if (remaining <= 0) return start;
  for (let day = firstDay; day <= firstDay + MAX_SEARCH_DAYS; day++) {
    if (day * DAY_MS - DAY_MS > openFrom) return NO_DUE_DATE;
    for (const [spanStart, spanEnd] of workingSpansOf(calendar, day)) {
      if (spanEnd <= start) continue;
      for (const [from, to] of withoutPauses(Math.max(spanStart, start), spanEnd, ranges)) {
        if (to - from >= remaining) return from + remaining;
        remaining -= to - from;
      }
    }
  }
  if (openFrom !== Number.POSITIVE_INFINITY) return NO_DUE_DATE;
  throw new CalendarError(calendar.id, [`${minutes} working minutes do not fit within ${MAX_SEARCH_DAYS} days`]);
}

/** Working minutes between two instants (0 when `to` ≤ `from`), pauses excluded. */
export function workingMinutesBetween(calendar: WorkingCalendar, from: Timestamp, to: Timestamp, pauses: readonly PauseInterval[] = []): number {
  if (to <= from) return 0;
  const ranges = normalizePauses(pauses);
  let total = 0;
  const lastDay = calendar.zone.dayOf(to);
  for (let day = calendar.zone.dayOf(from); day <= lastDay; day++) {
    for (const [spanStart, spanEnd] of workingSpansOf(calendar, day)) {
      for (const [a, b] of withoutPauses(Math.max(spanStart, from), Math.min(spanEnd, to), ranges)) total += b - a;
    }
  }
  return total / MINUTE_MS;
}

/** Working days in (fromDay, toDay]; negative when toDay is before fromDay. */
export function workingDaysBetween(calendar: WorkingCalendar, fromDay: DayNumber, toDay: DayNumber): number {
  const [low, high, sign] = fromDay <= toDay ? [fromDay, toDay, 1] : [toDay, fromDay, -1];
  let count = 0;
  for (let day = low + 1; day <= high; day++) if (calendar.isWorkingDay(day)) count++;
  return sign * count;
}

/** When a period that starts at `start` ends, counted on a calendar. */
export function computeDeadline(calendar: WorkingCalendar, period: SlaPeriod, start: Timestamp, options: DeadlineOptions = {}): Deadline {
  if (!Number.isInteger(period.amount) || period.amount < 1) throw new RangeError(`a period needs a whole positive amount, not ${period.amount}`);
  if (!Number.isFinite(start)) throw new RangeError(`a period needs a start time, not ${start}`);
  const pauses = normalizePauses(options.pauses);
  if (period.unit === 'working_hours') {
    const dueAt = addWorkingMinutes(calendar, start, period.amount * 60, options.pauses);
    return { dueAt, startDay: calendar.zone.dayOf(start) };
  }
  const startDay = startDayOf(calendar, start, options);
  const paused = pausedDays(calendar, pauses);
  const dueDay =
    period.unit === 'working_days'
      ? addWorkingDays(calendar, startDay, period.amount, paused)
      : period.unit === 'calendar_days'
        ? addCalendarDays(calendar, startDay, period.amount, paused)
        : addMonths(calendar, startDay, period.amount, paused);
  if (dueDay === undefined) return { dueAt: NO_DUE_DATE, startDay };
  return { dueAt: endOfDay(calendar, dueDay), dueDay, startDay };
}

/** Shorthand: the due instant of a period (NO_DUE_DATE while waiting for the citizen). */
export function dueAt(calendar: WorkingCalendar, period: SlaPeriod, start: Timestamp, options: DeadlineOptions = {}): Timestamp {
  return computeDeadline(calendar, period, start, options).dueAt;
}
