// End-to-end tests of the whole system: the real central server, real workstation services and
// web hosts (e2e/fixtures.ts), and the screens in Debian's Chromium (shared/NOTES.md: Playwright
// cannot download its own browsers here). `npm run test:e2e` builds the screens first.
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './support/chromium';

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
