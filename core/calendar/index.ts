/**
 * Working calendars and legal deadlines (días hábiles, Ley 39/2015 art. 30), business-hour
 * SLAs and their state for display. Pure functions over calendar documents; docs/routing.md.
 */
export { DAY_MS, HOUR_MS, MINUTE_MS, addMonthsClamped, dayFromYmd, daysInMonth, isLeapYear, isoDate, isoWeekday, parseIsoDate, ymdOf, type DayNumber } from './civil-date';
export { TimeZone, timeZone } from './time-zone';
export { CalendarError, MAX_SEARCH_DAYS, calendarProblems, isWithinWorkingHours, workingCalendar, workingDayOnOrAfter, type MinuteSpan, type WorkingCalendar } from './working-calendar';
export {
  addCalendarDays,
  addMonths,
  addWorkingDays,
  addWorkingMinutes,
  computeDeadline,
  dueAt,
  endOfDay,
  normalizePauses,
  startDayOf,
  workingDaysBetween,
  workingMinutesBetween,
  workingSpansOf,
  type Deadline,
  type DeadlineOptions,
  type PauseInterval,
} from './deadlines';
export { DEADLINE_STATES, deadlineStatus, dueDateState, type DueDateState, type DeadlineState, type DeadlineStatus, type DeadlineStatusOptions, type TimeLeftUnit } from './deadline-status';
export { composeCalendar, holidaySetProblems, type CalendarSettings, type HolidaySet, type HolidaySetYear } from './holiday-sets';
