// The Electron app itself, through Playwright's `_electron`: runs wherever the Electron binary is
// installed (`npm install` downloads it where it can; not on these build machines, where the web
// host carries every other end-to-end test). Needs `npm run build && npm run build:electron`.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { _electron as electron } from '@playwright/test';
import { expect, test } from './fixtures';
import { ROOT } from './support/paths';

function electronBinary(): string | undefined {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
const entry = path.join(ROOT, 'out', 'main', 'index.js');

test.describe('the Electron app', () => {
  test.skip(!binary, 'no Electron binary on this machine (it cannot be downloaded here: ELECTRON_SKIP_BINARY_DOWNLOAD)');
  test.skip(!!binary && !existsSync(entry), 'the Electron bundle is missing: run npm run build:electron');

  test('opens a hardened window on the sign-in screen, and a clerk signs in', async ({ centralServer, dataRoot }) => {
    const app = await electron.launch({ executablePath: binary!, args: [entry], env: { ...process.env, VENTANILLA_WORKSTATION_DATA: path.join(dataRoot, 'electron') } });
    try {
      const window = await app.firstWindow();
      // getLastWebPreferences() is Electron's, missing from the types of the electron package here.
      const preferences = await app.evaluate(({ BrowserWindow }) => (BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences(): unknown }).getLastWebPreferences());
      expect(preferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false });
      // The page has the bridge and nothing of Node.
      expect(await window.evaluate(() => [typeof (window as unknown as { ventanilla?: unknown }).ventanilla, typeof (globalThis as { process?: unknown }).process])).toEqual(['object', 'undefined']);
      // Navigating away is refused: the page stays the app.
      await window.evaluate(() => ((globalThis as unknown as { location: { href: string } }).location.href = 'https://example.org/'));
      await expect.poll(() => window.url()).toMatch(/^app:\/\/ventanilla\//);

      const clerk = centralServer.account('clerk');
      const form = window.getByRole('form', { name: 'Entrar en Ventanilla' });
      await form.getByLabel('Dirección del servidor').fill(centralServer.url);
      await form.getByLabel('Correo electrónico').fill(clerk.email);
      await form.getByLabel('Contraseña').fill(clerk.password);
      await form.getByRole('button', { name: 'Entrar' }).click();
      await expect(window.getByText('En línea')).toBeVisible();
    } finally {
      await app.close();
    }
  });
});
