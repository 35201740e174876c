/**
 * Where a ticket stands against its deadline, for the inbox: on time, near, overdue, paused
 * (waiting for the citizen), met or missed, and how much is left in the unit a clerk reads for
 * that period ("quedan 3 días hábiles", "quedan 2 h 15 min de horario", "vencido hace 2 días").
 */
import { NO_DUE_DATE, type SlaPeriod, type Timestamp } from '../schemas';
import { computeDeadline, workingDaysBetween, workingMinutesBetween, type DeadlineOptions, type PauseInterval } from './deadlines';
import type { WorkingCalendar } from './working-calendar';

export const DEADLINE_STATES = ['on_time', 'near', 'overdue', 'paused', 'met', 'missed'] as const;
/**
 * - `on_time` / `near` / `overdue`: still open; near once `nearFraction` of the period has gone
 *   (or, for periods in days, on the due day itself);
 * - `paused`: waiting for the citizen: the clock is stopped, `left` is frozen;
 * - `met` / `missed`: done (`completedAt` given), before or after the due instant.
 */
export type DeadlineState = (typeof DEADLINE_STATES)[number];

export type TimeLeftUnit = 'working_minutes' | 'working_days' | 'calendar_days';

export type DeadlineStatus = {
  state: DeadlineState;
  /** As computeDeadline: NO_DUE_DATE while paused. */
  dueAt: Timestamp;
  /**
   * What is left at `now` (at completion for met/missed), negative when late: working minutes
   * for working-hour periods, working days for working-day periods, calendar days for periods in
   * calendar days and months. 0 working or calendar days: due today.
   */
  left: { amount: number; unit: TimeLeftUnit };
  /** Share of the period used so far, 0 … 1 and beyond when late. */
  elapsedFraction: number;
};

export type DeadlineStatusOptions = DeadlineOptions & {
  now: Timestamp;
  /** When the first response was sent or the ticket resolved; absent while open. */
  completedAt?: Timestamp;
  /** Share of the period after which a ticket is `near`; 0.8 unless given. */
  nearFraction?: number;
};

function closeOpenPauses(pauses: readonly PauseInterval[] | undefined, at: Timestamp): PauseInterval[] {
  return (pauses ?? []).map((pause) => (pause.to === undefined ? { from: pause.from, to: Math.max(at, pause.from) } : pause));
}

export function deadlineStatus(calendar: WorkingCalendar, period: SlaPeriod, start: Timestamp, options: DeadlineStatusOptions): DeadlineStatus {
  const at = options.completedAt ?? options.now;
  const pausedNow = options.completedAt === undefined && (options.pauses ?? []).some((pause) => pause.to === undefined && pause.from <= options.now);
  // While paused, measure as if the citizen answered now: the clock resumes from here.
  const pauses = closeOpenPauses(options.pauses, at);
  const deadline = computeDeadline(calendar, period, start, { ...options, pauses });
  const due = deadline.dueAt;
  let left: DeadlineStatus['left'];
  let total: number;
  if (period.unit === 'working_hours') {
    const amount = at <= due ? workingMinutesBetween(calendar, at, due, pauses) : -workingMinutesBetween(calendar, due, at, pauses);
    left = { amount: Math.round(amount), unit: 'working_minutes' };
    total = period.amount * 60;
  } else {
    const today = calendar.zone.dayOf(at);
    const dueDay = deadline.dueDay ?? today;
    if (period.unit === 'working_days') {
      left = { amount: workingDaysBetween(calendar, today, dueDay), unit: 'working_days' };
      total = Math.max(1, workingDaysBetween(calendar, deadline.startDay, dueDay));
    } else {
      left = { amount: dueDay - today, unit: 'calendar_days' };
      total = Math.max(1, dueDay - deadline.startDay);
    }
  }
  const elapsedFraction = Math.max(0, (total - left.amount) / total);
  let state: DeadlineState;
  if (options.completedAt !== undefined) state = options.completedAt <= due ? 'met' : 'missed';
  else if (pausedNow) state = 'paused';
  else if (at > due) state = 'overdue';
  else if (elapsedFraction >= (options.nearFraction ?? 0.8) || (period.unit !== 'working_hours' && left.amount <= 0)) state = 'near';
  else state = 'on_time';
  return { state, dueAt: pausedNow ? NO_DUE_DATE : due, left, elapsedFraction };
}


export type DueDateState = {
  state: 'none' | 'on_time' | 'near' | 'overdue';
  /**
   * Working days from today to the due day (0: due today; negative: working days since it was
   * due); absent when there is no due date.
   */
  workingDaysLeft?: number;
};

/**
 * The state of a stored due date (`tickets.dueAt`) for the inbox, when only the date is at hand:
 * overdue once it has passed, near when it falls within `nearWorkingDays` working days (2 unless
 * given; 0 means only on the due day itself), `none` for NO_DUE_DATE.
 */
export function dueDateState(calendar: WorkingCalendar, dueAt: Timestamp, now: Timestamp, options: { nearWorkingDays?: number } = {}): DueDateState {
  if (dueAt === NO_DUE_DATE) return { state: 'none' };
  const workingDaysLeft = workingDaysBetween(calendar, calendar.zone.dayOf(now), calendar.zone.dayOf(dueAt));
  if (now > dueAt) return { state: 'overdue', workingDaysLeft: Math.min(0, workingDaysLeft) };
  return { state: workingDaysLeft <= (options.nearWorkingDays ?? 2) ? 'near' : 'on_time', workingDaysLeft };
}
