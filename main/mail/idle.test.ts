// New mail, delivered as a mail server delivers it (LMTP into Dovecot), reaches the clerk's
// database through IDLE alone: polling is set to an hour, so only IDLE can bring it in. How fast
// is measured by bench/mail-ingest.ts, not asserted here.
import nodemailer from 'nodemailer';
import { startDovecot, type TestDovecot } from './test-support/dovecot';
import { ingested, startMailWorkstation, waitUntil, type MailWorkstation } from './test-support/mail-fixture';

let dovecot: TestDovecot;
let workstation: MailWorkstation;

beforeAll(async () => {
  dovecot = await startDovecot();
  workstation = await startMailWorkstation(dovecot, { pollSeconds: 3600 });
  await waitUntil(() => workstation.mail.status().accounts[0]?.state === 'idle', 'the fetcher idling', 20_000);
}, 60_000);

afterAll(async () => {
  await workstation?.close();
  await dovecot?.close();
});

describe('new mail', () => {
  it('is pushed into the database by IDLE, with no poll to wait for', async () => {
    const lmtp = nodemailer.createTransport({ lmtp: true, host: '127.0.0.1', port: dovecot.lmtpPort, ignoreTLS: true });
    await lmtp.sendMail({ from: 'vecina@correo.test', to: dovecot.users[0]!.user, subject: 'Farola fundida en la plaza', text: 'La farola de la plaza lleva una semana fundida.', messageId: '<farola@correo.test>' });
    lmtp.close();
    await ingested(workstation.mail, 1, 15_000);
    const [ticket] = await workstation.local.db.tickets.find().exec();
    expect(ticket?.subject).toBe('Farola fundida en la plaza');
    expect(workstation.mail.status().accounts[0]).toMatchObject({ connected: true, idle: true });
  });
});
