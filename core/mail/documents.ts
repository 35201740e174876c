// The documents a received mail becomes, once threaded (threading.ts): the message, the ticket it
// opens or the update of the ticket it joins, and the citizen of its sender when new. Pure and
// deterministic: every time and id comes from the mail itself (its INTERNALDATE, its Message-ID),
// never from the local clock, so two workstations write the same documents (DESIGN.md).
import { referenceFromDigest } from '../ids';
import { dayOf, yearOf } from '../demo/madrid-time';
import { NO_DUE_DATE, UNASSIGNED, type Timestamp } from '../schemas/fields';
import type { AttachmentMeta, EmailFields, MailAddress, Message } from '../schemas/messages';
import type { Ticket, TicketPriority } from '../schemas/tickets';
import { stampTicketEdit } from '../sync/ticket-merge';
import { ticketDocumentId } from './message-ids';
import { cleanSubject } from './subject';

/** Longest bodies a message holds (the schema's bounds); the raw mail keeps the rest. */
export const TEXT_MAX_LENGTH = 1_000_000;
export const HTML_MAX_LENGTH = 5_000_000;

/** A received mail, parsed and decoded (main/mail), ready to become documents. */
export type ReceivedMail = {
  /** messages.id (message-ids.ts). */
  messageDocId: string;
  email: EmailFields;
  /** The decoded subject as written (with its prefixes and tags). */
  subject: string;
  text: string;
  html?: string;
  attachments: AttachmentMeta[];
  /** The IMAP INTERNALDATE: when the council's server received it. */
  receivedAt: Timestamp;
  auto: boolean;
};

/** What routing sees of a mail that opens a ticket. */
export type MailTicketDraft = {
  subject: string;
  text: string;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  /** The council's mailbox it arrived in. */
  mailbox: string;
  citizenId: string;
  auto: boolean;
  attachmentCount: number;
  receivedAt: Timestamp;
};

/**
 * Where a new ticket goes and how it starts. A pure function of the draft (core/routing's rules;
 * by default the mailbox account's department), so every workstation routes the same mail alike.
 */
export type RouteDecision = {
  /** '' for the general intake queue. */
  departmentId: string;
  priority?: TicketPriority;
  dueAt?: Timestamp;
  tags?: string[];
  category?: string;
  /** rules.id of the rule that decided, when one did. */
  routedBy?: string;
};
export type MailRouter = (draft: MailTicketDraft) => RouteDecision;

/** The message document of a mail, in the ticket `ticketId`. */
export function messageFromMail(mail: ReceivedMail, ticketId: string, citizenId: string, bounceOf?: string): Message {
  const subject = mail.subject.replace(/[\r\n]+/g, ' ').slice(0, 1000);
  return {
    id: mail.messageDocId,
    kind: 'email_in',
    ticketId,
    citizenId,
    ...(subject && { subject }),
    text: mail.text.slice(0, TEXT_MAX_LENGTH),
    ...(mail.html && { html: mail.html.slice(0, HTML_MAX_LENGTH) }),
    email: mail.email,
    attachments: mail.attachments,
    createdAt: mail.receivedAt,
    auto: mail.auto,
    ...(bounceOf !== undefined && { bounceOf }),
  };
}

/** The draft routing decides on. */
export function ticketDraftOf(mail: ReceivedMail, citizenId: string): MailTicketDraft {
  return {
    subject: cleanSubject(mail.subject),
    text: mail.text.slice(0, 20_000),
    from: mail.email.from,
    to: mail.email.to,
    cc: mail.email.cc,
    mailbox: mail.email.mailbox,
    citizenId,
    auto: mail.auto,
    attachmentCount: mail.attachments.length,
    receivedAt: mail.receivedAt,
  };
}

/**
 * The ticket a mail opens. `rootDigest` is SHA-256(messageIdentity(root)) of the thread's root
 * (threading.ts): it names the ticket and gives its reference, in the council's (Madrid) year of
 * the mail.
 */
export function ticketFromMail(mail: ReceivedMail, rootDigest: Uint8Array, citizenId: string, route: RouteDecision): Ticket {
  const at = mail.receivedAt;
  return {
    id: ticketDocumentId(rootDigest),
    reference: referenceFromDigest(yearOf(dayOf(at)), rootDigest),
    subject: cleanSubject(mail.subject),
    status: 'new',
    priority: route.priority ?? 'normal',
    channel: 'email',
    departmentId: route.departmentId,
    assigneeId: UNASSIGNED,
    citizenId,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    dueAt: route.dueAt ?? NO_DUE_DATE,
    tags: [...new Set(route.tags ?? [])],
    ...(route.category !== undefined && { category: route.category }),
    ...(route.routedBy !== undefined && { routedBy: route.routedBy }),
  };
}

/**
 * A ticket after a mail joined it: its activity moves to the mail's time (never back), and a
 * person's mail reopens a ticket that was resolved or waiting for the citizen — stamped with the
 * mail's time as the edit's clock (stampTicketEdit), so the reopening merges like a clerk's edit.
 * A closed ticket stays closed (finished for good); the mail shows in it and moves it up by activity.
 * Returns the ticket itself when nothing changes (a replay).
 */
export function ticketAfterMail(ticket: Ticket, mail: ReceivedMail): Ticket {
  let next = ticket;
  if (!mail.auto && (ticket.status === 'resolved' || ticket.status === 'pending')) {
    next = stampTicketEdit(next, { status: 'open' }, mail.receivedAt);
  }
  if (next.lastActivityAt < mail.receivedAt || next.updatedAt < mail.receivedAt) {
    next = { ...next, lastActivityAt: Math.max(next.lastActivityAt, mail.receivedAt), updatedAt: Math.max(next.updatedAt, mail.receivedAt) };
  }
  return next;
}
