// The outbox on a clerk's real local database, replicating with the project's central server (run
// from its command line): a reply sent while the central server is down reaches the server as
// `sent` once it is back, and the other workstations never send it.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../core/schemas/messages';
import { openLocalDatabase, type LocalDatabase } from '../../store/local-database';
import { startSync, type SyncHandle } from '../../sync/index';
import { prepareCouncil, serverDocuments, startCentralServer, type CentralServer } from '../../sync/test-support/central-server';
import { ADMIN, ANA, COUNCIL, temporaryFolder, ticket } from '../../sync/test-support/council';
import { startTestSmtpServer, type TestSmtpServer } from '../test-support/smtp';
import { Outbox } from './outbox';
import { smtpAccount, waitForDocument } from './test-support/outbox-fixtures';

/** The server's copy of a message, once `predicate` holds for it (the server is asked every 100 ms). */
async function onServer(url: string, id: string, predicate: (message: Message) => boolean, timeoutMs = 20_000): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await serverDocuments(url, ADMIN, 'messages')).find((document) => document.id === id) as Message | undefined;
    if (found && predicate(found)) return found;
    if (Date.now() > deadline) throw new Error(`the server's copy of ${id} did not reach the expected state: ${JSON.stringify(found?.outbox)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the outbox with the central server', () => {
  let council: Awaited<ReturnType<typeof prepareCouncil>>;
  let temp: { folder: string; remove(): void };
  let server: CentralServer;
  let smtp: TestSmtpServer;
  let local: LocalDatabase;
  let sync: SyncHandle;
  let outbox: Outbox;

  beforeAll(async () => {
    council = await prepareCouncil(COUNCIL);
  }, 120_000);
  afterAll(() => council.remove());

  beforeEach(async () => {
    temp = temporaryFolder('ventanilla-outbox-sync-');
    council.copyTo(path.join(temp.folder, 'server'));
    server = await startCentralServer({ dataDir: path.join(temp.folder, 'server') });
    smtp = await startTestSmtpServer();
    local = await openLocalDatabase({ directory: path.join(temp.folder, 'ana'), name: 'ana' });
    sync = await startSync({ db: local.db, serverUrl: server.url, credentials: ANA, collections: ['tickets', 'messages'], backoff: { initialMs: 100, maxMs: 500 } });
    outbox = new Outbox({
      messages: local.db.messages,
      workstationId: 'ws-oac-centro-3',
      journalFile: path.join(temp.folder, 'ana', 'outbox.sqlite'),
      smtpAccountOf: () => smtpAccount(smtp.port),
      backoff: { initialMs: 200, maxMs: 1_000 },
    });
    outbox.start();
  }, 60_000);

  afterEach(async () => {
    await outbox.stop();
    await sync.stop();
    await local.close();
    await server.stop();
    await smtp.close();
    temp.remove();
  }, 60_000);

  it('sends while the central server is down, and the server learns it was sent once it is back', async () => {
    const now = Date.now();
    await local.db.tickets.insert(ticket('tkt-vado', now, { subject: 'Vado en la calle Real' }));
    await sync.awaitInSync();
    await server.stop();

    const queued = await outbox.queueReply({
      ticket: { id: 'tkt-vado', reference: '2026-7KQ4-M2XD', citizenId: '', subject: 'Vado en la calle Real' },
      to: [{ address: 'ana.ruiz@gmail.com' }],
      from: { address: 'registro@ayto.test' },
      mailDomain: 'ayto.test',
      text: 'Su solicitud de vado está en trámite.',
      authorId: 'usr-ana',
    });
    await smtp.waitFor(1);
    await waitForDocument(local.db.messages, queued.id, (message) => message.outbox?.state === 'sent');

    await server.restart();
    const copy = await onServer(server.url, queued.id, (message) => message.outbox?.state === 'sent');
    expect(copy.outbox).toMatchObject({ state: 'sent', workstationId: 'ws-oac-centro-3', attempts: 1 });
    expect(smtp.received).toHaveLength(1);
  });

  it('replicates each change of a reply\'s state, not only its first', async () => {
    await local.db.tickets.insert(ticket('tkt-ruido', Date.now()));
    await smtp.stop();
    const queued = await outbox.queueReply({
      ticket: { id: 'tkt-ruido', reference: '2026-7KQ4-M2XD', citizenId: '', subject: 'Ruido' },
      to: [{ address: 'ana.ruiz@gmail.com' }],
      from: { address: 'registro@ayto.test' },
      mailDomain: 'ayto.test',
      text: 'Hemos avisado a la Policía Local.',
    });
    const waiting = await onServer(server.url, queued.id, (message) => message.outbox?.state === 'queued' && (message.outbox.error ?? '').startsWith('No se puede conectar'));
    expect(waiting.outbox?.attempts).toBeGreaterThanOrEqual(1);
    await smtp.start();
    await onServer(server.url, queued.id, (message) => message.outbox?.state === 'sent');
  });
});
