// A supervisor's picture of a department's queue, from its active tickets: how old they are,
// when they fall due, and who holds them. Pure, over tickets already read through the
// department's index (at most ~1,100 in the largest department of a 100k caseload).
import { NO_DUE_DATE, type Ticket, type TicketStatus } from '../../core/schemas';

export const AGE_BUCKETS = ['d1', 'd7', 'd30', 'older'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];
export const DUE_BUCKETS = ['overdue', 'today', 'week', 'later', 'none'] as const;
export type DueBucket = (typeof DUE_BUCKETS)[number];

const DAY = 86_400_000;

export function ageBucket(ticket: Ticket, now: number): AgeBucket {
  const days = (now - ticket.createdAt) / DAY;
  return days < 1 ? 'd1' : days <= 7 ? 'd7' : days <= 30 ? 'd30' : 'older';
}

/** `endOfToday`: the last instant of the council's today (Madrid), given by the caller. */
export function dueBucket(ticket: Ticket, now: number, endOfToday: number): DueBucket {
  if (ticket.dueAt === NO_DUE_DATE) return 'none';
  if (ticket.dueAt < now) return 'overdue';
  if (ticket.dueAt <= endOfToday) return 'today';
  if (ticket.dueAt <= endOfToday + 7 * DAY) return 'week';
  return 'later';
}

export type QueueStats = {
  byAge: Record<AgeBucket, number>;
  byDue: Record<DueBucket, number>;
  /** assigneeId ('' unassigned) → count per status. */
  byClerk: Map<string, Partial<Record<TicketStatus, number>> & { total: number }>;
};

export function queueStats(tickets: readonly Ticket[], now: number, endOfToday: number): QueueStats {
  const byAge = Object.fromEntries(AGE_BUCKETS.map((bucket) => [bucket, 0])) as Record<AgeBucket, number>;
  const byDue = Object.fromEntries(DUE_BUCKETS.map((bucket) => [bucket, 0])) as Record<DueBucket, number>;
  const byClerk: QueueStats['byClerk'] = new Map();
  for (const ticket of tickets) {
    byAge[ageBucket(ticket, now)]++;
    byDue[dueBucket(ticket, now, endOfToday)]++;
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
