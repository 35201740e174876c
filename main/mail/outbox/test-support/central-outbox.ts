/**
 * For the outbox's tests with the project's central server (run from its command line): the test
 * council prepared once per file; for each test a server of its own, a real SMTP server, Ana's
 * local database replicating tickets and messages, and the outboxes the test opens on it — all
 * stopped and removed after the test.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { openLocalDatabase, type LocalDatabase } from '../../../store/local-database';
import { startSync, type SyncHandle } from '../../../sync/index';
import { prepareCouncil, serverDocuments, startCentralServer, type CentralServer } from '../../../sync/test-support/central-server';
import { ADMIN, ANA, COUNCIL, temporaryFolder } from '../../../sync/test-support/council';
import { waitUntil } from '../../test-support/mail-fixture';
import { startTestSmtpServer, type TestSmtpServer } from '../../test-support/smtp';
import { centralServerPublisher } from '../away-states';
import { Outbox, type OutboxOptions } from '../outbox';
import { smtpAccount } from './outbox-fixtures';

export type CentralOutboxBed = {
  readonly server: CentralServer;
  readonly smtp: TestSmtpServer;
  /** Ana's (clerk of Urbanismo) local database, replicating tickets and messages with the server. */
  readonly local: LocalDatabase;
  readonly sync: SyncHandle;
  /** Ana on the server, from the sync's sign-in: her user id (the author of her replies) and access token. */
  readonly session: { userId: string; accessToken: string };
  /**
   * An outbox on Ana's database, owned by `workstationId`, sending through the test's SMTP server,
   * pushing the states of replies away from the replica with Ana's token (as the workstation's
   * mail wiring does); started, and stopped after the test.
   */
  openOutbox(options?: Partial<OutboxOptions>): Outbox;
  /** Forgets the outboxes opened so far without stopping them (the test stopped them itself). */
  forgetOutboxes(): void;
};

export function useCentralServerOutbox(options: { workstationId: string }): CentralOutboxBed {
  let council: Awaited<ReturnType<typeof prepareCouncil>> | undefined;
  let state: { temp: { folder: string; remove(): void }; server: CentralServer; smtp: TestSmtpServer; local: LocalDatabase; sync: SyncHandle } | undefined;
  let session: { userId: string; accessToken: string } | undefined;
  const outboxes: Outbox[] = [];

  beforeAll(async () => {
    council = await prepareCouncil(COUNCIL);
  }, 120_000);
  afterAll(() => council?.remove());

  beforeEach(async () => {
    const temp = temporaryFolder('ventanilla-outbox-central-');
    council!.copyTo(path.join(temp.folder, 'server'));
    const server = await startCentralServer({ dataDir: path.join(temp.folder, 'server') });
    const smtp = await startTestSmtpServer();
    const local = await openLocalDatabase({ directory: path.join(temp.folder, 'ana'), name: 'ana' });
    const sync = await startSync({
      db: local.db,
      serverUrl: server.url,
      credentials: ANA,
      // The session bound to the outbox's workstation: the server takes the state of a reply away
      // from Ana's departments only from the workstation that sends it (server/replication/rights.ts).
      workstationId: options.workstationId,
      collections: ['tickets', 'messages'],
      backoff: { initialMs: 100, maxMs: 500 },
      onTokens: (tokens, user) => {
        session = { accessToken: tokens.accessToken, userId: user?.id ?? session?.userId ?? '' };
      },
    });
    state = { temp, server, smtp, local, sync };
  }, 60_000);

  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((outbox) => outbox.stop()));
    if (!state) return;
    const { temp, server, smtp, local, sync } = state;
    state = undefined;
    session = undefined;
    await sync.stop();
    await local.close();
    await server.stop();
    await smtp.close();
    temp.remove();
  }, 60_000);

  const current = () => {
    if (!state) throw new Error('the central server starts in beforeEach: use it inside a test');
    return state;
  };
  return {
    get server() {
      return current().server;
    },
    get smtp() {
      return current().smtp;
    },
    get local() {
      return current().local;
    },
    get sync() {
      return current().sync;
    },
    get session() {
      if (!session) throw new Error('Ana has not signed in to the central server yet');
      return session;
    },
    openOutbox(outboxOptions = {}) {
      const { server, smtp, local, temp } = current();
      const outbox = new Outbox({
        messages: local.db.messages,
        workstationId: options.workstationId,
        journalFile: path.join(temp.folder, 'ana', 'outbox.sqlite'),
        smtpAccountOf: () => smtpAccount(smtp.port),
        backoff: { initialMs: 200, maxMs: 1_000 },
        publishAwayState: centralServerPublisher({
          serverUrl: server.url,
          accessToken: () => (session ? Promise.resolve(session.accessToken) : Promise.reject(new Error('not signed in yet'))),
        }),
        ...outboxOptions,
      });
      outboxes.push(outbox);
      outbox.start();
      return outbox;
    },
    forgetOutboxes() {
      outboxes.splice(0);
    },
  };
}

/** The server's copy of a document as the administrator pulls it, once `predicate` holds for it. */
export async function serverCopy<T extends { id: string }>(url: string, collection: string, id: string, predicate: (document: T) => boolean, timeoutMs = 20_000): Promise<T> {
  let found: T | undefined;
  await waitUntil(
    async () => {
      found = (await serverDocuments(url, ADMIN, collection)).find((document) => document.id === id) as T | undefined;
      return found !== undefined && predicate(found);
    },
    `the server's ${collection}/${id} in the expected state`,
    timeoutMs,
  );
  return found!;
}
