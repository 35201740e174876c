// A folder renumbered by the server (deleted and created again, restored from a backup, moved to
// another server): its UIDVALIDITY changes, every UID means something else, and the fetcher takes
// the folder again from the start — recognising by Message-ID what it already has, so nothing
// doubles and the new mail still arrives. Against Dovecot.
import { startDovecot, type TestDovecot } from './test-support/dovecot';
import { ingested, startMailWorkstation, waitUntil, type MailWorkstation } from './test-support/mail-fixture';

let dovecot: TestDovecot;
let workstation: MailWorkstation;

const mail = (n: number) => `From: vecino${n}@correo.test\r\nTo: registro@ayto.test\r\nSubject: Aviso ${n}\r\nMessage-ID: <aviso-${n}@correo.test>\r\n\r\nTexto ${n}\r\n`;

beforeAll(async () => {
  dovecot = await startDovecot();
  const setup = await dovecot.client();
  await setup.mailboxCreate('Registro');
  await setup.logout();
}, 30_000);

afterAll(async () => {
  await workstation?.close();
  await dovecot?.close();
});

describe('a folder whose UIDVALIDITY changes', () => {
  it('is taken again from the start without doubling what was already ingested', async () => {
    await dovecot.append([mail(1), mail(2), mail(3)], { folder: 'Registro' });
    workstation = await startMailWorkstation(dovecot, { folder: 'Registro', pollSeconds: 1 });
    await ingested(workstation.mail, 3);
    const before = workstation.mail.spool.folderState(workstation.account.id, 'Registro')!;
    await workstation.mail.stop();
    await workstation.local.close();

    // The server renumbers the folder: the same three mails come back under new UIDs, plus a new one.
    const admin = await dovecot.client();
    await admin.mailboxDelete('Registro');
    await admin.mailboxCreate('Registro');
    await admin.logout();
    await dovecot.append([mail(1), mail(2), mail(3), mail(4)], { folder: 'Registro' });

    workstation = await startMailWorkstation(dovecot, { folder: 'Registro', dataDir: workstation.dataDir, pollSeconds: 1 });
    await waitUntil(() => workstation.mail.spool.folderState(workstation.account.id, 'Registro')?.uidValidity !== before.uidValidity, 'the new UIDVALIDITY');
    await ingested(workstation.mail, 7);
    expect(workstation.mail.status().spool).toMatchObject({ done: 4, duplicate: 3, quarantined: 0 });
    expect(await workstation.local.db.messages.count().exec()).toBe(4);
    expect(await workstation.local.db.tickets.count().exec()).toBe(4);
  });
});
