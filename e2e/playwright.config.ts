// End-to-end tests of the whole system: the real central server, real workstation services and
// web hosts (e2e/fixtures.ts), and the screens in Debian's Chromium (shared/NOTES.md: Playwright
// cannot download its own browsers here). `npm run test:e2e` builds the screens and the web host first.
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { bundleProblem } from '../main/host/bundle-freshness';
import { HOST_BUNDLE_DIR, HOST_BUNDLE_ENTRIES } from '../main/host/service-launch';
import { chromiumLaunchOptions } from './support/chromium';

// The fixtures' web hosts start the built workstation service (out/host, which `npm run build`
// makes) under plain node, as a clerk's PC runs it; without a current build, the sources through
// tsx (main/host/service-launch.ts). Say so once, rather than let a run test the other setup unnoticed.
const unbuilt = bundleProblem(HOST_BUNDLE_DIR, fileURLToPath(new URL('../', import.meta.url)), HOST_BUNDLE_ENTRIES);
if (unbuilt && process.env.VENTANILLA_SERVICE_FROM !== 'source') {
  console.warn(`e2e: the built workstation service is not usable (${unbuilt}): the tests run it from the sources through tsx. "npm run test:e2e" builds it first.`);
}

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  // A demo council seeded once per run, copied for each test (fixtures.ts).
  globalSetup: './support/global-setup.ts',
  // Each test runs a central server, a web host and a service process or two: two at a time on
  // a small machine, no more.
  workers: 2,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  // Playwright empties this folder when a run starts: two runs at once need two folders.
  outputDir: process.env.VENTANILLA_E2E_OUTPUT ?? '../test-results/e2e',
  use: {
    browserName: 'chromium',
    locale: 'es-ES',
    timezoneId: 'Europe/Madrid',
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
