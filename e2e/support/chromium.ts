// Debian's Chromium, as shared/NOTES.md says it must be launched here: its own binary, no
// sandbox (root in a container), and no background networking (without these flags Chromium
// keeps trying to reach Google's services and gets refused). Playwright gives every browser a
// fresh profile (user-data-dir) of its own.
import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

export const CHROMIUM = process.env.VENTANILLA_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Loopback only: never through a proxy the machine may have configured.
  '--no-proxy-server',
];

export function chromiumLaunchOptions(): LaunchOptions {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set VENTANILLA_CHROMIUM)`);
  return { executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true };
}
