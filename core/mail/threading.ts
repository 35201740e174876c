// Which ticket a received mail belongs to (issue 5, "Threading, in this order"):
//
// 1. Its Message-ID was seen already → nothing to do (the same mail again: a replay after a
//    crash, a second folder or mailbox, another workstation's copy arrived by sync).
// 2. In-Reply-To, then References from right to left (the newest first), against every
//    Message-ID received or sent: the ticket of the first one found.
// 3. A report (bounce, read receipt, complaint): the ticket of the message it returns, marked.
// 4. A reference tag anywhere in the decoded subject (`RE: Vado [#2026-7KQ4-M2XD]`), but
//    only from the ticket's own citizen: someone else quoting an old subject opens a new ticket.
// 5. Otherwise a new ticket, whose id derives from the thread's root (message-ids.ts), so that a
//    reply ingested before its original still meets it in the same ticket.
//
// Pure: the lookups are passed in (main/mail answers them from the local database by primary
// key and by the tickets' `reference` index).
import { threadRoot } from './message-ids';
import { referencesInSubject } from './subject';
import type { MailReportKind } from './reports';

export type ThreadInput = {
  messageId: string;
  inReplyTo?: string;
  /** Oldest first, as the header writes them. */
  references: readonly string[];
  /** The decoded subject. */
  subject?: string;
  /** When the mail is a report: which kind, and the Message-IDs of what it returns. */
  report?: { kind: MailReportKind; returned: readonly string[] };
};

/** A mail we hold (received or sent), found by its Message-ID. */
export type KnownMessage = { messageDocId: string; ticketId: string };

export type ThreadLookup = {
  /** The message we hold with this Message-ID, in or out, if any. */
  messageByMessageId(messageId: string): Promise<KnownMessage | undefined> | KnownMessage | undefined;
  /**
   * The ticket with this reference whose citizen is the mail's sender, if any (a tag from anyone
   * else does not thread: see 4. above).
   */
  ticketOfSenderByReference(reference: string): Promise<string | undefined> | string | undefined;
};

export type ThreadDecision =
  | { kind: 'duplicate'; messageDocId: string; ticketId: string }
  | {
      kind: 'existing';
      ticketId: string;
      by: 'in-reply-to' | 'references' | 'report' | 'subject-reference';
      /** The message a report returns (messages.id), for `bounceOf`. */
      reportOf?: string;
      /** The Message-ID that matched, or the reference. */
      matched: string;
    }
  | { kind: 'new'; rootMessageId: string };

export async function resolveThread(mail: ThreadInput, lookup: ThreadLookup): Promise<ThreadDecision> {
  const seen = await lookup.messageByMessageId(mail.messageId);
  if (seen) return { kind: 'duplicate', ...seen };

  const headerIds: { id: string; by: 'in-reply-to' | 'references' }[] = [];
  if (mail.inReplyTo !== undefined && mail.inReplyTo !== mail.messageId) headerIds.push({ id: mail.inReplyTo, by: 'in-reply-to' });
  for (const id of [...mail.references].reverse()) {
    if (id !== mail.messageId && id !== mail.inReplyTo) headerIds.push({ id, by: 'references' });
  }
  for (const { id, by } of headerIds) {
    const known = await lookup.messageByMessageId(id);
    if (known) return { kind: 'existing', ticketId: known.ticketId, by, matched: id };
  }

  if (mail.report) {
    for (const id of mail.report.returned) {
      if (id === mail.messageId) continue;
      const known = await lookup.messageByMessageId(id);
      if (known) return { kind: 'existing', ticketId: known.ticketId, by: 'report', reportOf: known.messageDocId, matched: id };
    }
  }

  for (const reference of referencesInSubject(mail.subject ?? '')) {
    const ticketId = await lookup.ticketOfSenderByReference(reference);
    if (ticketId !== undefined) return { kind: 'existing', ticketId, by: 'subject-reference', matched: reference };
  }

  // A report whose original we do not hold roots at itself: the headers of a bounce name the
  // bounced mail's thread only by accident of the server that wrote it.
  return { kind: 'new', rootMessageId: mail.report ? mail.messageId : threadRoot({ ...mail, references: [...mail.references] }) };
}
