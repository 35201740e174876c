// Reports about another message: bounces (RFC 3464 delivery status notifications, and the
// free-form ones many servers still send), read receipts (RFC 8098) and spam complaints (RFC 5965
// feedback reports). A report goes to the ticket of the message it returns (threading.ts), marked
// `auto` and, for a bounce of ours, `bounceOf`. Whether a mail is automatic at all (never to be
// answered automatically) is loops.ts's `automaticMail`; this module only says which reports are.
import { headerValues, type InboundHeaders } from './loops';

/** A report about another message, by its `report-type` (RFC 6522). */
export type MailReportKind = 'delivery' | 'disposition' | 'feedback';

const MACHINE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|maildaemon)@/i;
const BOUNCE_SUBJECT =
  /^\s*(undeliver|undelivered mail|delivery status notification|delivery (has )?fail|failure notice|returned mail|mail delivery (failed|subsystem)|message not delivered|no se (ha )?pud|notificaci[oó]n de estado de (la )?entrega|error de entrega|mensaje no entregado|non remis|unzustellbar|warning: could not send)/i;

/**
 * Which report a mail is, or undefined: a `multipart/report` by its report-type; a mail from a
 * mailer daemon with a bounce's subject; a mail with `X-Failed-Recipients` (Exim's bounces).
 */
export function reportKindOf(headers: InboundHeaders, from: string | undefined, subject: string | undefined): MailReportKind | undefined {
  const contentType = headerValues(headers, 'Content-Type')[0] ?? '';
  if (/^\s*multipart\/report\b/i.test(contentType)) {
    const type = /report-type\s*=\s*"?([a-z-]+)/i.exec(contentType)?.[1]?.toLowerCase();
    if (type === 'disposition-notification') return 'disposition';
    if (type === 'feedback-report') return 'feedback';
    return 'delivery';
  }
  if (headerValues(headers, 'X-Failed-Recipients').length > 0) return 'delivery';
  if (from !== undefined && MACHINE_SENDER.test(from) && BOUNCE_SUBJECT.test(subject ?? '')) return 'delivery';
  return undefined;
}

/**
 * The Message-IDs of the messages a report returns, from the text of its returned parts (the
 * `message/rfc822` or `text/rfc822-headers` part, or the body where a server quoted the headers):
 * every `Message-ID:` (or `Original-Message-ID:`) header line in them, in order.
 */
export function returnedMessageIds(texts: readonly string[]): string[] {
  const ids: string[] = [];
  for (const text of texts) {
    for (const match of text.matchAll(/^[ \t>]*(?:original-)?message-id\s*:\s*<?([^\s<>]+@[^\s<>]+?)>?\s*$/gim)) {
      const id = match[1]!;
      if (!ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}
