// The workstation service in an Electron utilityProcess (main/host/service-process.ts): SQLite,
// sync and search off the main thread. Each window asks for a connection through the preload;
// the main process makes a MessageChannel and gives one end to the window, the other to the
// service, and is out of the path from then on. The main process keeps one connection of its own
// to hear `ticket:assigned` for notifications.
import path from 'node:path';
import { MessageChannelMain, safeStorage, utilityProcess, type IpcMainEvent, type UtilityProcess } from 'electron';
import type { AppEvents } from '../../core/app-api';
import { BRIDGE_IPC } from '../../core/app-api/bridge';
import { SERVICE_EXEC_ARGV } from '../host/service-flags';
import { mailSecretsMessage } from './mail-secrets-key';

export type ServiceHost = {
  /** The `ipcMain.on(BRIDGE_IPC.connect)` handler: hands the asking window a port to the service. */
  connectWindow(event: IpcMainEvent): void;
  /** Listens to the service's events from the main process. */
  onEvent<E extends keyof AppEvents>(event: E, listener: (value: AppEvents[E]) => void): void;
  stop(): Promise<void>;
};

export async function startServiceHost(entry: string, dataDir: string, log: (line: string) => void): Promise<ServiceHost> {
  const child: UtilityProcess = utilityProcess.fork(entry, [], {
    serviceName: 'Ventanilla workstation service',
    execArgv: [...SERVICE_EXEC_ARGV],
    env: { ...process.env, VENTANILLA_WORKSTATION_DATA: dataDir },
    stdio: 'inherit',
  });
  // The first message: the key that seals the mail passwords, which the utility process cannot
  // ask the keychain for itself (main/shell/mail-secrets-key.ts). Queued until the service listens.
  child.postMessage(mailSecretsMessage(safeStorage, path.join(dataDir, 'mail-secrets.key'), { log }));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the workstation service exited while starting (code ${code})`)));
    child.on('message', (message: { kind?: string }) => {
      if (message?.kind === 'ready') resolve();
    });
  });
  log(`workstation service ready (pid ${child.pid})`);

  const listeners = new Map<string, Set<(value: unknown) => void>>();
  const own = new MessageChannelMain();
  child.postMessage({ type: 'connect' }, [own.port1]);
  own.port2.on('message', (message) => {
    try {
      const parsed = JSON.parse(String(message.data)) as { t?: string; event?: string; value?: unknown };
      if (parsed.t === 'event' && parsed.event) for (const listener of listeners.get(parsed.event) ?? []) listener(parsed.value);
    } catch {
      // Not ours to fix here; the service logs its own failures.
    }
  });
  own.port2.start();

  return {
    connectWindow(event) {
      const { port1, port2 } = new MessageChannelMain();
      child.postMessage({ type: 'connect' }, [port1]);
      event.sender.postMessage(BRIDGE_IPC.port, null, [port2]);
    },
    onEvent(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (value: unknown) => void);
    },
    async stop() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.postMessage({ type: 'stop' });
      const timer = setTimeout(() => child.kill(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
