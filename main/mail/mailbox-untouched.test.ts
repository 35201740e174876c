// The mailbox is the council's record: ingestion never deletes, moves or flags a message unless
// the account asks for \Seen (Zammad deletes by default and once emptied a mailbox). Against Dovecot.
import type { DovecotUser } from './test-support/dovecot';
import { ingested, plainMail, useDovecot, waitUntil } from './test-support/mail-fixture';

const bed = useDovecot({
  users: [
    { user: 'registro@ayto.test', password: 'secreto-1' },
    { user: 'urbanismo@ayto.test', password: 'secreto-2' },
  ],
});

const mails = [1, 2, 3].map((n) => plainMail({ from: `vecino${n}@correo.test`, to: 'buzon@ayto.test', subject: `Aviso ${n}`, messageId: `untouched-${n}@correo.test`, text: `Texto ${n}` }));

async function serverFlags(user: DovecotUser): Promise<string[][]> {
  const client = await bed.dovecot.client(user);
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const flags: string[][] = [];
    // \Recent is the server's note that this session is the first to see a message, not a flag anyone set.
    for await (const message of client.fetch('1:*', { flags: true })) flags.push([...(message.flags ?? [])].filter((flag) => flag !== '\\Recent').sort());
    return flags;
  } finally {
    await client.logout();
  }
}

describe('the council’s mailbox', () => {
  it('keeps every message, unflagged, after ingestion with the default settings', async () => {
    const user = bed.dovecot.users[0]!;
    await bed.dovecot.append(mails, { user });
    const workstation = await bed.startWorkstation({ user });
    try {
      await ingested(workstation.mail, 3);
      expect(workstation.account.options.markSeen).toBe(false);
    } finally {
      await workstation.close();
    }
    expect(await serverFlags(user)).toEqual([[], [], []]);
  });

  it('gets \\Seen on what was ingested only when the account asks for it', async () => {
    const user = bed.dovecot.users[1]!;
    await bed.dovecot.append(mails, { user });
    const workstation = await bed.startWorkstation({ user, markSeen: true });
    try {
      await ingested(workstation.mail, 3);
      // The flags are set at the end of the fetch pass, after the batch is spooled.
      await waitUntil(() => workstation.mail.status().accounts[0]?.state === 'idle', 'the fetch pass finished');
    } finally {
      await workstation.close();
    }
    expect(await serverFlags(user)).toEqual([['\\Seen'], ['\\Seen'], ['\\Seen']]);
  });
});
