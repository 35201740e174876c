// New mail, delivered as a mail server delivers it (LMTP into Dovecot), reaches the clerk's
// database through IDLE alone: polling is set to an hour, so only IDLE can bring it in. How fast
// is measured by bench/mail-ingest.ts, not asserted here.
import nodemailer from 'nodemailer';
import { ingested, useMailWorkstation, waitUntil } from './test-support/mail-fixture';

const bed = useMailWorkstation({
  pollSeconds: 3600,
  ready: (workstation) => waitUntil(() => workstation.mail.status().accounts[0]?.state === 'idle', 'the fetcher idling', 20_000),
});

describe('new mail', () => {
  it('is pushed into the database by IDLE, with no poll to wait for', async () => {
    const { dovecot, workstation } = bed;
    const lmtp = nodemailer.createTransport({ lmtp: true, host: '127.0.0.1', port: dovecot.lmtpPort, ignoreTLS: true });
    await lmtp.sendMail({ from: 'vecina@correo.test', to: dovecot.users[0]!.user, subject: 'Farola fundida en la plaza', text: 'La farola de la plaza lleva una semana fundida.', messageId: '<farola@correo.test>' });
    lmtp.close();
    await ingested(workstation.mail, 1, 15_000);
    const [ticket] = await workstation.local.db.tickets.find().exec();
    expect(ticket?.subject).toBe('Farola fundida en la plaza');
    expect(workstation.mail.status().accounts[0]).toMatchObject({ connected: true, idle: true });
  });
});
