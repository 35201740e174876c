// The Electron entry: wiring only (STYLE.md). Every rule lives in main/shell/ with its own test;
// the work — SQLite, sync, search — runs in the workstation service's utilityProcess.
import { BrowserWindow, Notification, app, ipcMain, net, protocol, screen, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BRIDGE_IPC } from '../core/app-api/bridge';
import { appSchemePrivileges, serveAppScheme } from './shell/app-protocol';
import { APP_ORIGIN, isExternalUrl, lockNavigation } from './shell/navigation';
import { wireNotifications } from './shell/notifications';
import { denyAllPermissions } from './shell/permissions';
import { startServiceHost, type ServiceHost } from './shell/service-host';
import { holdSingleInstance } from './shell/single-instance';
import { insecurePreferences, secureWebPreferences } from './shell/web-preferences';
import { initialBounds, readWindowState, writeWindowState } from './shell/window-state';

// The bundle (main/shell/vite.electron.config.ts) puts index.js, preload.cjs, service-process.js
// side by side in out/main, and the screens in dist/renderer.
const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..');
const RENDERER = path.join(ROOT, 'dist', 'renderer');
const log = (line: string) => console.error(`[ventanilla] ${line}`);

let window: BrowserWindow | undefined;
let service: ServiceHost | undefined;

protocol.registerSchemesAsPrivileged(appSchemePrivileges());

if (holdSingleInstance(app, () => showWindow())) {
  app.on('web-contents-created', (_event, contents) => lockNavigation(contents, (url) => void shell.openExternal(url)));
  app.whenReady().then(start, (error: unknown) => {
    log(`could not start: ${String(error)}`);
    app.exit(1);
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (!service) return;
    event.preventDefault();
    const stopping = service;
    service = undefined;
    void stopping.stop().finally(() => app.quit());
  });
}

async function start(): Promise<void> {
  denyAllPermissions(session.defaultSession);
  serveAppScheme(protocol, net, RENDERER);
  const dataDir = process.env.VENTANILLA_WORKSTATION_DATA ?? path.join(app.getPath('userData'), 'workstation');
  service = await startServiceHost(path.join(here, 'service-process.js'), dataDir, log);
  ipcMain.on(BRIDGE_IPC.connect, (event) => {
    if (!window || event.sender !== window.webContents) return;
    service?.connectWindow(event);
  });
  ipcMain.on(BRIDGE_IPC.openExternal, (event, url: unknown) => {
    if (window && event.sender === window.webContents && typeof url === 'string' && isExternalUrl(url)) void shell.openExternal(url);
  });
  // Assigned to me, and a supervisor's escalations: native notifications in the clerk's language.
  wireNotifications(service.client, {
    create: (options) => new Notification(options),
    isSupported: () => Notification.isSupported(),
    open: (route) => {
      showWindow();
      void window?.loadURL(`${APP_ORIGIN}/#/${route}`);
    },
    log,
  });
  showWindow();
}

function showWindow(): void {
  if (window) {
    if (window.isMinimized()) window.restore();
    window.focus();
    return;
  }
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const state = readWindowState(stateFile);
  const webPreferences = secureWebPreferences(path.join(here, 'preload.cjs'));
  const problems = insecurePreferences(webPreferences);
  if (problems.length > 0) throw new Error(`refusing to open an insecure window: ${problems.join(', ')}`);
  window = new BrowserWindow({
    ...initialBounds(state, screen.getAllDisplays().map((display) => display.workArea)),
    minWidth: 800,
    minHeight: 560,
    title: 'Ventanilla',
    show: false,
    webPreferences,
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window?.show());
  window.on('close', () => {
    if (!window) return;
    writeWindowState(stateFile, { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
  });
  window.on('closed', () => (window = undefined));
  void window.loadURL(`${APP_ORIGIN}/`);
}
