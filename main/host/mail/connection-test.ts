/**
 * "Probar conexión" of the settings screen: logs in to the account's IMAP server and opens its
 * folder (read-only: nothing is fetched, flagged or moved), and greets and authenticates at its
 * SMTP server without sending. Each answer in words the council's IT can act on.
 */
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { ConnectionCheck, MailAccountForm, MailConnectionTest } from '../../../core/app-api';
import { describeImapError } from '../../mail/imap-errors';
import { classifySmtpError } from '../../mail/outbox';

const TIMEOUT_MS = 15_000;

async function testImap(form: MailAccountForm, password: string): Promise<ConnectionCheck> {
  const folder = form.folder?.trim() || 'INBOX';
  const client = new ImapFlow({
    host: form.host,
    port: form.port,
    secure: form.security === 'tls',
    doSTARTTLS: form.security === 'starttls' ? true : form.security === 'none' ? false : undefined,
    auth: { user: form.user, pass: password },
    logger: false,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  // imapflow emits 'error' on the client for socket failures: unhandled, it would end the service.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const mailbox = await client.mailboxOpen(folder, { readOnly: true });
    return { ok: true, message: `Conectado: la carpeta ${folder} tiene ${mailbox.exists} mensajes` };
  } catch (error) {
    return { ok: false, message: describeImapError(error, { host: form.host, port: form.port, folder, user: form.user }) };
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function testSmtp(form: MailAccountForm, password: string): Promise<ConnectionCheck> {
  const { smtp } = form;
  const account = { host: smtp.host, port: smtp.port, security: smtp.security, ...(smtp.user && { user: smtp.user, password }) };
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    ...(smtp.user && { auth: { user: smtp.user, pass: password } }),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  try {
    await transport.verify();
    return { ok: true, message: `El servidor de envío ${smtp.host}:${smtp.port} acepta la cuenta` };
  } catch (error) {
    return { ok: false, message: classifySmtpError(error, account).message };
  } finally {
    transport.close();
  }
}

/** Both checks at once; neither throws. */
export async function testMailAccount(form: MailAccountForm, imapPassword: string, smtpPassword: string): Promise<MailConnectionTest> {
  const [imap, smtp] = await Promise.all([testImap(form, imapPassword), testSmtp(form, smtpPassword)]);
  return { imap, smtp };
}
