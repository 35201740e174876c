// RxDB conflict handlers of our collections (RxDB 16+ shape, `RxConflictHandler` in
// rxdb/src/types/conflict-handling.d.ts): `isEqual` is synchronous and runs for every document
// of every replication cycle (upstream: "is my state still the one the server has?",
// downstream: "is the pulled state the one I hold?"), so it must be cheap and never say "equal"
// of states that differ — an edit judged equal to the server's state is never pushed.
// `resolve` runs on the workstation when the server answers a push with a conflict; its result is
// written locally and pushed again against the server's state.
//
// RxDB 16+ takes the handler per collection: `addCollections({ tickets: { schema,
// conflictHandler } })`, so main/store must pass {@link CONFLICT_HANDLERS} with the schemas.
import type { RxConflictHandler, WithDeleted } from 'rxdb';
import type { Citizen, CollectionDocTypes, CollectionName, Message, OutboxFields, OutboxState, Ticket } from '../schemas';
import { comparePauseNotes, isPauseNote } from '../routing/pause';
import { sameDocumentState } from './replication-protocol';
import { mergeCitizens } from './citizen-merge';
import { mergeTickets } from './ticket-merge';

/**
 * Tickets merge field by field (ticket-merge.ts). Equal means deep-equal: a ticket is a few
 * kilobytes, and two states with a different `updatedAt` or `_deleted` (the usual case when they
 * differ) are told apart before any deep comparison.
 */
export const ticketConflictHandler: RxConflictHandler<Ticket> = {
  isEqual(a, b) {
    return a.updatedAt === b.updatedAt && a._deleted === b._deleted && sameDocumentState(a, b);
  },
  resolve(input) {
    return Promise.resolve(mergeTickets(input.newDocumentState, input.realMasterState, input.assumedMasterState));
  },
};

/**
 * Messages are immutable (docs/schemas.md): written once, never edited, so two states of one
 * message are the same message — no need to compare bodies of up to 6 MB. Only `_deleted` is
 * compared too: a message that leaves a clerk's scope (its ticket moved to another department)
 * reaches the workstation as a deletion, and must not be judged equal to the copy it holds.
 * A conflict (two workstations ingested the same mail offline, so the same id) is resolved by
 * keeping the server's: both describe the same mail. The flip side: a local edit of a message
 * is never pushed. Write a new message instead.
 *
 * One exception is the outbox part of an `email_out` (its state: queued, sending, sent,
 * failed), which its owning workstation changes as it sends: it is compared too (a few fields),
 * and of two states the later one wins (`outbox.changedAt`, then the further state), so a
 * `sent` pushed late never goes back to `sending`. The other is the record of a pause
 * ({@link samePauseRecord}).
 */
export const messageConflictHandler: RxConflictHandler<Message> = {
  isEqual(a, b) {
    return a.id === b.id && a._deleted === b._deleted && sameOutbox(a.outbox, b.outbox) && samePauseRecord(a, b);
  },
  resolve(input) {
    const mine = input.newDocumentState;
    const master = input.realMasterState;
    if (!master._deleted && !mine._deleted && isPauseNote(mine) && isPauseNote(master)) return Promise.resolve(comparePauseNotes(mine, master) > 0 ? mine : master);
    if (!master._deleted && mine.outbox && compareOutbox(mine.outbox, master.outbox) > 0) return Promise.resolve({ ...master, outbox: mine.outbox });
    return Promise.resolve(master);
  },
};

/**
 * The other exception: the record of a pause (core/routing/pause.ts pauseNote) has the pause's id,
 * so a clerk and a citizen's mail that ended the same pause on two workstations offline wrote two
 * states of one note. Of those the earlier resume stays (comparePauseNotes: the suspension ended
 * then, Ley 39/2015 art. 22.1.a), as the ticket merge keeps the earlier resume's due date
 * (pause-merge.ts), so the note tells the due date the ticket has whichever copy reached the
 * server first; they are compared by what tells them apart (a short text), or the earlier one
 * would never replace the other.
 */
function samePauseRecord(a: Message, b: Message): boolean {
  if (!isPauseNote(a) || !isPauseNote(b)) return true;
  return comparePauseNotes(a, b) === 0;
}

const OUTBOX_STATE_ORDER: Readonly<Record<OutboxState, number>> = { queued: 0, sending: 1, failed: 2, sent: 3 };

function sameOutbox(a: OutboxFields | undefined, b: OutboxFields | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.state === b.state && a.changedAt === b.changedAt && a.attempts === b.attempts && a.workstationId === b.workstationId;
}

/** Positive when `a` is the later outbox state. */
function compareOutbox(a: OutboxFields, b: OutboxFields | undefined): number {
  if (b === undefined) return 1;
  return Math.sign(a.changedAt - b.changedAt) || Math.sign(a.attempts - b.attempts) || OUTBOX_STATE_ORDER[a.state] - OUTBOX_STATE_ORDER[b.state];
}

/**
 * Citizens merge field by field against the state both sides started from (citizen-merge.ts):
 * clerks write them, and two clerks correcting one card offline must both keep their edits.
 * Equal means deep-equal, as for the server.
 */
export const citizenConflictHandler: RxConflictHandler<Citizen> = {
  isEqual(a, b) {
    return a.updatedAt === b.updatedAt && a._deleted === b._deleted && sameDocumentState(a, b);
  },
  resolve(input) {
    return Promise.resolve(mergeCitizens(input.newDocumentState, input.realMasterState, input.assumedMasterState));
  },
};

/**
 * The server's state wins, as RxDB's default handler, with deep equality that ignores key order.
 * For what administrators and supervisors write (users, departments, calendars, templates,
 * rules): rarely edited in two places at once, and a field-by-field merge of a rule's
 * conditions would make rules nobody wrote.
 */
export function serverWinsConflictHandler<T>(): RxConflictHandler<T> {
  return {
    isEqual(a: WithDeleted<T>, b: WithDeleted<T>) {
      return sameDocumentState(a as object, b as object);
    },
    resolve(input) {
      return Promise.resolve(input.realMasterState);
    },
  };
}

/** The handler of every collection, for `addCollections` on the workstation. */
export const CONFLICT_HANDLERS: { [N in CollectionName]: RxConflictHandler<CollectionDocTypes[N]> } = {
  tickets: ticketConflictHandler,
  messages: messageConflictHandler,
  citizens: citizenConflictHandler,
  departments: serverWinsConflictHandler(),
  users: serverWinsConflictHandler(),
  templates: serverWinsConflictHandler(),
  rules: serverWinsConflictHandler(),
  calendars: serverWinsConflictHandler(),
};
