// The fixtures of every end-to-end test (STYLE.md, Tests): each test gets its own data folder, its
// own central server (a copy of the demo council seeded once per run, on a free loopback port) and
// as many workstations as it asks for — each a real web host with its own workstation service
// process and data folder, opened in a browser context of its own. Everything is stopped and
// removed after the test, whatever happened.
import { cpSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { freePort, startCentralServerProcess, type CentralServerProcess } from '../main/host/central-server-process';
import { readDemoCouncil, type DemoAccount, type DemoCouncil } from '../main/host/demo-council';
import { startWebHost, type WebHost } from '../main/host/web-host';
import { createOwnedFolder } from '../test-support/owned-folder';
import { RENDERER_DIR } from './support/paths';

export type CentralServer = {
  readonly url: string;
  readonly council: DemoCouncil;
  /** A demo account by role or e-mail (the first of its role). */
  account(which: DemoAccount['role'] | string): DemoAccount & { password: string };
  /** Stops it (the workstations go offline); `start` brings it back on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
};

export type Workstation = {
  readonly name: string;
  readonly host: WebHost;
  readonly page: Page;
  readonly context: BrowserContext;
  readonly dataDir: string;
};

type Fixtures = {
  dataRoot: string;
  centralServer: CentralServer;
  /** Starts a workstation (web host + service, its own data folder) and opens it in its own browser context. */
  workstation: (name: string) => Promise<Workstation>;
  /** Starts a web host without opening it: for tests of the host itself. */
  webHost: (name: string) => Promise<WebHost>;
};

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  dataRoot: async ({}, use) => {
    // Owned (test-support/owned-folder.ts): a run stopped by Ctrl-C or killed leaves none behind for long.
    const folder = createOwnedFolder('e2e');
    await use(folder.path);
    folder.remove();
  },

  centralServer: async ({ dataRoot }, use, testInfo) => {
    const template = process.env.VENTANILLA_E2E_COUNCIL;
    if (!template) throw new Error('VENTANILLA_E2E_COUNCIL is not set: run through e2e/playwright.config.ts (its global setup seeds the council)');
    const dataDir = path.join(dataRoot, 'server');
    cpSync(template, dataDir, { recursive: true });
    const council = readDemoCouncil(dataDir);
    if (!council) throw new Error(`no demo council in ${template}`);
    const port = await freePort();
    let running: CentralServerProcess | undefined = await startCentralServerProcess({ dataDir, port });
    const server: CentralServer = {
      url: running.url,
      council,
      account(which) {
        const found = council.accounts.find((account) => account.email === which || account.role === which);
        if (!found) throw new Error(`no demo account ${which}`);
        return { ...found, password: council.password };
      },
      async stop() {
        await running?.stop();
        running = undefined;
      },
      async start() {
        running ??= await startCentralServerProcess({ dataDir, port });
      },
    };
    await use(server);
    if (running && testInfo.status !== testInfo.expectedStatus) await testInfo.attach('central-server.log', { body: running.log(), contentType: 'text/plain' });
    await running?.stop();
  },

  webHost: async ({ dataRoot }, use, testInfo) => {
    const hosts: WebHost[] = [];
    // The hosts' and services' logs, attached to the report of a test that failed.
    const log: string[] = [];
    await use(async (name) => {
      const host = await startWebHost({
        dataDir: path.join(dataRoot, 'workstations', name),
        rendererDir: RENDERER_DIR,
        log: (line) => log.push(`[${name}] ${line}\n`),
        serviceLog: (text) => log.push(`[${name}] ${text}`),
      });
      hosts.push(host);
      return host;
    });
    await Promise.all(hosts.map((host) => host.close()));
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('workstations.log', { body: log.join(''), contentType: 'text/plain' });
  },

  workstation: async ({ browser, webHost, dataRoot }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (name) => {
      const host = await webHost(name);
      const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid' });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(host.url);
      return { name, host, page, context, dataDir: path.join(dataRoot, 'workstations', name) };
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});

export { expect };
