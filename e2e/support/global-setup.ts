// Once per run: checks that the screens are built, and seeds the demo council (core/demo's
// Villanueva del Prado, with demo accounts) on a central server in a template folder that every
// test copies (seeding takes a few seconds per account; copying a folder, milliseconds). The
// template lives in an owned folder (test-support/owned-folder.ts): a run stopped by Ctrl-C or
// killed leaves none behind for long.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, startCentralServerProcess } from '../../main/host/central-server-process';
import { seedDemoCouncil } from '../../main/host/demo-council';
import { RENDERER_DIR } from './paths';
import { createOwnedFolder } from '../../test-support/owned-folder';

/** Tickets in the e2e council: enough for real inboxes, few enough to replicate in a second or two. */
export const E2E_TICKETS = 200;

export default async function globalSetup(): Promise<() => void> {
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`the screens are not built (${RENDERER_DIR}): run "npm run build" first, or "npm run test:e2e", which does`);
  }
  const owned = createOwnedFolder('e2e-council');
  // A folder inside it: every test copies the template, and must not copy the owner file with it.
  const template = path.join(owned.path, 'council');
  mkdirSync(template);
  const server = await startCentralServerProcess({ dataDir: template, port: await freePort() });
  try {
    await seedDemoCouncil({ serverDataDir: template, serverUrl: server.url, tickets: E2E_TICKETS });
  } finally {
    await server.stop();
  }
  process.env.VENTANILLA_E2E_COUNCIL = template;
  return () => owned.remove();
}
