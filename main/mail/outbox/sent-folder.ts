/**
 * The Sent-folder check after a crash (interrupted-send.ts), over IMAP with imapflow: does the
 * mailbox's Sent folder hold a mail with this Message-ID? Submission servers that file a copy of
 * what they relay (Exchange, Microsoft 365, Gmail, most hosted mail) answer yes for a mail they
 * took; a server that files nothing answers no, and the reply goes again (at least once).
 *
 * The folder: the account's own setting, else the one the server flags `\Sent` (RFC 6154), else
 * the usual names in Spanish and English.
 */
import { ImapFlow } from 'imapflow';
import type { SentCopyLookup } from './interrupted-send';

export type SentFolderAccount = {
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
  user: string;
  password: string;
  /** The Sent folder's path, when the server does not flag it. */
  sentFolder?: string;
  timeoutMs?: number;
};

const USUAL_NAMES = ['Sent', 'Enviados', 'Elementos enviados', 'Sent Items', 'Sent Messages', 'INBOX.Sent', 'INBOX.Enviados', '[Gmail]/Sent Mail', '[Gmail]/Enviados'];

/** Finds the Sent folder of a connected client; undefined when there is none to be found. */
async function sentFolderOf(client: ImapFlow, configured: string | undefined): Promise<string | undefined> {
  const folders = await client.list();
  if (configured) return folders.find((folder) => folder.path === configured)?.path;
  const flagged = folders.find((folder) => folder.specialUse === '\\Sent');
  if (flagged) return flagged.path;
  for (const name of USUAL_NAMES) {
    const found = folders.find((folder) => folder.path.toLowerCase() === name.toLowerCase());
    if (found) return found.path;
  }
  return undefined;
}

/**
 * A {@link SentCopyLookup} over IMAP. Throws (so the caller resends) when the mailbox has no
 * IMAP account, no Sent folder, or the server cannot be reached.
 */
export function imapSentCopyLookup(accountOf: (mailbox: string) => SentFolderAccount | undefined): SentCopyLookup {
  return async (mailbox, messageId) => {
    const account = accountOf(mailbox);
    if (!account) throw new Error(`no hay cuenta IMAP configurada para ${mailbox}`);
    const timeout = account.timeoutMs ?? 30_000;
    const client = new ImapFlow({
      host: account.host,
      port: account.port,
      secure: account.security === 'tls',
      doSTARTTLS: account.security === 'starttls' ? true : account.security === 'none' ? false : undefined,
      auth: { user: account.user, pass: account.password },
      logger: false,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    // imapflow reports a dropped connection as an 'error' event; without a listener it would throw.
    client.on('error', () => undefined);
    await client.connect();
    try {
      const folder = await sentFolderOf(client, account.sentFolder);
      if (!folder) throw new Error(`el buzón ${mailbox} no tiene carpeta de enviados`);
      const lock = await client.getMailboxLock(folder, { readOnly: true });
      try {
        // HEADER search is a substring match (RFC 3501 §6.4.4): search the whole bracketed id.
        const found = await client.search({ header: { 'message-id': `<${messageId}>` } }, { uid: true });
        return Array.isArray(found) && found.length > 0;
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  };
}
