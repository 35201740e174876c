// "A ticket was assigned to you": watches the replica for tickets that become the clerk's by
// someone else's hand (a supervisor, a routing rule on another workstation), for the Electron
// shell's native notification. Only recent assignments count: a first replica that pulls two
// years of tickets, or a workstation back after a week offline, must not ring a thousand times.
import type { Subscription } from 'rxjs';
import type { RxDatabase } from 'rxdb';
import type { TicketAssigned } from '../../core/app-api';
import type { Collections, Ticket } from '../../core/schemas';

/** Assignments older than this when they reach the replica are news no more. */
export const ASSIGNMENT_NEWS_MS = 10 * 60_000;

export function isNewAssignment(ticket: Ticket, previous: Ticket | undefined, userId: string, now: number): boolean {
  if (ticket.assigneeId !== userId || previous?.assigneeId === userId) return false;
  if (ticket.fieldBy?.assigneeId === userId) return false;
  const assignedAt = ticket.fieldClock?.assigneeId ?? ticket.updatedAt;
  return now - assignedAt <= ASSIGNMENT_NEWS_MS;
}

export function watchAssignments(db: RxDatabase<Collections>, userId: string, notify: (assigned: TicketAssigned) => void, now: () => number = Date.now): Subscription {
  return db.tickets.$.subscribe((event) => {
    if (event.operation === 'DELETE') return;
    const ticket = event.documentData as Ticket;
    const previous = event.previousDocumentData as Ticket | undefined;
    if (!isNewAssignment(ticket, previous ?? undefined, userId, now())) return;
    const by = ticket.fieldBy?.assigneeId;
    notify({ ticketId: ticket.id, reference: ticket.reference, subject: ticket.subject, ...(by && { assignedBy: by }) });
  });
}
