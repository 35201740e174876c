// The envelope of a clerk's reply: threaded on the citizen's last mail (In-Reply-To, References,
// RFC 5322 §3.6.4), sent from the department's mailbox, queued in the outbox of this workstation
// (main/mail sends what is `queued` and owned by it).
import { newId } from '../../core/ids';
import type { Department, EmailFields, Message, OutboxFields, Ticket } from '../../core/schemas';

export type ReplyEnvelope = { subject: string; email: EmailFields; outbox: OutboxFields };

type Input = { ticket: Ticket; thread: readonly Message[]; to: string; department?: Department; workstationId: string; now: number };

/** The council's general mailbox when the department has none. */
export const FALLBACK_MAILBOX = 'registro@ayuntamiento.invalid';

export function replyEnvelope({ ticket, thread, to, department, workstationId, now }: Input): ReplyEnvelope {
  const mails = thread.filter((message) => message.email !== undefined);
  const lastIn = [...mails].reverse().find((message) => message.kind === 'email_in');
  const last = lastIn ?? mails[mails.length - 1];
  const mailbox = last?.email?.mailbox ?? department?.mailAliases[0] ?? FALLBACK_MAILBOX;
  const domain = mailbox.slice(mailbox.lastIndexOf('@') + 1);
  const baseSubject = last?.subject ?? ticket.subject;
  const replied = /^re:/i.test(baseSubject) ? baseSubject : `Re: ${baseSubject}`;
  const subject = (replied.includes(ticket.reference) ? replied : `${replied} [${ticket.reference}]`).slice(0, 1000);
  const references = last?.email ? [...last.email.references, last.email.messageId].slice(-50) : [];
  const email: EmailFields = {
    messageId: `${newId(now)}@${domain}`,
    references,
    from: { address: mailbox, ...(department && { name: department.name }) },
    to: [{ address: to }],
    cc: [],
    mailbox,
  };
  if (last?.email) email.inReplyTo = last.email.messageId;
  return { subject, email, outbox: { state: 'queued', workstationId: workstationId.slice(0, 40), attempts: 0, changedAt: now } };
}
