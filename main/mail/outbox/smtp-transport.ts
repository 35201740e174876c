/**
 * One SMTP submission with nodemailer, and what its failure means for the outbox: try again
 * later (the server is unreachable, busy, or refused the account) or give up on this mail (the
 * server refused it for good, a 5xx answer to the message or to every recipient).
 * https://nodemailer.com/smtp/ ; reply codes: RFC 5321 §4.2.1.
 */
import type { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type { AttachmentMeta } from '../../../core/schemas/messages';
import type { OutgoingMail } from '../../../core/mail/outgoing';

/** How to reach a council mailbox's SMTP submission server. */
export type SmtpAccount = {
  host: string;
  /** 465 for implicit TLS, 587 for STARTTLS (RFC 8314). */
  port: number;
  /**
   * `tls`: TLS from the first byte (465); `starttls`: plain then STARTTLS, refused without it
   * (587); `none`: no TLS at all — only for a relay on the same machine or tests on loopback.
   */
  security: 'tls' | 'starttls' | 'none';
  user?: string;
  password?: string;
  /** Give up on a connection or an answer after this long (default 30 s). */
  timeoutMs?: number;
};

export type SmtpSendResult = {
  /** The server's last answer (`250 2.0.0 Ok: queued as …`). */
  response: string;
  /** Recipients the server refused while it took the mail for the others. */
  rejected: string[];
};

/** Opens an attachment's bytes (the blob store, fetching from the server when missing). */
export type OpenAttachment = (attachment: AttachmentMeta) => Promise<Readable>;

export type SmtpFailureKind =
  /** Nothing reached the server: refused connection, timeout, DNS, TLS. */
  | 'unreachable'
  /** The server refused the account's user or password. */
  | 'authentication'
  /** A 4xx answer: try again later. */
  | 'temporary'
  /** A 5xx answer to the message or all its recipients: sending again changes nothing. */
  | 'permanent';

/** A failed submission, with the reason for the clerk in Spanish. */
export class SmtpSendError extends Error {
  override readonly name = 'SmtpSendError';
  constructor(
    readonly kind: SmtpFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get retryable(): boolean {
    return this.kind !== 'permanent';
  }
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED', 'ECONNRESET', 'EPROXY', 'EHOSTUNREACH', 'ENOTFOUND']);

/** Turns whatever nodemailer threw into a {@link SmtpSendError}. */
export function classifySmtpError(error: unknown, account: SmtpAccount): SmtpSendError {
  if (error instanceof SmtpSendError) return error;
  const details = error as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const code = typeof details.code === 'string' ? details.code : '';
  const responseCode = typeof details.responseCode === 'number' ? details.responseCode : undefined;
  const response = typeof details.response === 'string' ? details.response.trim() : String(details.message ?? error);
  const where = `${account.host}:${account.port}`;
  if (code === 'EAUTH') return new SmtpSendError('authentication', `El servidor de correo ${where} rechazó el usuario o la contraseña de ${account.user ?? '(sin usuario)'}: ${response}`, { cause: error });
  if (responseCode !== undefined && responseCode >= 500) return new SmtpSendError('permanent', `El servidor de correo rechazó el mensaje: ${response}`, { cause: error });
  if (responseCode !== undefined && responseCode >= 400) return new SmtpSendError('temporary', `El servidor de correo no aceptó el mensaje por ahora: ${response}`, { cause: error });
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const causeCode = typeof cause?.code === 'string' ? cause.code : '';
  if (CONNECTION_CODES.has(code) || CONNECTION_CODES.has(causeCode)) {
    return new SmtpSendError('unreachable', `No se puede conectar con el servidor de correo ${where} (${causeCode || code}): ${String(details.message ?? '')}`.trim(), { cause: error });
  }
  // Anything else (a protocol error, a stream that failed) may well pass next time.
  return new SmtpSendError('temporary', `El envío falló: ${String(details.message ?? error)}`, { cause: error });
}

const bracketed = (id: string) => `<${id.replace(/^<|>$/g, '')}>`;
const mailbox = (address: { address: string; name?: string }) => (address.name ? { name: address.name, address: address.address } : address.address);

type Transport = ReturnType<typeof nodemailer.createTransport>;

function createTransport(account: SmtpAccount, pooled: boolean): Transport {
  const timeout = account.timeoutMs ?? 30_000;
  return nodemailer.createTransport({
    host: account.host,
    port: account.port,
    secure: account.security === 'tls',
    requireTLS: account.security === 'starttls',
    ignoreTLS: account.security === 'none',
    ...(account.user !== undefined && { auth: { user: account.user, pass: account.password ?? '' } }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // One connection per account, kept while replies wait and closed when idle: a backlog after an
    // outage goes out without a TLS handshake and a login per mail.
    ...(pooled && { pool: true, maxConnections: 1, maxMessages: 100 }),
  } as Parameters<typeof nodemailer.createTransport>[0]);
}

/**
 * The outbox's SMTP connections, one pooled connection per account. A connection that fails is
 * dropped, and the next mail opens a new one.
 */
export class SmtpSender {
  private readonly transports = new Map<string, Transport>();

  constructor(private readonly openAttachment?: OpenAttachment) {}

  async send(account: SmtpAccount, mail: OutgoingMail): Promise<SmtpSendResult> {
    const key = JSON.stringify([account.host, account.port, account.security, account.user ?? '', account.password ?? '', account.timeoutMs ?? 0]);
    let transport = this.transports.get(key);
    if (!transport) {
      transport = createTransport(account, true);
      this.transports.set(key, transport);
    }
    try {
      return await submit(transport, account, mail, this.openAttachment);
    } catch (error) {
      if (error instanceof SmtpSendError && error.kind !== 'permanent') {
        transport.close();
        this.transports.delete(key);
      }
      throw error;
    }
  }

  close(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
  }
}

/**
 * Submits one mail on a connection of its own. The Message-ID, Date and threading headers come
 * from `mail` unchanged, so a resend is the same mail to the receiver. Throws {@link SmtpSendError}.
 */
export async function sendWithSmtp(account: SmtpAccount, mail: OutgoingMail, openAttachment?: OpenAttachment): Promise<SmtpSendResult> {
  const transport = createTransport(account, false);
  try {
    return await submit(transport, account, mail, openAttachment);
  } finally {
    transport.close();
  }
}

async function submit(transport: Transport, account: SmtpAccount, mail: OutgoingMail, openAttachment?: OpenAttachment): Promise<SmtpSendResult> {
  try {
    if (mail.attachments.length > 0 && !openAttachment) throw new SmtpSendError('permanent', 'El mensaje lleva adjuntos y este puesto no tiene almacén de adjuntos configurado');
    const attachments = await Promise.all(
      mail.attachments.map(async (attachment) => ({
        filename: attachment.name,
        contentType: attachment.mimeType,
        content: await openAttachment!(attachment),
        ...(attachment.contentId !== undefined && { cid: attachment.contentId }),
      })),
    );
    const info = await transport.sendMail({
      messageId: bracketed(mail.messageId),
      date: new Date(mail.date),
      from: mailbox(mail.from),
      to: mail.to.map(mailbox),
      cc: mail.cc.map(mailbox),
      subject: mail.subject,
      ...(mail.inReplyTo !== undefined && { inReplyTo: bracketed(mail.inReplyTo) }),
      ...(mail.references.length > 0 && { references: mail.references.map(bracketed) }),
      headers: mail.headers,
      text: mail.text,
      ...(mail.html !== undefined && { html: mail.html }),
      attachments,
    });
    const rejected = ((info.rejected ?? []) as (string | { address: string })[]).map((entry) => (typeof entry === 'string' ? entry : entry.address));
    return { response: String(info.response ?? ''), rejected };
  } catch (error) {
    throw classifySmtpError(error, account);
  }
}
