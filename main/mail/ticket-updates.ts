/**
 * The ticket-update writer of ingestion (ingest.ts): the mails of a batch that join tickets already
 * stored — a replay after a crash, another workstation's copy arrived by sync, or a citizen's
 * answer — applied to what is stored now (core/mail `ticketAfterMails`: activity, reopening, a
 * due date moved by the working days a ticket waited for the citizen, with its note), never
 * overwritten with the ingester's copy.
 */
import type { RxDatabase, RxDocument, RxDocumentData } from 'rxdb';
import { ticketAfterMails, type ReceivedMail } from '../../core/mail';
import type { PauseContext } from '../../core/routing';
import type { Collections, Message, Ticket } from '../../core/schemas';

/** A ticket as the storage holds it, with RxDB's revision and meta fields. */
type StoredTicket = RxDocumentData<Ticket>;

export type TicketUpdateOptions = {
  /** The council's departments and calendars, to move the due date of a ticket a mail takes out of waiting. */
  deadlines?: PauseContext;
  log?: (line: string) => void;
};

/**
 * Applies each stored ticket's mails (`mailsOf`) in one write: each row carries the revision it
 * was computed from, so the storage refuses it (409) if anything — a clerk, the sync — changed the
 * ticket in between, and that ticket is then done again with `incrementalModify` on its current
 * state. One commit for the batch instead of one per ticket: with fsync on every commit that was a
 * third of the processing time.
 */
export async function applyMailsToStoredTickets(db: RxDatabase<Collections>, ids: ReadonlySet<string>, mailsOf: (ticketId: string) => ReceivedMail[], options: TicketUpdateOptions = {}): Promise<void> {
  // Notes of due dates the mails moved, per ticket, from the last application (incrementalModify
  // may apply again on a newer state).
  const notes = new Map<string, Message[]>();
  const apply = (ticket: Ticket, id: string) => {
    const update = ticketAfterMails(ticket, mailsOf(id), options.deadlines);
    notes.set(id, update.notes);
    return update.ticket;
  };
  const stored = await db.tickets.findByIds([...ids]).exec();
  const rows: { previous: StoredTicket; document: StoredTicket }[] = [];
  for (const [id, document] of stored) {
    const previous = document.toMutableJSON(true) as StoredTicket;
    const { _deleted, _attachments, _meta, _rev, ...ticket } = previous;
    const next = apply(ticket as Ticket, id);
    if (next === ticket || _deleted) {
      notes.delete(id);
      continue;
    }
    rows.push({ previous, document: { ...next, _deleted, _attachments, _meta, _rev } });
  }
  if (rows.length === 0) return;
  // The notes go first: after a crash before the tickets, the replay finds the tickets still
  // waiting, moves their due dates the same way and finds the notes already there (their ids
  // derive from the mails). The other order could leave a moved due date without its note.
  await insertNotes(db, [...notes.values()].flat(), options.log);
  const result = await db.tickets.storageInstance.bulkWrite(rows, 'mail-ingest-ticket-activity');
  for (const error of result.error) {
    const id = String(error.documentId);
    if (error.status !== 409) throw new Error(`the database refused the update of ticket ${id} (status ${error.status})`);
    const document = (await db.tickets.findOne(id).exec()) as RxDocument<Ticket> | null;
    if (!document) continue;
    await document.incrementalModify((ticket) => apply(ticket as Ticket, id));
    await insertNotes(db, notes.get(id) ?? [], options.log);
  }
}

/** Notes of moved due dates; one already there (a replay) is fine, a refused one is logged: never hold up the mail. */
async function insertNotes(db: RxDatabase<Collections>, notes: readonly Message[], log?: (line: string) => void): Promise<void> {
  if (notes.length === 0) return;
  const result = await db.messages.bulkInsert([...notes]);
  for (const error of result.error) if (error.status !== 409) log?.(`the database refused the note of a resumed due date ${String(error.documentId)} (status ${error.status})`);
}
