// A reply whose ticket is routed to another department before it leaves: the ticket and its
// messages leave the clerk's replica (the central server sends them as deletions), and the
// reply must still reach the citizen, once, and its state must not be lost. Real central server
// (run from its command line), real SMTP server.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom, filter } from 'rxjs';
import type { Message } from '../../../core/schemas/messages';
import type { Ticket } from '../../../core/schemas';
import { openLocalDatabase, type LocalDatabase } from '../../store/local-database';
import { startSync, type SyncHandle } from '../../sync/index';
import { prepareCouncil, pushAs, serverDocuments, startCentralServer, type CentralServer } from '../../sync/test-support/central-server';
import { ADMIN, ANA, COUNCIL, temporaryFolder, ticket } from '../../sync/test-support/council';
import { startTestSmtpServer, type TestSmtpServer } from '../test-support/smtp';
import { waitUntil } from '../test-support/mail-fixture';
import { Outbox, type OutboxOptions } from './outbox';
import { messageIdOf, smtpAccount, waitForDocument } from './test-support/outbox-fixtures';

const WORKSTATION = 'ws-oac-centro-3';

/** The server's copy of a document, once `predicate` holds for it. */
async function onServer<T extends { id: string }>(url: string, collection: string, id: string, predicate: (document: T) => boolean): Promise<T> {
  let found: T | undefined;
  await waitUntil(async () => {
    found = (await serverDocuments(url, ADMIN, collection)).find((document) => document.id === id) as T | undefined;
    return found !== undefined && predicate(found);
  }, `the server's ${collection}/${id} in the expected state`, 20_000);
  return found!;
}

/** The administrator routes a ticket to another department on the server. */
async function route(url: string, ticketId: string, departmentId: string): Promise<void> {
  const held = await onServer<Ticket & { _deleted: boolean }>(url, 'tickets', ticketId, () => true);
  const { _deleted: _unused, ...stored } = held;
  await pushAs(url, ADMIN, 'tickets', [{ assumedMasterState: held, newDocumentState: { ...stored, departmentId, updatedAt: Date.now(), _deleted: false } }]);
}

describe('a reply whose ticket leaves the clerk\'s departments before it is sent', () => {
  let council: Awaited<ReturnType<typeof prepareCouncil>>;
  let temp: { folder: string; remove(): void };
  let server: CentralServer;
  let smtp: TestSmtpServer;
  let local: LocalDatabase;
  let sync: SyncHandle;
  const outboxes: Outbox[] = [];

  const openOutbox = () => {
    const options: OutboxOptions = {
      messages: local.db.messages,
      workstationId: WORKSTATION,
      journalFile: path.join(temp.folder, 'ana', 'outbox.sqlite'),
      smtpAccountOf: () => smtpAccount(smtp.port),
      backoff: { initialMs: 200, maxMs: 500 },
    };
    const outbox = new Outbox(options);
    outboxes.push(outbox);
    outbox.start();
    return outbox;
  };

  beforeAll(async () => {
    council = await prepareCouncil(COUNCIL);
  }, 120_000);
  afterAll(() => council.remove());

  beforeEach(async () => {
    temp = temporaryFolder('ventanilla-outbox-scope-');
    council.copyTo(path.join(temp.folder, 'server'));
    server = await startCentralServer({ dataDir: path.join(temp.folder, 'server') });
    smtp = await startTestSmtpServer();
    local = await openLocalDatabase({ directory: path.join(temp.folder, 'ana'), name: 'ana' });
    sync = await startSync({ db: local.db, serverUrl: server.url, credentials: ANA, collections: ['tickets', 'messages'], backoff: { initialMs: 100, maxMs: 500 } });
  }, 60_000);

  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((outbox) => outbox.stop()));
    await sync.stop();
    await local.close();
    await server.stop();
    await smtp.close();
    temp.remove();
  }, 60_000);

  it('still leaves once the mail server is back, and its state reaches the document when the ticket returns', async () => {
    let outbox = openOutbox();
    await local.db.tickets.insert(ticket('tkt-vado', Date.now(), { subject: 'Vado en la calle Real' }));
    await sync.awaitInSync();
    await smtp.stop();

    const queued = await outbox.queueReply({
      ticket: { id: 'tkt-vado', reference: '2026-7KQ4-M2XD', citizenId: '', subject: 'Vado en la calle Real' },
      to: [{ address: 'ana.ruiz@gmail.com' }],
      from: { address: 'registro@ayto.test' },
      mailDomain: 'ayto.test',
      text: 'Su solicitud de vado está en trámite; le llamaremos para la visita técnica.',
      authorId: 'usr-ana',
    });
    await waitForDocument(local.db.messages, queued.id, (message) => message.outbox?.state === 'queued' && message.outbox.attempts >= 1);
    await onServer<Message>(server.url, 'messages', queued.id, (message) => message.outbox?.state === 'queued');

    // Urbanismo hands the ticket to Padrón: it leaves Ana's replica with its messages.
    await route(server.url, 'tkt-vado', 'padron');
    await waitUntil(async () => (await local.db.messages.findOne(queued.id).exec()) === null, 'the reply gone from the replica', 20_000);
    await waitUntil(async () => (await local.db.tickets.findOne('tkt-vado').exec()) === null, 'the ticket gone from the replica', 20_000);
    // Still in this workstation's outbox, waiting for the mail server.
    const waiting = await firstValueFrom(outbox.outboxStatus$.pipe(filter((status) => status.items.some((item) => item.id === queued.id))));
    expect(waiting.items.find((item) => item.id === queued.id)).toMatchObject({ state: 'queued', to: ['ana.ruiz@gmail.com'] });

    await smtp.start();
    await outbox.sendNow();
    const [received] = await smtp.waitFor(1);
    expect(messageIdOf(received!)).toBe(queued.email!.messageId);
    expect(received!.to).toEqual(['ana.ruiz@gmail.com']);
    expect(received!.headers.get('subject')).toContain('[#2026-7KQ4-M2XD]');
    await firstValueFrom(outbox.outboxStatus$.pipe(filter((status) => status.items.every((item) => item.id !== queued.id))));

    // A restart while the ticket is away sends nothing again.
    await outbox.stop();
    outboxes.splice(0);
    outbox = openOutbox();
    await outbox.sendNow();

    // Padrón sends the ticket back: the reply returns with the last state the server had
    // (queued); the outbox writes `sent` into it instead of sending it again, and it replicates.
    await route(server.url, 'tkt-vado', 'urbanismo');
    const back = await waitForDocument(local.db.messages, queued.id, (message) => message.outbox?.state === 'sent', 20_000);
    expect(back.outbox).toMatchObject({ state: 'sent', workstationId: WORKSTATION });
    // The failed attempts while the mail server was down, and the one that went out while away.
    expect(back.outbox!.attempts).toBeGreaterThanOrEqual(2);
    expect(back.outbox!.sentAt).toBeGreaterThan(queued.createdAt);
    await onServer<Message>(server.url, 'messages', queued.id, (message) => message.outbox?.state === 'sent');
    await outbox.sendNow();
    expect(smtp.received).toHaveLength(1);
  }, 90_000);
});
