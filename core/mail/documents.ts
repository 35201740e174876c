// The documents a received mail becomes, once threaded (threading.ts): the message, the ticket it
// opens or the update of the ticket it joins, and the citizen of its sender when new. Pure and
// deterministic: every time and id comes from the mail itself (its INTERNALDATE, its Message-ID),
// never from the local clock, so two workstations write the same documents (DESIGN.md).
import { referenceFromDigest } from '../ids';
import { dayOf, yearOf } from '../demo/madrid-time';
import { dueDateMoved, pauseNote, resumeOnStatusChange, type PauseContext, type PauseResume } from '../routing/pause';
import { NO_DUE_DATE, UNASSIGNED, type Timestamp } from '../schemas/fields';
import type { AttachmentMeta, EmailFields, MailAddress, Message } from '../schemas/messages';
import type { Citizen } from '../schemas/citizens';
import type { Ticket, TicketPriority } from '../schemas/tickets';
import { stampTicketEdit, type TicketEdit } from '../sync/ticket-merge';
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
  /** The citizen the sender became or joined (`citizenId`), for rules on citizens; absent without one. */
  citizen?: Citizen;
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
export function ticketDraftOf(mail: ReceivedMail, citizenId: string, citizen?: Citizen): MailTicketDraft {
  return {
    ...(citizen && { citizen }),
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

/** What a mail did to the ticket it joined. */
export type MailUpdate = {
  ticket: Ticket;
  /** The due date's resume, when the mail ended a wait for the citizen and moved it. */
  resumed?: PauseResume;
};

/**
 * A ticket after a mail joined it: its activity moves to the mail's time (never back), and a
 * person's mail reopens a ticket that was resolved or waiting for the citizen — stamped with the
 * mail's time as the edit's clock (stampTicketEdit), so the reopening merges like a clerk's edit.
 * A ticket that was waiting for the citizen (`pending`) gets back the time it waited: its due date
 * moves on the department's calendar (core/routing/pause.ts), when `deadlines` is given.
 * A closed ticket stays closed (finished for good); the mail shows in it and moves it up by activity.
 * Returns the ticket itself when nothing changes (a replay: the ticket is open by then, so the
 * due date moves once).
 */
export function applyMail(ticket: Ticket, mail: ReceivedMail, deadlines?: PauseContext): MailUpdate {
  let next = ticket;
  let resumed: PauseResume | undefined;
  if (!mail.auto && (ticket.status === 'resolved' || ticket.status === 'pending')) {
    const changes: TicketEdit = { status: 'open' };
    const resume = deadlines && resumeOnStatusChange(ticket, 'open', mail.receivedAt, deadlines);
    if (dueDateMoved(resume)) {
      changes.dueAt = resume.dueAt;
      resumed = resume;
    }
    next = stampTicketEdit(next, changes, mail.receivedAt);
  }
  if (next.lastActivityAt < mail.receivedAt || next.updatedAt < mail.receivedAt) {
    next = { ...next, lastActivityAt: Math.max(next.lastActivityAt, mail.receivedAt), updatedAt: Math.max(next.updatedAt, mail.receivedAt) };
  }
  return resumed ? { ticket: next, resumed } : { ticket: next };
}

/** {@link applyMail}'s ticket. */
export function ticketAfterMail(ticket: Ticket, mail: ReceivedMail, deadlines?: PauseContext): Ticket {
  return applyMail(ticket, mail, deadlines).ticket;
}

/**
 * Mails applied in order to a ticket (applyMail): the ticket after them, and the notes of the due
 * dates they moved (pauseNote: its id is the pause's, so a replay, another workstation ingesting
 * the same mail, or a clerk ending the same pause elsewhere writes the same note), to be written
 * with it.
 */
export function ticketAfterMails(ticket: Ticket, mails: readonly ReceivedMail[], deadlines?: PauseContext): { ticket: Ticket; notes: Message[] } {
  const notes: Message[] = [];
  let next = ticket;
  for (const mail of mails) {
    const update = applyMail(next, mail, deadlines);
    if (update.resumed) notes.push(pauseNote(update.resumed, { ticketId: ticket.id }));
    next = update.ticket;
  }
  return { ticket: next, notes };
}
