import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../../core/mail/outgoing';
import { startTestSmtpServer, type TestSmtpServer } from '../test-support/smtp';
import { SmtpSendError, SmtpSender, sendWithSmtp } from './smtp-transport';
import { smtpAccount } from './test-support/outbox-fixtures';

const mail: OutgoingMail = {
  messageId: 'ventanilla.01959c7e-2b40-7c3a-9f1e-4a2b8c0d1e2f@ayto-villanueva.es',
  date: Date.UTC(2026, 2, 10, 9),
  from: { address: 'registro@ayto-villanueva.es', name: 'Registro General' },
  to: [{ address: 'ana.ruiz@gmail.com', name: 'Ana Ruiz Gómez' }],
  cc: [],
  subject: 'Re: Licencia de obra [#2026-7KQ4-M2XD]',
  references: [],
  headers: {},
  text: 'Su licencia está concedida.',
  attachments: [],
};

async function failureOf(promise: Promise<unknown>): Promise<SmtpSendError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(SmtpSendError);
  return error as SmtpSendError;
}

describe('SMTP submission', () => {
  let smtp: TestSmtpServer;
  beforeEach(async () => {
    smtp = await startTestSmtpServer();
  });
  afterEach(() => smtp.close());

  it('logs in with the account and sends the mail with its own Message-ID and Date', async () => {
    smtp.requireLogin({ user: 'registro@ayto-villanueva.es', password: 'secreto' });
    const result = await sendWithSmtp(smtpAccount(smtp.port), mail);
    expect(result.rejected).toEqual([]);
    expect(result.response).toMatch(/^250/);
    const [received] = smtp.received;
    expect(received!.headers.get('message-id')).toBe(`<${mail.messageId}>`);
    expect(received!.headers.get('date')).toBe('Tue, 10 Mar 2026 09:00:00 +0000');
  });

  it('says the password was refused, as something to retry once the account is fixed', async () => {
    smtp.requireLogin({ user: 'registro@ayto-villanueva.es', password: 'otra' });
    const failure = await failureOf(sendWithSmtp(smtpAccount(smtp.port), mail));
    expect(failure.kind).toBe('authentication');
    expect(failure.retryable).toBe(true);
    expect(failure.message).toMatch(/rechazó el usuario o la contraseña de registro@ayto-villanueva\.es/);
  });

  it('retries a 4xx answer and gives up on a 5xx one', async () => {
    smtp.refuseRecipients(/ana\.ruiz@/, { code: 452, message: '4.2.2 Mailbox full, try later' });
    const busy = await failureOf(sendWithSmtp(smtpAccount(smtp.port), mail));
    expect([busy.kind, busy.retryable]).toEqual(['temporary', true]);
    smtp.refuseRecipients(/ana\.ruiz@/, { code: 550, message: '5.1.1 No such user' });
    const refused = await failureOf(sendWithSmtp(smtpAccount(smtp.port), mail));
    expect([refused.kind, refused.retryable]).toEqual(['permanent', false]);
    expect(refused.message).toMatch(/No such user/);
  });

  it('says the server cannot be reached when nothing listens', async () => {
    await smtp.stop();
    const failure = await failureOf(sendWithSmtp(smtpAccount(smtp.port), mail));
    expect(failure.kind).toBe('unreachable');
    expect(failure.message).toMatch(new RegExp(`No se puede conectar con el servidor de correo 127\\.0\\.0\\.1:${smtp.port}`));
  });

  it('refuses to send a mail with attachments when no blob store can open them', async () => {
    const failure = await failureOf(sendWithSmtp(smtpAccount(smtp.port), { ...mail, attachments: [{ sha256: 'a'.repeat(64), name: 'a.pdf', mimeType: 'application/pdf', size: 1 }] }));
    expect(failure.kind).toBe('permanent');
  });

  it('sends a backlog over one kept connection', async () => {
    const sender = new SmtpSender();
    try {
      for (let i = 0; i < 5; i++) await sender.send(smtpAccount(smtp.port), { ...mail, messageId: `m${i}@ayto-villanueva.es` });
    } finally {
      sender.close();
    }
    expect(smtp.received).toHaveLength(5);
    expect(smtp.sessions()).toBe(1);
  });
});
