// A folder renumbered by the server (deleted and created again, restored from a backup, moved to
// another server): its UIDVALIDITY changes, every UID means something else, and the fetcher takes
// the folder again from the start — recognising by Message-ID what it already has, so nothing
// doubles and the new mail still arrives. Against Dovecot.
import { ingested, plainMail, useDovecot, waitUntil } from './test-support/mail-fixture';

const mail = (n: number) => plainMail({ from: `vecino${n}@correo.test`, subject: `Aviso ${n}`, messageId: `aviso-${n}@correo.test`, text: `Texto ${n}` });

const bed = useDovecot({ folders: ['Registro'] });

describe('a folder whose UIDVALIDITY changes', () => {
  it('is taken again from the start without doubling what was already ingested', async () => {
    const { dovecot } = bed;
    await dovecot.append([mail(1), mail(2), mail(3)], { folder: 'Registro' });
    const first = await bed.startWorkstation({ folder: 'Registro', pollSeconds: 1 });
    await ingested(first.mail, 3);
    const before = first.mail.spool.folderState(first.account.id, 'Registro')!;
    await first.stop();

    // The server renumbers the folder: the same three mails come back under new UIDs, plus a new one.
    const admin = await dovecot.client();
    await admin.mailboxDelete('Registro');
    await admin.mailboxCreate('Registro');
    await admin.logout();
    await dovecot.append([mail(1), mail(2), mail(3), mail(4)], { folder: 'Registro' });

    const workstation = await bed.startWorkstation({ folder: 'Registro', dataDir: first.dataDir, pollSeconds: 1 });
    await waitUntil(() => workstation.mail.spool.folderState(workstation.account.id, 'Registro')?.uidValidity !== before.uidValidity, 'the new UIDVALIDITY');
    await ingested(workstation.mail, 7);
    expect(workstation.mail.status().spool).toMatchObject({ done: 4, duplicate: 3, quarantined: 0 });
    expect(await workstation.local.db.messages.count().exec()).toBe(4);
    expect(await workstation.local.db.tickets.count().exec()).toBe(4);
  });
});
