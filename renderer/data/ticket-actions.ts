// Everything a clerk writes from the screens. Every change of a ticket goes through
// `stampTicketEdit` (core/sync/ticket-merge.ts), which stamps each changed field's clock and
// author so that two clerks' offline edits merge field by field; and through RxDB's
// `incrementalModify`, which re-reads the latest revision first — plain `patch()` over the remote
// storage can fail with CONFLICT because the service re-stamps revisions (NOTES.md).
import type { RxDocument } from 'rxdb';
import { newId, newReference } from '../../core/ids';
import { dueDateMoved, pauseNote, resumeOnStatusChange, type PauseContext, type PauseResume } from '../../core/routing/pause';
import { stampTicketEdit, type TicketEdit } from '../../core/sync/ticket-merge';
import {
  NO_CITIZEN,
  UNASSIGNED,
  type Calendar,
  type Channel,
  type Department,
  type Message,
  type MessageKind,
  type Ticket,
  type TicketPriority,
  type TicketStatus,
} from '../../core/schemas';
import type { WorkstationDatabase } from '../platform/platform';
import { screenLog } from '../platform/screen-log';

export class ActionError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

/** The year in Madrid, for a reference (a ticket opened on 31 December at 23:30 UTC is next year's). */
export function councilYear(at: number): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Madrid', year: 'numeric' }).format(at));
}

async function ticketDocument(db: WorkstationDatabase, ticketId: string): Promise<RxDocument<Ticket>> {
  const doc = await db.tickets.findOne(ticketId).exec();
  if (!doc) throw new ActionError('not_found', `ticket ${ticketId} is not in the replica`);
  return doc;
}

/**
 * The fields that follow from a change of status: `resolvedAt` when it becomes resolved or
 * closed for the first time since it was last open; and, when it leaves `pending` (it waited for
 * the citizen, Ley 39/2015 art. 22.1.a), the due date moved later by the working time it waited
 * (core/routing/pause.ts) — unless the clerk sets the due date in the same edit.
 */
function withStatusConsequences(ticket: Ticket, changes: TicketEdit, now: number, deadlines?: PauseContext): { edit: TicketEdit; resumed?: PauseResume } {
  const next = { ...changes };
  if (changes.status !== undefined && changes.status !== ticket.status && (changes.status === 'resolved' || changes.status === 'closed') && ticket.resolvedAt === undefined) {
    next.resolvedAt = now;
  }
  const resume = changes.status !== undefined && changes.dueAt === undefined && deadlines ? resumeOnStatusChange(ticket, changes.status, now, deadlines) : undefined;
  if (resume?.kept === 'no_calendar') screenLog.error('ticket-actions', `The due date of ticket ${ticket.reference} was not moved after waiting for the citizen: department "${ticket.departmentId}" has no usable calendar.`);
  if (!dueDateMoved(resume)) return { edit: next };
  next.dueAt = resume.dueAt;
  return { edit: next, resumed: resume };
}

/**
 * The council's departments and calendars, read only when a change of status may end a wait for
 * the citizen (small collections, and a rare event: not worth a live subscription here).
 */
async function pauseContextFor(db: WorkstationDatabase, ticket: Pick<Ticket, 'status'>, changes: TicketEdit): Promise<PauseContext | undefined> {
  if (ticket.status !== 'pending' || changes.status === undefined || changes.status === 'pending' || changes.dueAt !== undefined) return undefined;
  const [departments, calendars] = await Promise.all([db.departments.find().exec(), db.calendars.find().exec()]);
  return { departments: departments.map((doc) => doc.toJSON() as Department), calendars: calendars.map((doc) => doc.toJSON() as Calendar) };
}

/**
 * Writes the note that records a moved due date in the ticket's timeline, as the clerk's doing.
 * Its id is the pause's (core/routing/pause.ts pauseNoteId): a citizen's mail that ended the same
 * pause on another workstation writes the same document, and replication keeps one. One already
 * here is that same pause's record (the ticket is no longer waiting here then): nothing to add.
 */
async function recordResume(db: WorkstationDatabase, ticketId: string, resumed: PauseResume | undefined, by: string): Promise<void> {
  if (!resumed) return;
  const result = await db.messages.bulkInsert([pauseNote(resumed, { ticketId, authorId: by })]);
  for (const error of result.error) {
    if (error.status !== 409) throw new ActionError('invalid', `the note of the resumed due date of ticket ${ticketId} was refused (status ${error.status})`);
  }
}

/** Changes fields of a ticket as the clerk `by`; the merge clocks are stamped. */
export async function editTicket(db: WorkstationDatabase, ticketId: string, changes: TicketEdit, by: string, now = Date.now()): Promise<void> {
  const doc = await ticketDocument(db, ticketId);
  const deadlines = await pauseContextFor(db, doc, changes);
  let resumed: PauseResume | undefined;
  await doc.incrementalModify((data) => {
    // incrementalModify may run this again on a newer revision: the last run is what was written.
    const consequences = withStatusConsequences(data, changes, now, deadlines);
    resumed = consequences.resumed;
    return stampTicketEdit(data, consequences.edit, now, by);
  });
  await recordResume(db, ticketId, resumed, by);
}

/** Reassigns many tickets (a supervisor's bulk action); each is its own stamped edit. */
export async function reassignTickets(db: WorkstationDatabase, ticketIds: readonly string[], assigneeId: string, by: string, now = Date.now()): Promise<number> {
  const docs = await db.tickets.findByIds([...ticketIds]).exec();
  let changed = 0;
  for (const id of ticketIds) {
    const doc = docs.get(id);
    if (!doc) continue;
    await doc.incrementalModify((data) => {
      const next = stampTicketEdit(data, { assigneeId, ...(data.status === 'new' && assigneeId !== UNASSIGNED && { status: 'open' as const }) }, now, by);
      if (next !== data) changed++;
      return next;
    });
  }
  return changed;
}

type NewMessage = {
  kind: MessageKind;
  ticket: Ticket;
  authorId: string;
  text: string;
  subject?: string;
  call?: Message['call'];
  visit?: Message['visit'];
  email?: Message['email'];
  outbox?: Message['outbox'];
};

function buildMessage(input: NewMessage, now: number): Message {
  const message: Message = {
    id: newId(now),
    kind: input.kind,
    ticketId: input.ticket.id,
    // A note is the council's own: no citizen (docs/schemas.md, sentinels).
    citizenId: input.kind === 'note' ? NO_CITIZEN : input.ticket.citizenId,
    authorId: input.authorId,
    text: input.text,
    attachments: [],
    createdAt: now,
    auto: false,
  };
  if (input.subject) message.subject = input.subject;
  if (input.call) message.call = input.call;
  if (input.visit) message.visit = input.visit;
  if (input.email) message.email = input.email;
  if (input.outbox) message.outbox = input.outbox;
  return message;
}

/**
 * Writes a message on a ticket and moves the ticket's activity forward (not a clocked field: it
 * merges as the later of both), with the status change the clerk chose, stamped.
 */
export async function addMessage(db: WorkstationDatabase, input: NewMessage & { status?: TicketStatus }, now = Date.now()): Promise<Message> {
  const message = buildMessage(input, now);
  await db.messages.insert(message);
  const doc = await ticketDocument(db, input.ticket.id);
  const deadlines = input.status === undefined ? undefined : await pauseContextFor(db, doc, { status: input.status });
  let resumed: PauseResume | undefined;
  await doc.incrementalModify((data) => {
    const changes: TicketEdit = {};
    if (input.status !== undefined) changes.status = input.status;
    // A citizen's first answer from the council starts the response SLA's clock.
    if ((input.kind === 'email_out' || input.kind === 'phone_call' || input.kind === 'visit') && data.firstResponseAt === undefined) changes.firstResponseAt = now;
    const consequences = withStatusConsequences(data, changes, now, deadlines);
    resumed = consequences.resumed;
    const stamped = stampTicketEdit(data, consequences.edit, now, input.authorId);
    return { ...stamped, lastActivityAt: Math.max(stamped.lastActivityAt, now), updatedAt: Math.max(stamped.updatedAt, now) };
  });
  // The note is dated a millisecond after the resume (pauseNote), so the timeline lists it after
  // the clerk's message.
  await recordResume(db, input.ticket.id, resumed, input.authorId);
  return message;
}

export type NewTicket = {
  channel: Channel;
  subject: string;
  citizenId: string;
  departmentId: string;
  assigneeId: string;
  priority: TicketPriority;
  dueAt: number;
  status?: TicketStatus;
};

/** Opens a ticket with a fresh reference; its fields carry their first clocks. */
export async function openTicket(db: WorkstationDatabase, input: NewTicket, by: string, now = Date.now()): Promise<Ticket> {
  const blank: Ticket = {
    id: newId(now),
    reference: newReference(councilYear(now)),
    subject: '',
    status: 'new',
    priority: 'normal',
    channel: input.channel,
    departmentId: '',
    assigneeId: UNASSIGNED,
    citizenId: NO_CITIZEN,
    createdAt: now,
    updatedAt: now,
    lastActivityAt: now,
    dueAt: input.dueAt,
    tags: [],
  };
  const ticket = stampTicketEdit(
    blank,
    {
      subject: input.subject.slice(0, 1000),
      status: input.status ?? (input.assigneeId ? 'open' : 'new'),
      priority: input.priority,
      departmentId: input.departmentId,
      assigneeId: input.assigneeId,
      citizenId: input.citizenId,
    },
    now,
    by,
  );
  await db.tickets.insert(ticket);
  return ticket;
}

/**
 * Merges `source` into `target`: the source is closed and points at the target (its messages are
 * shown there: they are immutable and keep their ticketId), and the target gets a note saying so.
 */
export async function mergeTicket(db: WorkstationDatabase, source: Ticket, target: Ticket, by: string, note: string, now = Date.now()): Promise<void> {
  if (source.id === target.id) throw new ActionError('invalid', 'a ticket cannot be merged into itself');
  await editTicket(db, source.id, { mergedInto: target.id, status: 'closed' }, by, now);
  await addMessage(db, { kind: 'note', ticket: target, authorId: by, text: note }, now);
}

/** Finds a ticket by the reference a citizen dictates (index `reference`). */
export async function ticketByReference(db: WorkstationDatabase, reference: string): Promise<Ticket | undefined> {
  const found = await db.tickets.findOne({ selector: { reference } }).exec();
  return found?.toMutableJSON(true) as Ticket | undefined;
}
