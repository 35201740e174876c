// The central server on PostgreSQL, and PostgreSQL restarted (the cluster stopped and started, as
// an operator or a failover would) while two workstations stay connected to the server: they
// recover by themselves, and what is written afterwards — or during the outage — reaches the other.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serverDocuments, setupCouncil, startCentralServer, type CentralServer } from './test-support/central-server';
import { ADMIN, ANA, COUNCIL, LUIS, temporaryFolder, ticket } from './test-support/council';
import { startPostgres, type TestPostgres } from '../../test-support/postgres';
import { startWorkstation, type Workstation } from './test-support/workstation-process';
import { fastRetries } from './test-support/sync-fixture';

describe('a central server on PostgreSQL', () => {
  let postgres: TestPostgres;
  let tmp: ReturnType<typeof temporaryFolder>;
  let server: CentralServer | undefined;
  const workstations: Workstation[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
    tmp = temporaryFolder('ventanilla-sync-pg-');
    await setupCouncil(path.join(tmp.folder, 'server'), COUNCIL, postgres.url);
  }, 120_000);
  afterEach(async () => {
    await Promise.all(workstations.splice(0).map((workstation) => workstation.stop()));
    await server?.stop();
    server = undefined;
  }, 60_000);
  afterAll(async () => {
    await postgres?.stop();
    tmp?.remove();
  }, 60_000);

  const online = (workstation: Workstation, what: string) =>
    workstation.waitForStatus((status) => status.state === 'online' && status.liveUpdates, 30_000, `${what} online`);

  it('keeps two connected workstations syncing through a PostgreSQL restart, with no help', async () => {
    server = await startCentralServer({ dataDir: path.join(tmp.folder, 'server'), databaseUrl: postgres.url });
    const ana = await startWorkstation({ dataDir: path.join(tmp.folder, 'ana'), serverUrl: server.url, ...ANA, ...fastRetries });
    workstations.push(ana);
    const luis = await startWorkstation({ dataDir: path.join(tmp.folder, 'luis'), serverUrl: server.url, ...LUIS, ...fastRetries });
    workstations.push(luis);
    await Promise.all([online(ana, 'Ana'), online(luis, 'Luis')]);
    const now = Date.now();
    await ana.insert('tickets', [ticket('t-before', now)]);
    await luis.waitFor('tickets', 't-before');

    await postgres.restart({
      whileDown: async () => {
        // Written while the database is down: the server answers 503, the workstation keeps it.
        await ana.insert('tickets', [ticket('t-during', now + 1)]);
        const waiting = await ana.waitForStatus((status) => status.state === 'offline' && status.pendingPushes === 1, 20_000, 'Ana waiting for the database');
        expect(waiting.lastErrorCode).toBe('unavailable');
      },
    });

    // Nobody restarts anything on the workstations: the change written during the outage goes
    // through, and a change made after the restart reaches the other workstation live.
    await ana.waitForStatus((status) => status.state === 'online' && status.pendingPushes === 0, 30_000, 'Ana back online');
    await luis.waitFor('tickets', 't-during', { timeoutMs: 30_000 });
    await luis.insert('tickets', [ticket('t-after', now + 2)]);
    await ana.waitFor('tickets', 't-after', { timeoutMs: 30_000 });
    await Promise.all([online(ana, 'Ana'), online(luis, 'Luis')]);
    await Promise.all([ana.awaitInSync(), luis.awaitInSync()]);

    const held = (await serverDocuments(server.url, ADMIN, 'tickets')).map((document) => document.id).sort();
    expect(held).toEqual(['t-after', 't-before', 't-during']);
    expect(await ana.dump('tickets')).toEqual(await luis.dump('tickets'));
  }, 180_000);
});
