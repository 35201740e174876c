// The headless service with `--mail`, as a council's IT runs it beside the central server: the
// mailbox accounts come from a file only its owner can read, a citizen's mail becomes a ticket
// routed by the council's rules on the central server, and the automatic answer leaves over SMTP,
// its `sent` state replicated. Real central server, Dovecot and SMTP server, the service's own
// command line in a process of its own.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCouncil } from '../../core/routing/test-council';
import type { Message, Ticket } from '../../core/schemas';
import type { DocumentState } from '../../core/sync/replication-protocol';
import { startDovecot, type TestDovecot } from '../mail/test-support/dovecot';
import { mailAccountForm, plainMail, waitUntil } from '../mail/test-support/mail-fixture';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/test-support/smtp';
import { pushAs, serverDocuments } from '../sync/test-support/central-server';
import { ADMIN } from '../sync/test-support/council';
import { useHeadlessServiceFixture } from './test-support/headless-service';

const MAILBOX = { user: 'registro@ayto.test', password: 'clave-del-registro' };

const fixture = useHeadlessServiceFixture('ventanilla-headless-mail-');
let dovecot: TestDovecot;
let smtp: TestSmtpServer;

beforeAll(async () => {
  [dovecot, smtp] = await Promise.all([startDovecot({ users: [MAILBOX] }), startTestSmtpServer()]);
}, 120_000);
afterAll(async () => {
  await dovecot?.close();
  await smtp?.close();
});

/** The shipped council defaults (calendars, departments, rules, templates) on the central server, as an administrator sets them up. */
async function shipCouncilDefaults(url: string): Promise<void> {
  const defaults = defaultCouncil({ createdAt: Date.now() - 1_000 });
  for (const collection of ['calendars', 'departments', 'rules', 'templates'] as const) {
    const existing = new Map((await serverDocuments(url, ADMIN, collection)).map((document) => [String(document.id), document]));
    const rows = (defaults[collection] as unknown as { id: string }[]).map((document) => {
      const newDocumentState = { ...document, _deleted: false } as DocumentState;
      const held = existing.get(document.id);
      return held ? { assumedMasterState: held, newDocumentState } : { newDocumentState };
    });
    await pushAs(url, ADMIN, collection, rows);
  }
}

describe('the headless service with --mail', () => {
  it('ingests the mailboxes of its accounts file, routes and acknowledges a citizen’s mail, and replicates it all', async () => {
    await shipCouncilDefaults(fixture.server.url);
    const accountsFile = path.join(fixture.folder, 'mail-accounts.json');
    writeFileSync(accountsFile, JSON.stringify([mailAccountForm(dovecot, MAILBOX, smtp.port)]));
    chmodSync(accountsFile, 0o600);
    const dataDir = path.join(fixture.folder, 'registro');
    const run = fixture.service(['--data', dataDir, '--server', fixture.server.url, '--email', ADMIN.email, '--mail', '--mail-accounts', accountsFile, '--council-name', 'Ayuntamiento de Villanueva del Prado', '--log', 'json'], {
      VENTANILLA_PASSWORD: ADMIN.password,
    });
    await run.waitFor((line) => line.event === 'info' && String(line.message).includes(`1 account(s) from ${accountsFile}: ${MAILBOX.user}`), 'the account imported', 60_000);
    await run.waitFor((line) => line.event === 'sync' && line.state === 'online' && line.liveUpdates === true, 'online', 60_000);
    await run.waitFor((line) => line.event === 'mail' && JSON.stringify(line.accounts).includes('"state":"idle"'), 'the mailbox watched', 60_000);

    await dovecot.append([
      plainMail({
        from: 'Marta Ruiz <marta.ruiz@correo.test>',
        to: MAILBOX.user,
        subject: 'Licencia de obra menor para reformar la cocina',
        messageId: 'licencia-cocina@correo.test',
        text: 'Buenos días: quiero pedir una licencia de obra menor para reformar la cocina de mi casa. Gracias.',
      }),
    ]);

    // The automatic answer leaves, to the citizen, marked as automatic, with the ticket's reference.
    const [answer] = await smtp.waitFor(1, 60_000);
    expect(answer!.to).toEqual(['marta.ruiz@correo.test']);
    expect(answer!.headers.get('auto-submitted')).toBe('auto-replied');
    const tickets = () => serverDocuments(fixture.server.url, ADMIN, 'tickets') as Promise<(Ticket & DocumentState)[]>;
    await waitUntil(async () => (await tickets()).length === 1, 'the ticket on the central server');
    const [ticket] = await tickets();
    expect(ticket).toMatchObject({ subject: 'Licencia de obra menor para reformar la cocina', channel: 'email' });
    expect(ticket!.departmentId).not.toBe('');
    expect(String(answer!.headers.get('subject'))).toContain(`[#${ticket!.reference}]`);

    // The mail, the citizen and the answer's `sent` state reach the central server.
    await waitUntil(async () => {
      const messages = (await serverDocuments(fixture.server.url, ADMIN, 'messages')) as unknown as Message[];
      return messages.some((message) => message.kind === 'email_in' && message.ticketId === ticket!.id) && messages.some((message) => message.kind === 'email_out' && message.auto && message.outbox?.state === 'sent');
    }, 'the mail and its sent answer on the central server');
    const citizens = await serverDocuments(fixture.server.url, ADMIN, 'citizens');
    expect(citizens.filter((citizen) => (citizen.emails as string[]).includes('marta.ruiz@correo.test'))).toHaveLength(1);

    // The password went to the protected secrets file of the data folder, not to the accounts it keeps.
    expect(readFileSync(path.join(dataDir, 'mail', 'accounts.json'), 'utf8')).not.toContain(MAILBOX.password);
    expect(JSON.stringify(run.lines)).not.toContain(MAILBOX.password);
    run.child.kill('SIGTERM');
    const code = await run.exited;
    expect({ code, last: run.lines.at(-1) }).toEqual({ code: 0, last: expect.objectContaining({ event: 'stopped' }) });
  }, 180_000);
});
