/**
 * Waiting for the citizen suspends the period (Ley 39/2015 art. 22.1.a: "cuando deba requerirse a
 * cualquier interesado para la subsanación de deficiencias…", https://www.boe.es/buscar/act.php?id=BOE-A-2015-10565#a22).
 * A ticket in `pending` waits for the citizen; when it leaves `pending` — a clerk changes its
 * status, or the citizen's mail reopens it — its stored due date moves later by the working time
 * the pause took out of the period, counted on the department's calendar in the unit of the
 * department's resolution period.
 *
 * Only the stored `tickets.dueAt` is at hand (no schema change: the pauses themselves are not
 * stored), so the resume works from what was left of the period when the pause began:
 * - working hours: the working minutes from the pause's start to the due date are counted again
 *   from the moment it ended (the exact paused time is skipped, as computeDeadline does);
 * - working days: the working days after the day the pause began up to the due day are counted
 *   again after the day it ended (the days after the pause began, up to and including the day it
 *   ended, do not count — the same rule as computeDeadline's pauses);
 * - calendar days and months: the due day moves by the paused days, then to a working day
 *   (art. 30.5). The nominal last day before that move is not stored, so a due date that had
 *   been moved off a weekend moves from the working day it landed on.
 * A pause that began after the period had ended (an overdue ticket) leaves the due date alone: a
 * suspension stops a period that is running, it does not revive one that has lapsed. The due date
 * never moves earlier (a manual due date outside the working hours is kept when it is later).
 *
 * When the pause began: `fieldClock.status`, the clock the merge keeps of the last change of
 * status (core/sync/ticket-merge.ts). Every writer of a status stamps it (stampTicketEdit: the
 * screens, mail ingestion); tickets written without clocks (the demo caseload, imports) fall back
 * to `updatedAt`, the last change of any field — the latest the status can have been set.
 */
import {
  MINUTE_MS,
  addWorkingDays,
  addWorkingMinutes,
  endOfDay,
  timeZone,
  workingCalendar,
  workingDayOnOrAfter,
  workingDaysBetween,
  workingMinutesBetween,
  type DayNumber,
  type WorkingCalendar,
} from '../calendar';
import { NO_CITIZEN, NO_DUE_DATE, type Calendar, type Department, type Message, type SlaUnit, type Ticket, type TicketStatus, type Timestamp } from '../schemas';
import { formatDate } from '../templates';
import { councilCalendarId } from './council-calendar';
import { departmentCalendar } from './sla';

/** The calendar a ticket's due date is counted on, and the unit of its period. */
export type DeadlineClock = { calendar: WorkingCalendar; unit: SlaUnit };

/**
 * The unit of a due date whose department sets no resolution period (a due date a clerk set, a
 * ticket in the intake queue): días hábiles, the law's default for periods in days (art. 30.2).
 */
export const DEFAULT_PAUSE_UNIT: SlaUnit = 'working_days';

/** What the resume needs of the council: replicated data, the same on every workstation. */
export type PauseContext = {
  departments: readonly Pick<Department, 'id' | 'calendarId' | 'sla' | 'active'>[];
  calendars: readonly Calendar[];
  /** The council's default calendar; derived from the departments when left out (councilCalendarId). */
  defaultCalendarId?: string | undefined;
};

export type PausedTime = { amount: number; unit: 'working_minutes' | 'working_days' | 'calendar_days' };

/** Why a due date did not move. */
export type KeptReason =
  /** NO_DUE_DATE: nothing to move. */
  | 'no_due_date'
  /** The period had ended before the pause began. */
  | 'already_due'
  /** Nothing of the period was left when the pause began (it began on the due day, after hours). */
  | 'nothing_left'
  /** The pause took no working time (a weekend, an evening, the same day for periods in days). */
  | 'no_working_time'
  /** The resume is not after the pause began (a clock behind). */
  | 'not_after_pause'
  /** Neither the department nor the council has a calendar that can be used. */
  | 'no_calendar';

export type PauseResume = {
  pausedFrom: Timestamp;
  resumedAt: Timestamp;
  previousDueAt: Timestamp;
  /** The due date after the pause: later than, or equal to, `previousDueAt`. */
  dueAt: Timestamp;
  /** The working time the pause lasted, in the period's unit (0 when `kept` says why). */
  paused: PausedTime;
  /** Set when the due date stays where it was, with the reason. */
  kept?: KeptReason;
  /** The calendar's IANA time zone, for writing the dates as a person reads them; absent without a calendar. */
  timeZone?: string;
  /** Whether the due date is a whole day (the end of its day) rather than a minute. */
  wholeDay: boolean;
};

/** When the ticket's current status was set: its clock, else the ticket's last change. */
export function pauseStartOf(ticket: Pick<Ticket, 'fieldClock' | 'updatedAt'>): Timestamp {
  return ticket.fieldClock?.status ?? ticket.updatedAt;
}

/**
 * The clock of a department's tickets: its calendar (else the council's default) and the unit
 * of its resolution period. Throws, naming the calendar, when none can be used.
 */
export function deadlineClockOf(departmentId: string, context: PauseContext): DeadlineClock {
  const department = context.departments.find((candidate) => candidate.id === departmentId);
  const defaultCalendarId = context.defaultCalendarId ?? councilCalendarId(context.calendars, context.departments);
  const calendar = departmentCalendar(department ?? { id: departmentId === '' ? '(bandeja general)' : departmentId }, context.calendars, defaultCalendarId);
  return { calendar: workingCalendar(calendar), unit: department?.sla.resolution?.unit ?? DEFAULT_PAUSE_UNIT };
}

const pausedUnitOf = (unit: SlaUnit): PausedTime['unit'] => (unit === 'working_hours' ? 'working_minutes' : unit === 'working_days' ? 'working_days' : 'calendar_days');

/** The same local time of day on another day; the end of a day stays the end of a day. */
function sameTimeOn(calendar: WorkingCalendar, dueAt: Timestamp, fromDay: DayNumber, toDay: DayNumber): Timestamp {
  if (dueAt === endOfDay(calendar, fromDay)) return endOfDay(calendar, toDay);
  const withinMinute = ((dueAt % MINUTE_MS) + MINUTE_MS) % MINUTE_MS;
  return calendar.zone.instantAt(toDay, calendar.zone.minuteOf(dueAt)) + withinMinute;
}

/**
 * The due date of a period paused from `pausedFrom` to `resumedAt`, on a department's clock.
 * Pure; see the module's comment for how each unit counts.
 */
export function resumeDueDate(clock: DeadlineClock, dueAt: Timestamp, pausedFrom: Timestamp, resumedAt: Timestamp): PauseResume {
  const { calendar, unit } = clock;
  const zone = calendar.zone;
  const wholeDay = dueAt !== NO_DUE_DATE && unit !== 'working_hours' && dueAt === endOfDay(calendar, zone.dayOf(dueAt));
  const base = { pausedFrom, resumedAt, previousDueAt: dueAt, timeZone: zone.name, wholeDay };
  const kept = (reason: KeptReason, paused = 0): PauseResume => ({ ...base, dueAt, paused: { amount: paused, unit: pausedUnitOf(unit) }, kept: reason });
  if (dueAt === NO_DUE_DATE) return kept('no_due_date');
  if (!(resumedAt > pausedFrom)) return kept('not_after_pause');
  if (dueAt <= pausedFrom) return kept('already_due');

  let moved: Timestamp;
  let paused: number;
  if (unit === 'working_hours') {
    const left = workingMinutesBetween(calendar, pausedFrom, dueAt);
    paused = Math.round(workingMinutesBetween(calendar, pausedFrom, resumedAt));
    if (left <= 0) return kept('nothing_left', paused);
    moved = Math.round(addWorkingMinutes(calendar, resumedAt, left));
  } else {
    const pausedDay = zone.dayOf(pausedFrom);
    const resumedDay = zone.dayOf(resumedAt);
    const dueDay = zone.dayOf(dueAt);
    if (unit === 'working_days') {
      const left = workingDaysBetween(calendar, pausedDay, dueDay);
      paused = workingDaysBetween(calendar, pausedDay, resumedDay);
      if (left <= 0) return kept('nothing_left', paused);
      moved = sameTimeOn(calendar, dueAt, dueDay, addWorkingDays(calendar, resumedDay, left)!);
    } else {
      paused = resumedDay - pausedDay;
      if (dueDay <= pausedDay) return kept('nothing_left', paused);
      moved = sameTimeOn(calendar, dueAt, dueDay, workingDayOnOrAfter(calendar, dueDay + paused));
    }
  }
  if (moved <= dueAt) return kept('no_working_time', paused);
  return { ...base, dueAt: moved, paused: { amount: paused, unit: pausedUnitOf(unit) } };
}

/**
 * What a change of status does to the due date: undefined unless the ticket leaves `pending`;
 * otherwise the resume (moved, or kept with the reason — `no_calendar` when the department's
 * calendar cannot be used: the due date is then left alone rather than the status refused).
 */
export function resumeOnStatusChange(ticket: Pick<Ticket, 'status' | 'departmentId' | 'dueAt' | 'fieldClock' | 'updatedAt'>, nextStatus: TicketStatus, at: Timestamp, context: PauseContext): PauseResume | undefined {
  if (ticket.status !== 'pending' || nextStatus === 'pending') return undefined;
  const pausedFrom = pauseStartOf(ticket);
  let clock: DeadlineClock;
  try {
    clock = deadlineClockOf(ticket.departmentId, context);
  } catch {
    return { pausedFrom, resumedAt: at, previousDueAt: ticket.dueAt, dueAt: ticket.dueAt, paused: { amount: 0, unit: 'working_days' }, kept: 'no_calendar', wholeDay: false };
  }
  return resumeDueDate(clock, ticket.dueAt, pausedFrom, at);
}

/** Whether a resume moved the due date (and deserves a line in the ticket's timeline). */
export function dueDateMoved(resume: PauseResume | undefined): resume is PauseResume {
  return resume !== undefined && resume.kept === undefined && resume.dueAt !== resume.previousDueAt;
}

// ── the record in the timeline ───────────────────────────────────────────────────────────

function localTime(instant: Timestamp, zoneName: string): string {
  return new Intl.DateTimeFormat('es-ES', { timeZone: zoneName, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

function moment(instant: Timestamp, zoneName: string, withTime: boolean): string {
  const date = formatDate(instant, timeZone(zoneName), 'es');
  return withTime ? `${date}, ${localTime(instant, zoneName)}` : date;
}

function pausedText(paused: PausedTime): string {
  if (paused.unit === 'working_minutes') {
    const hours = Math.floor(paused.amount / 60);
    const minutes = paused.amount % 60;
    const text = hours > 0 ? (minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`) : `${minutes} min`;
    return `${text} de horario laboral`;
  }
  if (paused.unit === 'working_days') return paused.amount === 1 ? '1 día hábil' : `${paused.amount} días hábiles`;
  return paused.amount === 1 ? '1 día natural' : `${paused.amount} días naturales`;
}

/**
 * The line the ticket's timeline shows, in Spanish (the council's language; notes are stored
 * text): "Plazo suspendido en espera del ciudadano (art. 22.1.a de la Ley 39/2015) del … al …
 * (3 días hábiles). El vencimiento pasa del … al …".
 */
export function pauseNoteText(resume: PauseResume): string {
  // Only a resume without a calendar lacks a zone, and it moves nothing: UTC keeps the text honest.
  const zoneName = resume.timeZone ?? 'UTC';
  const period = `del ${moment(resume.pausedFrom, zoneName, true)} al ${moment(resume.resumedAt, zoneName, true)} (${pausedText(resume.paused)})`;
  const due = (instant: Timestamp) => moment(instant, zoneName, !resume.wholeDay);
  return `Plazo suspendido en espera del ciudadano (art. 22.1.a de la Ley 39/2015) ${period}. El vencimiento pasa del ${due(resume.previousDueAt)} al ${due(resume.dueAt)}.`;
}

// ── one pause, one note ──────────────────────────────────────────────────────────────────
//
// A pause can be ended twice while two workstations are offline: a clerk changes the status on
// one, the citizen's mail arrives on the other. Both moved the due date and both wrote a note, so
// the note's id is the pause's, not the writer's: the ticket and the instant the pause began
// (pauseStartOf — the same on both, it is the replicated status clock), and replication folds the
// two notes into one document. Which of the two survives is decided by the message conflict
// handler (core/sync/conflict-handlers.ts, isPauseNote): the earlier resume — the suspension ended
// when the first of them happened (art. 22.1.a) — as the ticket merge keeps the earlier resume's
// due date (core/sync/pause-merge.ts), so the note that stays tells the due date that stays.

/** What every pause note's id ends with (a suffix no hex id, ULID or UUID has). */
export const PAUSE_NOTE_SUFFIX = '-plazo';
/** The end of the ticket's id kept in a pause note's id: ids are at most 40 characters (ID_MAX_LENGTH). */
const TICKET_ID_TAIL = 24;
/** Base-36 digits of the pause's start: 9 hold every timestamp up to the year 5188. */
const START_DIGITS = 9;

/**
 * The id of the note of the pause of `ticketId` that began at `pausedFrom`: the same on every
 * workstation and for every writer, different for each pause of the ticket. At most 40
 * characters: the last 24 of the ticket's id (the random or digest end of a UUIDv7 or a hex
 * digest: ids of two tickets that share it are not generated), then the start in base 36.
 */
export function pauseNoteId(ticketId: string, pausedFrom: Timestamp): string {
  if (!Number.isSafeInteger(pausedFrom) || pausedFrom < 0 || pausedFrom >= 36 ** START_DIGITS) throw new RangeError(`a pause cannot start at ${pausedFrom}`);
  return `${ticketId.slice(-TICKET_ID_TAIL)}-${pausedFrom.toString(36).padStart(START_DIGITS, '0')}${PAUSE_NOTE_SUFFIX}`;
}

/** Whether a message is the record of a pause (pauseNote): an automatic note with a pause note's id. */
export function isPauseNote(message: Pick<Message, 'id' | 'kind' | 'auto'>): boolean {
  return message.kind === 'note' && message.auto === true && message.id.endsWith(PAUSE_NOTE_SUFFIX);
}

/**
 * Of two records of one pause (the same id), the one replication keeps: the earlier resume —
 * `createdAt` is a millisecond after it for every writer; the suspension ended then, and its due
 * date is the one the ticket merge keeps (core/sync/pause-merge.ts) — then, for resumes in the
 * same millisecond, the greater text and author, so every workstation and every order of merges
 * agrees. Positive when `a` is the one kept.
 */
export function comparePauseNotes(a: Pick<Message, 'createdAt' | 'text' | 'authorId'>, b: Pick<Message, 'createdAt' | 'text' | 'authorId'>): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  if (a.text !== b.text) return a.text > b.text ? 1 : -1;
  const [authorA, authorB] = [a.authorId ?? '', b.authorId ?? ''];
  return authorA === authorB ? 0 : authorA > authorB ? 1 : -1;
}

/**
 * The note that records a resume in the ticket's timeline: an internal note (never sent to the
 * citizen) marked `auto`, written by the machine on the clerk's action (`authorId`) or on the
 * citizen's mail (no author). Every writer of a resume writes it through here, so one pause has
 * one note whoever ends it and wherever (pauseNoteId); a millisecond after the resume, so it
 * lists after the mail that caused it. Messages are immutable: written once, with the ticket.
 */
export function pauseNote(resume: PauseResume, note: { ticketId: string; authorId?: string | undefined }): Message {
  return {
    id: pauseNoteId(note.ticketId, resume.pausedFrom),
    kind: 'note',
    ticketId: note.ticketId,
    citizenId: NO_CITIZEN,
    ...(note.authorId !== undefined && { authorId: note.authorId }),
    text: pauseNoteText(resume),
    attachments: [],
    createdAt: resume.resumedAt + 1,
    auto: true,
  };
}
