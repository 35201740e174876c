// The workstation service in an Electron utilityProcess (main/host/service-process.ts): SQLite,
// sync and search off the main thread. Each window asks for a connection through the preload;
// the main process makes a MessageChannel and gives one end to the window, the other to the
// service, and is out of the path from then on. The main process keeps one connection of its own
// (service-port-client.ts) to hear `ticket:assigned` and `ticket:escalated` for notifications.
import path from 'node:path';
import { MessageChannelMain, safeStorage, utilityProcess, type IpcMainEvent, type UtilityProcess } from 'electron';
import { BRIDGE_IPC } from '../../core/app-api/bridge';
import { SERVICE_EXEC_ARGV } from '../host/service-flags';
import { mailSecretsMessage } from './mail-secrets-key';
import { ShellServiceClient } from './service-port-client';

export type ServiceHost = {
  /** The `ipcMain.on(BRIDGE_IPC.connect)` handler: hands the asking window a port to the service. */
  connectWindow(event: IpcMainEvent): void;
  /** The main process's own connection: the service's events, and app API calls. */
  readonly client: ShellServiceClient;
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

  const own = new MessageChannelMain();
  child.postMessage({ type: 'connect' }, [own.port1]);
  const client = new ShellServiceClient({ post: (text) => own.port2.postMessage(text) });
  own.port2.on('message', (message) => client.receive(String(message.data)));
  own.port2.on('close', () => client.close('the workstation service closed the connection'));
  own.port2.start();

  return {
    connectWindow(event) {
      const { port1, port2 } = new MessageChannelMain();
      child.postMessage({ type: 'connect' }, [port1]);
      event.sender.postMessage(BRIDGE_IPC.port, null, [port2]);
    },
    client,
    async stop() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.postMessage({ type: 'stop' });
      const timer = setTimeout(() => child.kill(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
