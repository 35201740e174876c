// A supervisor's picture of a department's queue, from its active tickets: how old they are,
// when they fall due, and who holds them. Pure, over tickets already read through the
// department's index (at most ~1,100 in the largest department of a 100k caseload).
import type { WorkingCalendar } from '../../core/calendar';
import { NO_DUE_DATE, type Ticket, type TicketStatus } from '../../core/schemas';
import { dueStateOf } from './deadlines';

export const AGE_BUCKETS = ['d1', 'd7', 'd30', 'older'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];
/**
 * By due date, in días hábiles on the department's calendar (as the inbox and the escalations
 * count): past it, due today, within the next {@link WEEK_WORKING_DAYS} working days, later, or
 * with no due date; and `paused` — waiting for the citizen, whose period is suspended (Ley
 * 39/2015 art. 22.1.a; core/routing/pause.ts): not overdue whatever its date says.
 */
export const DUE_BUCKETS = ['overdue', 'today', 'week', 'later', 'none', 'paused'] as const;
export type DueBucket = (typeof DUE_BUCKETS)[number];

/** "This week": the working days of a working week after today. */
export const WEEK_WORKING_DAYS = 5;

const DAY = 86_400_000;

export function ageBucket(ticket: Ticket, now: number): AgeBucket {
  const days = (now - ticket.createdAt) / DAY;
  return days < 1 ? 'd1' : days <= 7 ? 'd7' : days <= 30 ? 'd30' : 'older';
}

/**
 * Where a ticket of the queue stands against its due date. `calendar` is its department's
 * (calendarOf in deadlines.ts); without one — a council with no calendar yet — the days are
 * counted as calendar days in Madrid (`endOfToday`, the last instant of the council's today),
 * a week as seven of them.
 */
export function dueBucket(ticket: Pick<Ticket, 'dueAt' | 'status'>, now: number, endOfToday: number, calendar?: WorkingCalendar): DueBucket {
  if (ticket.status === 'pending') return 'paused';
  if (ticket.dueAt === NO_DUE_DATE) return 'none';
  if (ticket.dueAt < now) return 'overdue';
  if (!calendar) {
    if (ticket.dueAt <= endOfToday) return 'today';
    return ticket.dueAt <= endOfToday + 7 * DAY ? 'week' : 'later';
  }
  const left = dueStateOf({ dueAt: ticket.dueAt, status: 'open' }, calendar, now).workingDaysLeft ?? 0;
  return left <= 0 ? 'today' : left <= WEEK_WORKING_DAYS ? 'week' : 'later';
}

export type QueueStats = {
  byAge: Record<AgeBucket, number>;
  byDue: Record<DueBucket, number>;
  /** assigneeId ('' unassigned) → count per status. */
  byClerk: Map<string, Partial<Record<TicketStatus, number>> & { total: number }>;
};

/** `calendar`: the department's working calendar (undefined: calendar days, see {@link dueBucket}). */
export function queueStats(tickets: readonly Ticket[], now: number, endOfToday: number, calendar?: WorkingCalendar): QueueStats {
  const byAge = Object.fromEntries(AGE_BUCKETS.map((bucket) => [bucket, 0])) as Record<AgeBucket, number>;
  const byDue = Object.fromEntries(DUE_BUCKETS.map((bucket) => [bucket, 0])) as Record<DueBucket, number>;
  const byClerk: QueueStats['byClerk'] = new Map();
  for (const ticket of tickets) {
    byAge[ageBucket(ticket, now)]++;
    byDue[dueBucket(ticket, now, endOfToday, calendar)]++;
    const row = byClerk.get(ticket.assigneeId) ?? { total: 0 };
    row[ticket.status] = (row[ticket.status] ?? 0) + 1;
    row.total++;
    byClerk.set(ticket.assigneeId, row);
  }
  return { byAge, byDue, byClerk };
}

/** The last millisecond of the day `now` falls in, in Madrid. */
export function endOfCouncilDay(now: number): number {
  const parts = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Madrid', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' }).formatToParts(now);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const elapsed = ((value('hour') * 60 + value('minute')) * 60 + value('second')) * 1000 + (now % 1000);
  return now - elapsed + DAY - 1;
}
