// The shared setup of the workstation service's tests against the project's real central server:
// one server with a council for the test file, and the services and data folders each test opens,
// stopped and removed after it.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { prepareCouncil, startCentralServer, type CentralServer, type CouncilSetup } from '../../sync/test-support/central-server';
import { COUNCIL, temporaryFolder } from '../../sync/test-support/council';
import type { AppService } from '../app-service';

export type CouncilServer = {
  /** The running server (started in beforeAll). */
  readonly server: CentralServer;
  /** Its data folder, for the server's command line (`--data`), which may run beside it. */
  readonly serverDataDir: string;
  /** Services a test opened: stopped after it. */
  readonly services: AppService[];
  /** Data folders a test made: removed after it. */
  readonly folders: { remove(): void }[];
};

export function councilServer(name: string, council: CouncilSetup = COUNCIL): CouncilServer {
  let server: CentralServer | undefined;
  let serverFolder: { folder: string; remove(): void } | undefined;
  const services: AppService[] = [];
  const folders: { remove(): void }[] = [];

  beforeAll(async () => {
    const prepared = await prepareCouncil(council);
    serverFolder = temporaryFolder(`ventanilla-${name}-server-`);
    prepared.copyTo(serverFolder.folder);
    prepared.remove();
    server = await startCentralServer({ dataDir: serverFolder.folder });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    serverFolder?.remove();
  });

  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop();
    for (const folder of folders.splice(0)) folder.remove();
  });

  return {
    get server() {
      if (!server) throw new Error('the central server starts in beforeAll');
      return server;
    },
    get serverDataDir() {
      if (!serverFolder) throw new Error('the central server starts in beforeAll');
      return serverFolder.folder;
    },
    services,
    folders,
  };
}
