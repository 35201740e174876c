/**
 * A reply found in state `sending` when the outbox starts: the workstation stopped (crash, power
 * cut, SIGKILL) after handing it to SMTP and before recording the answer. The SMTP server may or
 * may not have taken it; nothing local can tell. What can:
 *
 * - the mailbox's Sent folder over IMAP, where the submission server (Exchange, Microsoft 365,
 *   Gmail and most hosted mail) files a copy of every mail it took: a copy with our Message-ID
 *   there means it left — record it as sent;
 * - nothing configured, or the lookup failing: send it again. The same Message-ID and Date go
 *   out, so mail clients that thread by Message-ID show one mail; a duplicate is better than a
 *   citizen's answer lost.
 *
 * The guarantee (docs/mail.md, Sending): every queued reply is sent at least once; exactly once
 * unless the workstation dies inside the window between the SMTP server's "250 OK" and the
 * database write, and then only when no Sent folder can prove the first copy.
 */

/**
 * Whether the mailbox already holds a sent copy of the mail with this Message-ID (without angle
 * brackets). Throws when it cannot tell (server unreachable): the caller then resends.
 */
export type SentCopyLookup = (mailbox: string, messageId: string) => Promise<boolean>;

export type InterruptedVerdict =
  | { action: 'record-sent'; why: string }
  | { action: 'resend'; why: string };

/** What to do with a reply left in `sending`. Never throws. */
export async function settleInterruptedSend(mailbox: string, messageId: string, lookup: SentCopyLookup | undefined): Promise<InterruptedVerdict> {
  if (!lookup) return { action: 'resend', why: 'interrumpido durante el envío; sin carpeta de enviados que consultar, se envía de nuevo' };
  try {
    if (await lookup(mailbox, messageId)) return { action: 'record-sent', why: 'interrumpido durante el envío; la copia está en la carpeta de enviados' };
    return { action: 'resend', why: 'interrumpido durante el envío; no está en la carpeta de enviados, se envía de nuevo' };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { action: 'resend', why: `interrumpido durante el envío; no se pudo consultar la carpeta de enviados (${reason}), se envía de nuevo` };
  }
}
