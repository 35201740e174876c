// The Sent-folder check against a real Dovecot, and the whole crash story with it: a reply
// interrupted after SMTP took it, a mail server that filed a copy in Sent, a restart that finds
// it there and sends nothing twice.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type TestDovecot } from '../test-support/dovecot';
import { startTestSmtpServer, type TestSmtpServer } from '../test-support/smtp';
import { Outbox } from './outbox';
import { imapSentCopyLookup, type SentFolderAccount } from './sent-folder';
import { messageIdOf, openWorkstationMessages, smtpAccount, temporaryFolder, waitForDocument, type TestWorkstation } from './test-support/outbox-fixtures';

const USER = { user: 'registro@ayto-villanueva.es', password: 'secreto-de-registro' };

function rawMail(messageId: string): string {
  return [
    'From: registro@ayto-villanueva.es',
    'To: ana.ruiz@gmail.com',
    'Subject: Re: Ruido nocturno [#2026-7KQ4-M2XD]',
    `Message-ID: <${messageId}>`,
    'Date: Tue, 10 Mar 2026 10:00:00 +0100',
    '',
    'Hemos trasladado su queja.',
    '',
  ].join('\r\n');
}

describe('the Sent-folder check over IMAP', () => {
  let dovecot: TestDovecot;
  let account: SentFolderAccount;

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [USER] });
    const client = await dovecot.client();
    await client.mailboxCreate('Enviados');
    await client.logout();
    await dovecot.append([rawMail('ventanilla.0195-aaaa@ayto-villanueva.es')], { folder: 'Enviados' });
    account = { host: dovecot.host, port: dovecot.port, security: 'none', user: USER.user, password: USER.password, timeoutMs: 5_000 };
  }, 60_000);
  afterAll(() => dovecot.close());

  it('finds a sent copy by its Message-ID in the folder called Enviados, and no other mail', async () => {
    const lookup = imapSentCopyLookup(() => account);
    expect(await lookup(USER.user, 'ventanilla.0195-aaaa@ayto-villanueva.es')).toBe(true);
    expect(await lookup(USER.user, 'ventanilla.0195-aaaa@ayto-villanueva.es.other')).toBe(false);
    expect(await lookup(USER.user, 'ventanilla.0195-aaa@ayto-villanueva.es')).toBe(false);
  });

  it('cannot tell, and says so, when the folder or the account is missing', async () => {
    await expect(imapSentCopyLookup(() => ({ ...account, sentFolder: 'No existe' }))(USER.user, 'x@y')).rejects.toThrow(/no tiene carpeta de enviados/);
    await expect(imapSentCopyLookup(() => undefined)(USER.user, 'x@y')).rejects.toThrow(/no hay cuenta IMAP/);
  });

  describe('after a crash between SMTP\'s answer and the database write', () => {
    let smtp: TestSmtpServer;
    let temp: { folder: string; remove: () => void };
    let workstation: TestWorkstation;
    let filed: Promise<unknown> = Promise.resolve();

    beforeEach(async () => {
      smtp = await startTestSmtpServer();
      temp = temporaryFolder();
      workstation = await openWorkstationMessages(temp.folder);
      // The submission server files a copy of each mail it takes, as Exchange or Gmail do.
      smtp.onMail((mail) => {
        filed = dovecot.append([mail.raw], { folder: 'Enviados' });
      });
    });
    afterEach(async () => {
      await workstation.close();
      await smtp.close();
      temp.remove();
    });

    it('records the reply as sent from the copy in Enviados and sends nothing twice', async () => {
      const options = {
        workstationId: 'ws-oac-centro-3',
        journalFile: workstation.journalFile,
        smtpAccountOf: () => smtpAccount(smtp.port),
        sentCopyLookup: imapSentCopyLookup(() => account),
      };
      const crashing = new Outbox({ ...options, messages: workstation.messages, faults: { afterSmtpAccepted: () => new Promise<void>(() => undefined) } });
      crashing.start();
      const queued = await crashing.queueReply({
        ticket: { id: 'tkt-ruido', reference: '2026-7KQ4-M2XD', citizenId: 'cit-0001', subject: 'Ruido nocturno' },
        to: [{ address: 'ana.ruiz@gmail.com' }],
        from: { address: USER.user },
        mailDomain: 'ayto-villanueva.es',
        text: 'Hemos trasladado su queja a la Policía Local.',
      });
      await smtp.waitFor(1);
      await filed;
      await crashing.stop();
      await workstation.close();

      workstation = await openWorkstationMessages(temp.folder);
      expect((await workstation.messages.findOne(queued.id).exec(true)).outbox?.state).toBe('sending');
      const restarted = new Outbox({ ...options, messages: workstation.messages });
      restarted.start();
      try {
        const sent = await waitForDocument(workstation.messages, queued.id, (message) => message.outbox?.state === 'sent');
        expect(sent.outbox?.error).toMatch(/la copia está en la carpeta de enviados/);
        await restarted.sendNow();
        expect(smtp.received.map(messageIdOf)).toEqual([`ventanilla.${queued.id}@ayto-villanueva.es`]);
      } finally {
        await restarted.stop();
      }
    });
  });
});
