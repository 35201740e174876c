// Everything a clerk writes from the screens. Every change of a ticket goes through
// `stampTicketEdit` (core/sync/ticket-merge.ts), which stamps each changed field's clock and
// author so that two clerks' offline edits merge field by field; and through RxDB's
// `incrementalModify`, which re-reads the latest revision first — plain `patch()` over the remote
// storage can fail with CONFLICT because the service re-stamps revisions (NOTES.md).
import type { RxDocument } from 'rxdb';
import { newId, newReference } from '../../core/ids';
import { stampTicketEdit, type TicketEdit } from '../../core/sync/ticket-merge';
import {
  NO_CITIZEN,
  UNASSIGNED,
  type Channel,
  type Message,
  type MessageKind,
  type Ticket,
  type TicketPriority,
  type TicketStatus,
} from '../../core/schemas';
import type { WorkstationDatabase } from '../platform/platform';

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
 * closed for the first time since it was last open.
 */
function withStatusConsequences(ticket: Ticket, changes: TicketEdit, now: number): TicketEdit {
  const next = { ...changes };
  if (changes.status !== undefined && changes.status !== ticket.status && (changes.status === 'resolved' || changes.status === 'closed') && ticket.resolvedAt === undefined) {
    next.resolvedAt = now;
  }
  return next;
}

/** Changes fields of a ticket as the clerk `by`; the merge clocks are stamped. */
export async function editTicket(db: WorkstationDatabase, ticketId: string, changes: TicketEdit, by: string, now = Date.now()): Promise<void> {
  const doc = await ticketDocument(db, ticketId);
  await doc.incrementalModify((data) => stampTicketEdit(data, withStatusConsequences(data, changes, now), now, by));
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
  await doc.incrementalModify((data) => {
    const changes: TicketEdit = {};
    if (input.status !== undefined) changes.status = input.status;
    // A citizen's first answer from the council starts the response SLA's clock.
    if ((input.kind === 'email_out' || input.kind === 'phone_call' || input.kind === 'visit') && data.firstResponseAt === undefined) changes.firstResponseAt = now;
    const stamped = stampTicketEdit(data, withStatusConsequences(data, changes, now), now, input.authorId);
    return { ...stamped, lastActivityAt: Math.max(stamped.lastActivityAt, now), updatedAt: Math.max(stamped.updatedAt, now) };
  });
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
