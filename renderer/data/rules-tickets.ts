// Tickets as the rules see them (core/routing's RoutingTicket): the ticket with its first message —
// the text the citizen wrote, the mailbox it reached, the sender — read through indexes only:
//
// - the newest tickets: one run per status on `status, lastActivityAt`, read newest first (the
//   store reads the index backwards and stops after `limit`, docs/local-database.md), merged;
// - a department's active tickets: `departmentId, status, …`, one run per active status;
// - each ticket's first message: `ticketId, createdAt`, limit 1, a few at a time over the remote
//   storage (an `$in` of ticket ids would scan the index between the smallest and largest id);
// - each ticket's citizen (`citizenId`), by primary key, so citizen conditions see what they see
//   when a ticket is routed on arrival.
import type { RoutedTicket, RoutingCitizen, RoutingTicket } from '../../core/routing';
import { NO_CITIZEN, TICKET_STATUSES, type Citizen, type Message, type Ticket } from '../../core/schemas';
import type { WorkstationDatabase } from '../platform/platform';
import { ACTIVE_STATUSES } from './inbox-queries';

/** The preview's sample: "23 de los últimos 500". */
export const PREVIEW_SAMPLE = 500;

/** How many first-message queries are in flight at once. */
const PARALLEL = 24;

/** A ticket of the sample with what the preview lists of it. */
export type SampleTicket = RoutedTicket & { reference: string; lastActivityAt: number };

/**
 * The ticket as a rule sees it, with the first message of its thread (absent: a call or visit
 * noted without one) and its citizen (absent: none, or not in this replica).
 */
export function routingTicketOf(ticket: Ticket, first: Message | undefined, citizen?: RoutingCitizen): SampleTicket {
  const from = first?.email?.from.address;
  const mailbox = first?.email?.mailbox;
  const routing: RoutingTicket = {
    id: ticket.id,
    channel: ticket.channel,
    subject: ticket.subject || first?.subject || '',
    body: first?.text ?? '',
    priority: ticket.priority,
    // When the council received it: the first message's time (a mail's own date), else the ticket's.
    receivedAt: first?.createdAt ?? ticket.createdAt,
    ...(from && { from }),
    ...(mailbox && { mailbox }),
    ...(citizen && { citizen }),
  };
  return {
    ...routing,
    departmentId: ticket.departmentId,
    tags: ticket.tags,
    ...(ticket.category !== undefined && { category: ticket.category }),
    ...(ticket.routedBy !== undefined && { routedBy: ticket.routedBy }),
    reference: ticket.reference,
    lastActivityAt: ticket.lastActivityAt,
  };
}

/** The first message of each ticket, by ticket id. */
export async function firstMessages(db: WorkstationDatabase, ticketIds: readonly string[], shouldStop: () => boolean = () => false): Promise<Map<string, Message>> {
  const found = new Map<string, Message>();
  for (let start = 0; start < ticketIds.length && !shouldStop(); start += PARALLEL) {
    const batch = ticketIds.slice(start, start + PARALLEL);
    const docs = await Promise.all(batch.map((ticketId) => db.messages.findOne({ selector: { ticketId }, sort: [{ createdAt: 'asc' }] }).exec()));
    docs.forEach((doc, i) => {
      if (doc) found.set(batch[i]!, doc.toMutableJSON());
    });
  }
  return found;
}

/** The citizens of these tickets, by id: one read by primary key. */
export async function citizensOf(db: WorkstationDatabase, tickets: readonly Ticket[]): Promise<Map<string, Citizen>> {
  const ids = [...new Set(tickets.map((ticket) => ticket.citizenId).filter((id) => id !== NO_CITIZEN))];
  if (ids.length === 0) return new Map();
  const found = await db.citizens.findByIds(ids).exec();
  return new Map([...found].map(([id, doc]) => [id, doc.toMutableJSON()]));
}

const newestFirst = (a: Ticket, b: Ticket) => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The `limit` tickets with the latest activity in the replica, newest first, merged ones left out. */
export async function newestTickets(db: WorkstationDatabase, limit = PREVIEW_SAMPLE): Promise<Ticket[]> {
  const runs = await Promise.all(TICKET_STATUSES.map((status) => db.tickets.find({ selector: { status }, sort: [{ lastActivityAt: 'desc' }], limit }).exec()));
  return runs
    .flat()
    .map((doc) => doc.toMutableJSON())
    .filter((ticket) => !ticket.mergedInto)
    .sort(newestFirst)
    .slice(0, limit);
}

/** The preview's sample: the newest tickets with their first messages. */
export async function previewSample(db: WorkstationDatabase, limit = PREVIEW_SAMPLE): Promise<SampleTicket[]> {
  const tickets = await newestTickets(db, limit);
  const [first, citizens] = await Promise.all([firstMessages(db, tickets.map((ticket) => ticket.id)), citizensOf(db, tickets)]);
  return tickets.map((ticket) => routingTicketOf(ticket, first.get(ticket.id), citizens.get(ticket.citizenId)));
}

/** The active (new, open, pending) tickets of a department ('' the intake queue), not merged. */
export async function activeTicketsOf(db: WorkstationDatabase, departmentId: string): Promise<Ticket[]> {
  const runs = await Promise.all(ACTIVE_STATUSES.map((status) => db.tickets.find({ selector: { departmentId, status }, sort: [{ lastActivityAt: 'desc' }] }).exec()));
  return runs
    .flat()
    .map((doc) => doc.toMutableJSON())
    .filter((ticket) => !ticket.mergedInto)
    .sort(newestFirst);
}
