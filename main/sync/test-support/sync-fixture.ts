// The setting of the sync tests: a council prepared once per file, then for each test a fresh
// central server (a child process) on a copy of it, and the workstations the test starts,
// all stopped and removed after the test.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { prepareCouncil, startCentralServer, type CentralServer } from './central-server';
import { COUNCIL, temporaryFolder } from './council';
import { startWorkstation, type Workstation } from './workstation-process';

export const fastRetries = { backoff: { initialMs: 100, maxMs: 1_000 } };

export type SyncFixture = {
  /** This test's folder: `server/` holds the central server's data, one folder per workstation. */
  readonly folder: string;
  /** The running central server; a test may replace it (a restart with other settings). */
  server: CentralServer;
  /** Every workstation started in this test, stopped after it. */
  readonly workstations: Workstation[];
  /** Starts a workstation process signed in as `credentials`; `online` waits until it is live. */
  workstation(name: string, credentials: { email: string; password: string }, options?: { online?: boolean }): Promise<Workstation>;
};

export function useSyncFixture(prefix: string): SyncFixture {
  let council: Awaited<ReturnType<typeof prepareCouncil>>;
  let tmp: ReturnType<typeof temporaryFolder>;
  let server: CentralServer | undefined;
  const workstations: Workstation[] = [];

  beforeAll(async () => {
    council = await prepareCouncil(COUNCIL);
  }, 60_000);
  afterAll(() => council.remove());

  beforeEach(async () => {
    tmp = temporaryFolder(prefix);
    council.copyTo(path.join(tmp.folder, 'server'));
    server = await startCentralServer({ dataDir: path.join(tmp.folder, 'server') });
  }, 60_000);

  afterEach(async () => {
    await Promise.all(workstations.splice(0).map((workstation) => workstation.stop()));
    await server?.stop();
    server = undefined;
    tmp.remove();
  }, 60_000);

  return {
    get folder() {
      return tmp.folder;
    },
    get server() {
      return server!;
    },
    set server(replacement: CentralServer) {
      server = replacement;
    },
    workstations,
    async workstation(name, credentials, { online = false } = {}) {
      const started = await startWorkstation({ dataDir: path.join(tmp.folder, name), serverUrl: server!.url, ...credentials, ...fastRetries });
      workstations.push(started);
      if (online) await started.waitForStatus((status) => status.state === 'online' && status.liveUpdates, 20_000, `${name} online`);
      return started;
    },
  };
}
