/**
 * The workstation service process: the clerk's session, local database, sync, search and
 * presence, behind the app API and the remote storage (app-service.ts). Heavy work lives here so
 * that neither a browser tab's host nor Electron's main thread ever waits on SQLite.
 *
 * The same module runs in both homes; only how connections arrive differs:
 * - an Electron `utilityProcess`: each window's MessagePort comes over `process.parentPort`
 *   (`{type: 'connect'}` with the port transferred), one connection per port;
 * - a Node child process of the web host (`fork`, IPC): the host relays each WebSocket as
 *   `{conn, kind: 'open' | 'message' | 'close', text}` on the IPC channel.
 *
 * The data folder comes from VENTANILLA_WORKSTATION_DATA. The process says `{kind: 'ready'}`
 * once the last session is open again, and stops cleanly on SIGTERM/SIGINT or when its parent goes.
 */
import path from 'node:path';
import { AppService, type ServiceConnection } from './app-service';

/** Electron's `MessagePortMain`, as far as this module uses it (main/ does not import electron). */
type PortLike = {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
};
type ParentPortLike = {
  on(event: 'message', listener: (event: { data: unknown; ports: PortLike[] }) => void): void;
  postMessage(message: unknown): void;
};

/** What the web host sends on the IPC channel. */
export type HostToService = { conn: number; kind: 'open' | 'message' | 'close'; text?: string };
/** What the service sends back. */
export type ServiceToHost = { kind: 'ready' } | { kind: 'message'; conn: number; text: string } | { kind: 'close'; conn: number; reason: string };

const log = (line: string) => process.stderr.write(`[workstation-service] ${line}\n`);

async function main(): Promise<void> {
  const dataDir = process.env.VENTANILLA_WORKSTATION_DATA;
  if (!dataDir) throw new Error('VENTANILLA_WORKSTATION_DATA must name the workstation data folder');
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  // In the app, the shell's first message is the key that seals mail passwords (OS keychain;
  // mail/shell-secrets.ts). Imported here only, so that the web host's service does not load it.
  const shell = parentPort ? await import('./mail/shell-secrets') : undefined;
  const secrets = parentPort && shell ? shell.mailSecretBoxes(await shell.mailSecretsFromShell(parentPort), log) : undefined;
  const service = new AppService({ dataDir: path.resolve(dataDir), log, ...(secrets && { mail: { secrets } }) });
  await service.start();

  let stopping: Promise<void> | undefined;
  const stop = (why: string) => {
    stopping ??= (async () => {
      log(`stopping (${why})`);
      try {
        await service.stop();
      } catch (error) {
        log(`stopping failed: ${String(error)}`);
        process.exitCode = 1;
      }
      process.exit();
    })();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  if (parentPort) {
    parentPort.on('message', (event) => {
      const data = event.data as { type?: unknown } | null;
      if (data?.type === 'stop') return stop('asked by the app');
      const port = event.ports[0];
      if (data?.type !== 'connect' || !port) return;
      const connection = service.connect({ send: (text) => port.postMessage(text), close: () => port.close() });
      port.on('message', (message) => {
        if (typeof message.data === 'string') connection.receive(message.data);
      });
      port.on('close', () => connection.closed());
      port.start();
    });
    parentPort.postMessage({ kind: 'ready' } satisfies ServiceToHost);
    return;
  }

  if (!process.send) throw new Error('the workstation service runs as a child process (web host) or an Electron utilityProcess');
  const send = (message: ServiceToHost) => {
    if (process.connected) process.send!(message);
  };
  const connections = new Map<number, ServiceConnection>();
  process.on('message', (raw: unknown) => {
    const message = raw as HostToService;
    if (typeof message !== 'object' || message === null || typeof message.conn !== 'number') return;
    if (message.kind === 'open') {
      const conn = message.conn;
      connections.set(
        conn,
        service.connect({
          send: (text) => send({ kind: 'message', conn, text }),
          close: (reason) => {
            connections.get(conn)?.closed();
            connections.delete(conn);
            send({ kind: 'close', conn, reason });
          },
        }),
      );
    } else if (message.kind === 'message' && typeof message.text === 'string') {
      connections.get(message.conn)?.receive(message.text);
    } else if (message.kind === 'close') {
      connections.get(message.conn)?.closed();
      connections.delete(message.conn);
    }
  });
  // The web host went away: nobody can reach this service any more.
  process.on('disconnect', () => stop('the web host disconnected'));
  send({ kind: 'ready' });
}

main().catch((error: unknown) => {
  log(`could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
