/**
 * Where the outbox reads and writes a reply's state: its document in the replica, through RxDB
 * (so the state replicates), and — always — the outbox journal's own copy of it. The copy is what
 * the outbox sends from when the document has left the replica: a ticket routed out of the
 * clerk's departments takes its messages along (the central server sends them as deletions,
 * trimmed of the citizen's data), yet the citizen's answer must still leave, and its state must
 * not be lost. The state written to the copy meanwhile reaches the document if it comes back
 * (the ticket is routed back). docs/mail.md, Sending.
 */
import type { RxCollection } from 'rxdb';
import type { Message, OutboxFields } from '../../../core/schemas/messages';
import type { JournalEntry, OutboxJournal } from './outbox-journal';

/** A reply as it stands; `away`: its document is not in the replica, this is the outbox's copy. */
export type Located = { message: Message; away: boolean };

/**
 * The reply of a journal entry: its document; or, when the document has left the replica (the
 * storage keeps it as deleted), the outbox's copy. A document back in the replica with an older
 * state than the copy (sent, or retried, while away) is brought up to date first. Undefined when
 * there is no document at all (queued a moment ago, or never written: a crash before the insert).
 */
export async function currentReply(messages: RxCollection<Message>, journal: OutboxJournal, ours: string, entry: JournalEntry): Promise<Located | undefined> {
  const doc = await messages.findOne(entry.id).exec();
  if (doc) {
    const message = doc.toMutableJSON();
    const kept = entry.copy?.outbox;
    if (!kept || kept.workstationId !== ours || message.outbox?.workstationId !== ours || kept.changedAt <= message.outbox.changedAt) return { message, away: false };
    const written = await doc.incrementalModify((current) => (current.outbox && current.outbox.workstationId === ours && current.outbox.changedAt < kept.changedAt ? { ...current, outbox: { ...kept } } : current));
    const updated = written.toMutableJSON();
    journal.keep(entry.id, updated);
    return { message: updated, away: false };
  }
  if (!entry.copy) return undefined;
  // Deleted documents stay in the storage: a deleted one was here and left.
  const [stored] = await messages.storageInstance.findDocumentsById([entry.id], true);
  return stored?._deleted ? { message: entry.copy, away: true } : undefined;
}

/**
 * Changes the outbox part of a reply owned by `ours` and keeps the result as the journal's copy:
 * through RxDB while the document is in the replica, else in the copy alone (`away`). `change`
 * returns undefined to leave it as it is; `changedAt` gives the new change time. Resolves with the
 * reply written, or undefined when nothing changed.
 */
export async function recordReplyState(
  messages: RxCollection<Message>,
  journal: OutboxJournal,
  ours: string,
  id: string,
  changedAt: (outbox: OutboxFields) => number,
  change: (current: OutboxFields) => OutboxFields | undefined,
): Promise<Located | undefined> {
  const doc = await messages.findOne(id).exec();
  if (doc) {
    let changed = false;
    const written = await doc.incrementalModify((current) => {
      if (!current.outbox || current.outbox.workstationId !== ours) return current;
      const next = change(current.outbox);
      if (!next) return current;
      changed = true;
      return { ...current, outbox: { ...next, changedAt: changedAt(current.outbox) } };
    });
    if (!changed) return undefined;
    const message = written.toMutableJSON();
    journal.keep(id, message);
    return { message, away: false };
  }
  const copy = journal.copyOf(id);
  if (!copy?.outbox || copy.outbox.workstationId !== ours) return undefined;
  const next = change(copy.outbox);
  if (!next) return undefined;
  const message = { ...copy, outbox: { ...next, changedAt: changedAt(copy.outbox) } };
  journal.keep(id, message);
  return { message, away: true };
}

/** A change time later than the last one even if the clock went back (the later state wins a conflict). */
export function nextChangeAt(clock: () => number, outbox: OutboxFields | undefined): number {
  return Math.max(clock(), (outbox?.changedAt ?? 0) + 1);
}
