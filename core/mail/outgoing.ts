// Outgoing mail, built from what a clerk wrote (or an automatic acknowledgement): the `email_out`
// document that goes into the outbox, and the mail that leaves from it. Pure: the sender
// (main/mail/outbox) adds only the transport.
//
// - Message-ID: derived from the document's id and the council's mail domain, so every attempt to
//   send one reply carries the same Message-ID (the receiver and our Sent-folder check can tell a
//   resend), and a citizen's answer that quotes it leads back to the document by its id alone.
// - Threading (RFC 5322 §3.6.4): In-Reply-To is the mail answered; References its References
//   followed by its Message-ID.
// - Subject: `Re: <subject> [#2026-7KQ4-M2XD]`, one `Re:` and one tag however long the thread
//   (subject.ts: the one function that writes it, beside the parser that reads it back).
// - Automatic mail carries `Auto-Submitted: auto-replied` (RFC 3834 §5) and asks Exchange not to
//   answer it (`X-Auto-Response-Suppress: All`), so no responder answers us back.
import type { Timestamp } from '../schemas/fields';
import type { AttachmentMeta, MailAddress, Message } from '../schemas/messages';
import { outgoingSubject } from './subject';

/** What our Message-IDs start with, to tell them from anyone else's in the council's domain. */
const OWN_MESSAGE_ID_PREFIX = 'ventanilla.';

/** A mail domain as in an address: `ayto-villanueva.es`. */
const MAIL_DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/** The Message-ID (without angle brackets) of the outbox message `messageDocumentId`. */
export function outgoingMessageId(messageDocumentId: string, mailDomain: string): string {
  if (!/^[A-Za-z0-9-]{1,40}$/.test(messageDocumentId)) throw new RangeError(`outgoingMessageId: not a document id: ${JSON.stringify(messageDocumentId)}`);
  if (!MAIL_DOMAIN.test(mailDomain)) throw new RangeError(`outgoingMessageId: not a mail domain: ${JSON.stringify(mailDomain)}`);
  return `${OWN_MESSAGE_ID_PREFIX}${messageDocumentId}@${mailDomain.toLowerCase()}`;
}

/**
 * The id of our own outbox document a Message-ID names, or undefined when it is not one of ours:
 * the ingester threads a citizen's answer (its In-Reply-To) to the reply it answers by this id.
 */
export function ownMessageDocumentId(messageId: string, mailDomain: string): string | undefined {
  const bare = messageId.trim().replace(/^<|>$/g, '');
  const at = bare.lastIndexOf('@');
  if (at < 0 || bare.slice(at + 1).toLowerCase() !== mailDomain.toLowerCase()) return undefined;
  const local = bare.slice(0, at);
  if (!local.startsWith(OWN_MESSAGE_ID_PREFIX)) return undefined;
  const id = local.slice(OWN_MESSAGE_ID_PREFIX.length);
  return /^[A-Za-z0-9-]{1,40}$/.test(id) ? id : undefined;
}

/** Most References a mail carries: the first (the thread's root) and the latest ones. */
export const REFERENCES_MAX = 20;

/**
 * The threading headers of an answer to `parent` (RFC 5322 §3.6.4). A long thread keeps its root
 * and its latest ids, as mail clients do, so the header stays a sensible size.
 */
export function threadingOf(parent: { messageId: string; references: readonly string[] }): { inReplyTo: string; references: string[] } {
  const chain = [...parent.references.filter((id) => id !== parent.messageId), parent.messageId];
  const unique = chain.filter((id, index) => chain.indexOf(id) === index);
  const references = unique.length <= REFERENCES_MAX ? unique : [unique[0]!, ...unique.slice(unique.length - (REFERENCES_MAX - 1))];
  return { inReplyTo: parent.messageId, references };
}

/** The headers only automatic mail carries. */
export const AUTOMATIC_HEADERS: Readonly<Record<string, string>> = {
  'Auto-Submitted': 'auto-replied',
  'X-Auto-Response-Suppress': 'All',
};

export type ReplyInput = {
  /** The new document's id (core/ids newId). The Message-ID derives from it. */
  id: string;
  ticket: { id: string; reference: string; citizenId: string; subject: string };
  /** The mail answered (an `email_in` of the ticket), for threading and the default recipient. */
  answering?: Pick<Message, 'subject' | 'email'>;
  /** The council's mailbox it leaves from. */
  from: MailAddress;
  /** The domain of the council's Message-IDs (usually the mailbox's). */
  mailDomain: string;
  /** Default: the answered mail's Reply-To, else its From. */
  to?: MailAddress[];
  cc?: MailAddress[];
  text: string;
  html?: string;
  attachments?: AttachmentMeta[];
  /** An automatic acknowledgement rather than a clerk's answer. */
  auto: boolean;
  /** The clerk who wrote it; absent on automatic mail. */
  authorId?: string;
  createdAt: Timestamp;
  /** The workstation whose outbox sends it. */
  workstationId: string;
};

const lowerAddress = (mailbox: MailAddress): MailAddress => ({ ...mailbox, address: mailbox.address.trim().toLowerCase() });

/**
 * The `email_out` document of a reply, queued in the outbox of `workstationId`. Throws a
 * RangeError, in words, when it has nobody to go to.
 */
export function buildReplyMessage(input: ReplyInput): Message {
  const answered = input.answering?.email;
  const to = (input.to ?? answered?.replyTo ?? (answered ? [answered.from] : [])).map(lowerAddress);
  if (to.length === 0) throw new RangeError('a reply needs at least one recipient: the ticket has no mail to answer and no address was given');
  const threading = answered ? threadingOf(answered) : undefined;
  const subject = outgoingSubject(input.answering?.subject ?? input.ticket.subject, input.ticket.reference, { reply: answered !== undefined });
  return {
    id: input.id,
    kind: 'email_out',
    ticketId: input.ticket.id,
    citizenId: input.ticket.citizenId,
    ...(input.authorId !== undefined && { authorId: input.authorId }),
    subject,
    text: input.text,
    ...(input.html !== undefined && { html: input.html }),
    email: {
      messageId: outgoingMessageId(input.id, input.mailDomain),
      ...(threading && { inReplyTo: threading.inReplyTo }),
      references: threading?.references ?? [],
      from: lowerAddress(input.from),
      to,
      cc: (input.cc ?? []).map(lowerAddress),
      mailbox: input.from.address.trim().toLowerCase(),
      sentAt: input.createdAt,
    },
    attachments: input.attachments ?? [],
    createdAt: input.createdAt,
    auto: input.auto,
    outbox: { state: 'queued', workstationId: input.workstationId, attempts: 0, changedAt: input.createdAt },
  };
}

/** A mail ready for a transport: every header it carries, its bodies and its files. */
export type OutgoingMail = {
  /** Without angle brackets. */
  messageId: string;
  /** The Date header: the document's creation, the same on every attempt. */
  date: Timestamp;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  inReplyTo?: string;
  references: string[];
  /** Headers beyond the standard ones (Auto-Submitted on automatic mail). */
  headers: Record<string, string>;
  text: string;
  html?: string;
  /** Blobs to attach, by their hash (main/blobs opens them). */
  attachments: AttachmentMeta[];
};

/** The mail an `email_out` document stands for; throws a RangeError when it is not one. */
export function outgoingMailOf(message: Message): OutgoingMail {
  if (message.kind !== 'email_out' || !message.email) throw new RangeError(`message ${message.id} is not outgoing mail`);
  const { email } = message;
  return {
    messageId: email.messageId,
    date: email.sentAt ?? message.createdAt,
    from: email.from,
    to: email.to,
    cc: email.cc,
    subject: message.subject ?? '',
    ...(email.inReplyTo !== undefined && { inReplyTo: email.inReplyTo }),
    references: email.references,
    headers: message.auto ? { ...AUTOMATIC_HEADERS } : {},
    text: message.text,
    ...(message.html !== undefined && { html: message.html }),
    attachments: message.attachments,
  };
}
