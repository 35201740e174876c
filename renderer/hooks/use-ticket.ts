// A ticket, its citizen and its whole thread — with the messages of every ticket merged into it —
// live. Tickets merged into this one are found through the citizen's index (a merge joins the
// same citizen's cases); `mergedInto` itself has no index (docs/schemas.md).
import { map, of } from 'rxjs';
import type { Citizen, Message, Ticket } from '../../core/schemas';
import type { WorkstationDatabase } from '../platform/platform';
import { useObservable } from './use-rx';

export function useTicket(db: WorkstationDatabase, ticketId: string) {
  return useObservable<Ticket | null>(() => db.tickets.findOne(ticketId).$.pipe(map((doc) => doc?.toMutableJSON() ?? null)), [db, ticketId], null);
}

export function useCitizen(db: WorkstationDatabase, citizenId: string | undefined) {
  return useObservable<Citizen | null>(
    () => (citizenId ? db.citizens.findOne(citizenId).$.pipe(map((doc) => doc?.toMutableJSON() ?? null)) : of(null)),
    [db, citizenId],
    null,
  );
}

export function useMergedTicketIds(db: WorkstationDatabase, ticket: Ticket | null): string[] {
  const citizenId = ticket?.citizenId;
  const { value } = useObservable<string[]>(
    () =>
      ticket && citizenId
        ? db.tickets.find({ selector: { citizenId, mergedInto: ticket.id } }).$.pipe(map((docs) => docs.map((doc) => doc.id)))
        : of([]),
    [db, ticket?.id, citizenId],
    [],
  );
  return value;
}

export function useThread(db: WorkstationDatabase, ticketIds: readonly string[]) {
  const key = ticketIds.join(',');
  return useObservable<Message[]>(
    () =>
      ticketIds.length === 0
        ? of([])
        : db.messages
            .find({ selector: { ticketId: ticketIds.length === 1 ? ticketIds[0]! : { $in: [...ticketIds] } }, sort: [{ createdAt: 'asc' }] })
            .$.pipe(map((docs) => docs.map((doc) => doc.toMutableJSON()))),
    [db, key],
    [],
  );
}
