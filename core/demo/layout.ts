/**
 * When the demo council's tickets come in: spread over the period by working day (weekends,
 * holidays and August are quiet, January and September busy, use grows over time) and, within a
 * day, by the hour (the morning rush at the counter, mail late at night). Ticket n's moment is a
 * pure function of n, increasing with n, so tickets are numbered in the order they arrived and
 * any one can be built alone.
 */
import { holidaysOf } from './council';
import { DAY_MS, dayOf, instantOf, isoDate, minuteOfDay, monthOf, weekdayOf, yearOf, type DayNumber } from './madrid-time';

/** Relative load per hour of a working day and of a weekend or holiday (local time). */
const WORKING_HOURS = [0.2, 0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.6, 2.5, 6, 8, 8.5, 8, 7, 4, 2, 1.8, 2.2, 2, 1.6, 1.3, 1.1, 0.8, 0.5];
const QUIET_HOURS = [0.3, 0.2, 0.15, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 1, 1.3, 1.4, 1.4, 1.3, 1.1, 1, 1, 1.1, 1.1, 1, 1, 0.9, 0.7, 0.5];
const MONTH_LOAD = [1.15, 1.05, 1.1, 1, 1, 1, 0.85, 0.6, 1.1, 1.05, 1, 0.8];

type Profile = { weights: number[]; cumulative: number[]; total: number };

function profile(weights: number[]): Profile {
  const cumulative = [0];
  for (const weight of weights) cumulative.push(cumulative[cumulative.length - 1]! + weight);
  return { weights, cumulative, total: cumulative[24]! };
}

const WORKING = profile(WORKING_HOURS);
const QUIET = profile(QUIET_HOURS);

/** Share of the day's load before a minute of the day. */
function loadBefore(p: Profile, minute: number): number {
  const hour = Math.min(23, Math.floor(minute / 60));
  return (p.cumulative[hour]! + (p.weights[hour]! * (minute - hour * 60)) / 60) / p.total;
}

/** The minute of the day (fractional) before which `share` of the day's load falls. */
function minuteAtLoad(p: Profile, share: number): number {
  const target = share * p.total;
  let hour = 0;
  while (hour < 23 && p.cumulative[hour + 1]! <= target) hour++;
  return hour * 60 + ((target - p.cumulative[hour]!) / p.weights[hour]!) * 60;
}

export class ArrivalLayout {
  readonly firstDay: DayNumber;
  readonly lastDay: DayNumber;
  private readonly holidays: Set<DayNumber>;
  /** ticketsBefore[k]: tickets that arrived before day firstDay + k (k = 0 … days). */
  private readonly ticketsBefore: Int32Array;
  private readonly nowMinute: number;

  constructor(
    readonly tickets: number,
    readonly now: number,
    days: number,
  ) {
    this.lastDay = dayOf(now);
    this.firstDay = this.lastDay - days + 1;
    this.nowMinute = minuteOfDay(now);
    this.holidays = new Set();
    for (let year = yearOf(this.firstDay) - 1; year <= yearOf(this.lastDay) + 1; year++) {
      for (const holiday of holidaysOf(year)) this.holidays.add(Math.round(Date.parse(holiday.date) / DAY_MS));
    }
    const weights = new Float64Array(days);
    let total = 0;
    for (let k = 0; k < days; k++) {
      const day = this.firstDay + k;
      let weight = this.isWorkingDay(day) ? 1 : weekdayOf(day) === 6 ? 0.14 : 0.09;
      weight *= MONTH_LOAD[monthOf(day)]! * (0.8 + (0.4 * k) / Math.max(1, days - 1));
      if (day === this.lastDay) weight *= loadBefore(this.profileOf(day), this.nowMinute);
      weights[k] = weight;
      total += weight;
    }
    this.ticketsBefore = new Int32Array(days + 1);
    let cumulative = 0;
    for (let k = 0; k < days; k++) {
      cumulative += weights[k]!;
      this.ticketsBefore[k + 1] = k === days - 1 ? tickets : Math.max(0, Math.min(tickets, Math.ceil((cumulative / total) * tickets - 0.5)));
    }
  }

  isWorkingDay(day: DayNumber): boolean {
    return weekdayOf(day) <= 5 && !this.holidays.has(day);
  }

  isHoliday(day: DayNumber): boolean {
    return this.holidays.has(day);
  }

  private profileOf(day: DayNumber): Profile {
    return this.isWorkingDay(day) ? WORKING : QUIET;
  }

  /** The day (0-based within the period) ticket n arrived on. */
  private dayIndexOf(n: number): number {
    let low = 0;
    let high = this.ticketsBefore.length - 2;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.ticketsBefore[mid]! <= n) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /**
   * When ticket n arrived. `jitter` in [0, 1) places it within its slot, so moments increase
   * with n yet do not fall on a grid.
   */
  arrival(n: number, jitter: number): number {
    const k = this.dayIndexOf(n);
    const day = this.firstDay + k;
    const before = this.ticketsBefore[k]!;
    const count = this.ticketsBefore[k + 1]! - before;
    let share = (n - before + jitter) / count;
    const p = this.profileOf(day);
    if (day === this.lastDay) share *= loadBefore(p, this.nowMinute);
    const minute = minuteAtLoad(p, share);
    return Math.min(this.now - 1_000, instantOf(day, 0) + Math.floor(minute * 60_000));
  }

  /** Number of the first ticket that arrived in a year (for references numbered per year). */
  firstTicketOfYear(year: number): number {
    const firstDayOfYear = Math.round(Date.UTC(year, 0, 1) / DAY_MS);
    const k = Math.max(0, Math.min(this.ticketsBefore.length - 1, firstDayOfYear - this.firstDay));
    return this.ticketsBefore[k]!;
  }

  /** The first moment at or after `at` when the council's offices are open (9:00–14:30). */
  nextOfficeMoment(at: number, minutesLater: number): number {
    let day = dayOf(at);
    const minute = minuteOfDay(at);
    if (this.isWorkingDay(day) && minute >= 9 * 60 && minute < 14 * 60 + 30) return at;
    if (!(this.isWorkingDay(day) && minute < 9 * 60)) day++;
    while (!this.isWorkingDay(day)) day++;
    return instantOf(day, 9 * 60 + minutesLater);
  }

  /** End of the working day `count` working days after `at` (days counted as Ley 39/2015 art. 30). */
  addWorkingDays(at: number, count: number): number {
    let day = dayOf(at);
    for (let left = count; left > 0; ) {
      day++;
      if (this.isWorkingDay(day)) left--;
    }
    return instantOf(day, 23 * 60 + 59);
  }

  /** 'YYYY-MM-DD' of the first day, for documents. */
  get firstDate(): string {
    return isoDate(this.firstDay);
  }
}
