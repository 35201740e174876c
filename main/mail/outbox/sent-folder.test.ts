// The Sent-folder check against a real Dovecot, and the whole crash story with it: a reply
// interrupted after SMTP took it, a mail server that filed a copy in Sent, a restart that finds
// it there and sends nothing twice.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useDovecot } from '../test-support/mail-fixture';
import { imapSentCopyLookup, type SentFolderAccount } from './sent-folder';
import { messageIdOf, replyIn, useOutboxWorkstation, waitForDocument } from './test-support/outbox-fixtures';

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
  const mailbox = useDovecot({ users: [USER], folders: ['Enviados'], prepare: (dovecot) => dovecot.append([rawMail('ventanilla.0195-aaaa@ayto-villanueva.es')], { folder: 'Enviados' }) });
  let account: SentFolderAccount;
  beforeAll(() => {
    const { dovecot } = mailbox;
    account = { host: dovecot.host, port: dovecot.port, security: 'none', user: USER.user, password: USER.password, timeoutMs: 5_000 };
  });

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
    const bed = useOutboxWorkstation();
    let filed: Promise<unknown> = Promise.resolve();
    beforeEach(() => {
      // The submission server files a copy of each mail it takes, as Exchange or Gmail do.
      bed.smtp.onMail((mail) => {
        filed = mailbox.dovecot.append([mail.raw], { folder: 'Enviados' });
      });
    });

    it('records the reply as sent from the copy in Enviados and sends nothing twice', async () => {
      const lookup = { sentCopyLookup: imapSentCopyLookup(() => account) };
      const crashing = bed.openOutbox({ ...lookup, faults: { afterSmtpAccepted: () => new Promise<void>(() => undefined) } });
      const queued = await crashing.queueReply(
        replyIn({ id: 'tkt-ruido', subject: 'Ruido nocturno', citizenId: 'cit-0001' }, { from: { address: USER.user }, mailDomain: 'ayto-villanueva.es', text: 'Hemos trasladado su queja a la Policía Local.' }),
      );
      await bed.smtp.waitFor(1);
      await filed;

      const restarted = await bed.restart(lookup, false);
      expect((await bed.workstation.messages.findOne(queued.id).exec(true)).outbox?.state).toBe('sending');
      restarted.start();
      const sent = await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.state === 'sent');
      expect(sent.outbox?.error).toMatch(/la copia está en la carpeta de enviados/);
      await restarted.sendNow();
      expect(bed.smtp.received.map(messageIdOf)).toEqual([`ventanilla.${queued.id}@ayto-villanueva.es`]);
    });
  });
});
