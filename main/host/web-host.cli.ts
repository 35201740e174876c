/**
 * The workstation in a browser: the web host on 127.0.0.1, serving the built screens and the
 * workstation service (which it starts as a child process).
 *
 *   npm run web -- [--data ./data/workstation] [--port 0] [--renderer dist/renderer] [--open]
 *
 * `npm run web` builds this process and the service into out/host and runs them with plain node
 * (vite.host.config.ts); `npx tsx main/host/web-host.cli.ts` runs the sources (service-launch.ts).
 *
 * Prints the address to open, with this start's secret in its fragment. Stops cleanly on
 * SIGINT/SIGTERM (the service closes its database); a second Ctrl-C (SIGINT) exits at once.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ownBundleProblem } from './service-launch';
import { startWebHost } from './web-host';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.join('data', 'workstation') },
    port: { type: 'string', default: '0' },
    renderer: { type: 'string', default: path.join('dist', 'renderer') },
    open: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('usage: npm run web -- [--data FOLDER] [--port N] [--renderer FOLDER] [--open]');
  process.exit(0);
}
// Built (out/host/web-host.cli.js, `npm run web`): never yesterday's code after an edit or a pull.
const stale = ownBundleProblem();
if (stale) {
  console.error(`[web-host] ${stale}`);
  process.exit(1);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, not ${values.port}`);

const host = await startWebHost({
  dataDir: path.resolve(values.data!),
  rendererDir: path.resolve(values.renderer!),
  port,
  log: (line) => console.error(`[web-host] ${line}`),
});
console.log(`Ventanilla en el navegador: ${host.url}`);
if (values.open) openInBrowser(host.url);

// Ctrl-C reaches this process and its launcher (npm start) at once, and the launcher then sends
// SIGTERM: only a second Ctrl-C means "now", so a launcher's SIGTERM never cuts the close short.
let closing: Promise<void> | undefined;
const stop = (signal: NodeJS.Signals) => {
  if (closing && signal === 'SIGINT') process.exit(130);
  closing ??= host.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/** xdg-open where there is a desktop; saying the address is enough where there is none. */
export function openInBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => console.error(`(no se ha podido abrir el navegador con ${opener}: abra la dirección a mano)`));
    child.unref();
  } catch {
    console.error(`(no se ha podido abrir el navegador: abra la dirección a mano)`);
  }
}
