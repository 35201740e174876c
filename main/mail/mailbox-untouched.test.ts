// The mailbox is the council's record: ingestion never deletes, moves or flags a message unless
// the account asks for \Seen (Zammad deletes by default and once emptied a mailbox). Against Dovecot.
import { startDovecot, type TestDovecot } from './test-support/dovecot';
import { ingested, startMailWorkstation, waitUntil } from './test-support/mail-fixture';

let dovecot: TestDovecot;

beforeAll(async () => {
  dovecot = await startDovecot({
    users: [
      { user: 'registro@ayto.test', password: 'secreto-1' },
      { user: 'urbanismo@ayto.test', password: 'secreto-2' },
    ],
  });
}, 30_000);

afterAll(async () => {
  await dovecot?.close();
});

const mails = [1, 2, 3].map((n) => `From: vecino${n}@correo.test\r\nTo: buzon@ayto.test\r\nSubject: Aviso ${n}\r\nMessage-ID: <untouched-${n}@correo.test>\r\n\r\nTexto ${n}\r\n`);

async function serverFlags(user: (typeof dovecot.users)[number]): Promise<string[][]> {
  const client = await dovecot.client(user);
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
    const user = dovecot.users[0]!;
    await dovecot.append(mails, { user });
    const workstation = await startMailWorkstation(dovecot, { user });
    try {
      await ingested(workstation.mail, 3);
      expect(workstation.account.options.markSeen).toBe(false);
    } finally {
      await workstation.close();
    }
    expect(await serverFlags(user)).toEqual([[], [], []]);
  });

  it('gets \\Seen on what was ingested only when the account asks for it', async () => {
    const user = dovecot.users[1]!;
    await dovecot.append(mails, { user });
    const workstation = await startMailWorkstation(dovecot, { user, markSeen: true });
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
