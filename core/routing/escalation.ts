/**
 * Escalation to the supervisor: "tickets near or past their due date are highlighted; escalation
 * rules notify the supervisor" (issue 6). Which tickets are escalated, how to find them through
 * the `[departmentId, status, dueAt]` index, and which notices to give — once per ticket when it
 * becomes near due, once more when it becomes overdue, and never a flood: a first replica, or a
 * workstation back after a week, gives one summary per department ("12 expedientes vencidos en
 * Urbanismo"), not hundreds of notices. Pure: the service's watcher (main/host/escalation-watch.ts)
 * runs the queries, keeps the state on disk and re-checks on a timer, since time passing (not a
 * write) is what makes a ticket overdue; the Supervisor screen lists the same tickets.
 */
import type { MangoQuery } from 'rxdb';
import { addWorkingDays, dueDateState, endOfDay, type WorkingCalendar } from '../calendar';
import { NO_DUE_DATE, type Ticket, type TicketStatus, type Timestamp } from '../schemas';

export const ESCALATION_LEVELS = ['near', 'overdue'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/**
 * The statuses whose clock runs: `pending` waits for the citizen (the period is suspended and its
 * due date moves when it resumes, pause.ts), resolved and closed are done.
 */
export const ESCALATION_STATUSES = ['new', 'open'] as const satisfies readonly TicketStatus[];

/** Near due: within this many working days, as the inbox highlights it (dueDateState's default). */
export const NEAR_WORKING_DAYS = 2;

/** More news than this for one department and level at once becomes one summary notice. */
export const MAX_SINGLE_NOTICES = 3;

/**
 * Notices for one department and level are at least this far apart: news in between waits and
 * goes out together. While a first replica fills, batch after batch of overdue tickets arrives;
 * this keeps it to a notice or two per department instead of one per batch.
 */
export const NOTICE_SPACING_MS = 5 * 60_000;

/**
 * The latest due date that counts as near at `now`: the end of the day before the
 * (NEAR_WORKING_DAYS + 1)-th working day after today (dueDateState's rule). Without a calendar,
 * only overdue tickets are found: `now`.
 */
export function nearDueBound(calendar: WorkingCalendar | undefined, now: Timestamp, nearWorkingDays = NEAR_WORKING_DAYS): Timestamp {
  if (!calendar) return now;
  const firstNotNear = addWorkingDays(calendar, calendar.zone.dayOf(now), nearWorkingDays + 1)!;
  return endOfDay(calendar, firstNotNear - 1);
}

/** Whether a due date is near or past at `now`; undefined when neither (or there is none). */
export function escalationLevel(calendar: WorkingCalendar | undefined, dueAt: Timestamp, now: Timestamp, nearWorkingDays = NEAR_WORKING_DAYS): EscalationLevel | undefined {
  if (dueAt === NO_DUE_DATE) return undefined;
  if (!calendar) return now > dueAt ? 'overdue' : undefined;
  const { state } = dueDateState(calendar, dueAt, now, { nearWorkingDays });
  return state === 'overdue' || state === 'near' ? state : undefined;
}

/**
 * The tickets of a department in one status due up to `bound`, soonest first: a range of the
 * `[departmentId, status, dueAt]` index (core/schemas/tickets.ts), never a scan.
 */
export function escalationQuery(departmentId: string, status: TicketStatus, bound: Timestamp): MangoQuery<Ticket> {
  return { selector: { departmentId, status, dueAt: { $lte: bound } }, sort: [{ dueAt: 'asc' }] };
}

export type EscalatedTicket = Pick<Ticket, 'id' | 'reference' | 'subject' | 'departmentId' | 'assigneeId' | 'dueAt'> & { level: EscalationLevel };

/** Classifies the tickets a query found; those neither near nor overdue (any more) are left out. */
export function escalatedTickets(tickets: readonly Ticket[], calendar: WorkingCalendar | undefined, now: Timestamp): EscalatedTicket[] {
  const escalated: EscalatedTicket[] = [];
  for (const ticket of tickets) {
    const level = escalationLevel(calendar, ticket.dueAt, now);
    if (level) escalated.push({ id: ticket.id, reference: ticket.reference, subject: ticket.subject, departmentId: ticket.departmentId, assigneeId: ticket.assigneeId, dueAt: ticket.dueAt, level });
  }
  return escalated;
}

/** What was already said, kept across restarts. */
export type EscalationMemory = {
  /** Per ticket: the level last notified, for the due date it had then. */
  notified: Record<string, { level: EscalationLevel; dueAt: Timestamp }>;
  /** Per department and level (`groupKey`): when its last notice went out. */
  lastNoticeAt: Record<string, Timestamp>;
};

export const emptyEscalationMemory = (): EscalationMemory => ({ notified: {}, lastNoticeAt: {} });

export type EscalationNotice = {
  level: EscalationLevel;
  departmentId: string;
  /** How many tickets the notice stands for: 1 for a ticket, more for a summary. */
  count: number;
  /** The ticket, when the notice is about one; absent in a summary. */
  ticket?: Pick<EscalatedTicket, 'id' | 'reference' | 'subject' | 'dueAt'>;
};

const RANK: Record<EscalationLevel, number> = { near: 1, overdue: 2 };

export const groupKey = (departmentId: string, level: EscalationLevel): string => `${level}:${departmentId}`;

/**
 * The notices to give now and the memory after them. News is a ticket at a higher level than was
 * notified for its current due date (a due date that moved — the citizen answered, a clerk changed
 * it — starts afresh). Per department and level: at most MAX_SINGLE_NOTICES notices about single
 * tickets, else one summary; and not within NOTICE_SPACING_MS of the last notice — news then stays
 * un-notified and goes out at a later check. Tickets no longer escalated are forgotten, so the
 * memory holds no more than the tickets escalated now.
 */
export function planEscalationNotices(current: readonly EscalatedTicket[], memory: EscalationMemory, now: Timestamp): { notices: EscalationNotice[]; memory: EscalationMemory } {
  const notified: EscalationMemory['notified'] = {};
  const news = new Map<string, EscalatedTicket[]>();
  for (const ticket of current) {
    const previous = memory.notified[ticket.id];
    const known = previous !== undefined && previous.dueAt === ticket.dueAt ? previous : undefined;
    if (known && RANK[known.level] >= RANK[ticket.level]) {
      notified[ticket.id] = known;
      continue;
    }
    // Not yet (or not at this level) notified; kept at what was said before until it is.
    if (known) notified[ticket.id] = known;
    const key = groupKey(ticket.departmentId, ticket.level);
    const group = news.get(key);
    if (group) group.push(ticket);
    else news.set(key, [ticket]);
  }
  const lastNoticeAt: EscalationMemory['lastNoticeAt'] = {};
  for (const [key, at] of Object.entries(memory.lastNoticeAt)) if (now - at < NOTICE_SPACING_MS) lastNoticeAt[key] = at;
  const notices: EscalationNotice[] = [];
  for (const [key, tickets] of [...news].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (lastNoticeAt[key] !== undefined) continue;
    const { level, departmentId } = tickets[0]!;
    if (tickets.length > MAX_SINGLE_NOTICES) notices.push({ level, departmentId, count: tickets.length });
    else for (const ticket of tickets) notices.push({ level, departmentId, count: 1, ticket: { id: ticket.id, reference: ticket.reference, subject: ticket.subject, dueAt: ticket.dueAt } });
    for (const ticket of tickets) notified[ticket.id] = { level, dueAt: ticket.dueAt };
    lastNoticeAt[key] = now;
  }
  return { notices, memory: { notified, lastNoticeAt } };
}

/** A memory read back from disk, or an empty one when it is not one (a damaged file starts afresh). */
export function parseEscalationMemory(value: unknown): EscalationMemory {
  const memory = emptyEscalationMemory();
  if (typeof value !== 'object' || value === null) return memory;
  const { notified, lastNoticeAt } = value as Record<string, unknown>;
  if (typeof notified === 'object' && notified !== null) {
    for (const [id, entry] of Object.entries(notified)) {
      const { level, dueAt } = (entry ?? {}) as Record<string, unknown>;
      if ((level === 'near' || level === 'overdue') && typeof dueAt === 'number' && Number.isFinite(dueAt)) memory.notified[id] = { level, dueAt };
    }
  }
  if (typeof lastNoticeAt === 'object' && lastNoticeAt !== null) {
    for (const [key, at] of Object.entries(lastNoticeAt)) if (typeof at === 'number' && Number.isFinite(at)) memory.lastNoticeAt[key] = at;
  }
  return memory;
}
