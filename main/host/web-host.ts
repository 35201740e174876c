// The web host: the workstation in a browser. It serves the built screens and one WebSocket
// endpoint on 127.0.0.1 only, and relays each WebSocket to the workstation service, which it
// runs as a child process (service-process.ts). It refuses everything else (DESIGN.md, Security):
// - a Host header other than this address (DNS rebinding: a hostile site resolving its own name
//   to 127.0.0.1 reaches us with its own Host),
// - a WebSocket from another Origin (any web page may open a WebSocket to localhost),
// - a WebSocket without this start's secret, which the page gets in its URL fragment (never sent
//   over HTTP, so never in a log or a Referer) and offers as a subprotocol in the handshake.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES, SECRET_SUBPROTOCOL_PREFIX, WEB_SUBPROTOCOL } from '../../core/app-api/protocol';
import type { HostToService, ServiceToHost } from './service-process';
import { serviceLaunch, type ServiceFrom, type ServiceLaunch } from './service-launch';
import { serveStatic } from './static-files';

export const WEBSOCKET_PATH = '/ws';

export type WebHostOptions = {
  /** The workstation's data folder (the service's). */
  dataDir: string;
  /** The built screens (vite's output folder); its index.html is the page. */
  rendererDir: string;
  /** 0 (default): a free port. */
  port?: number;
  /** For tests: a fixed secret instead of a random one. */
  secret?: string;
  log?: (line: string) => void;
  /** Extra environment for the service process. */
  serviceEnv?: NodeJS.ProcessEnv;
  /** Where the service process's own log lines go (default: this process's stderr). */
  serviceLog?: (text: string) => void;
  /** The built service or the sources (service-launch.ts; default: VENTANILLA_SERVICE_FROM, else auto). */
  serviceFrom?: ServiceFrom;
  /** Where the built service is (default: out/host, `npm run build:host`). */
  serviceBundleDir?: string;
};

export type WebHost = {
  readonly port: number;
  readonly origin: string;
  /** The page's address with the secret in its fragment: what a clerk opens. */
  readonly url: string;
  readonly secret: string;
  /** The service process's id (for tests that kill it). */
  readonly servicePid: number | undefined;
  /** Whether the service runs built JavaScript or the sources through tsx (service-launch.ts). */
  readonly serviceFrom: ServiceLaunch['from'];
  close(): Promise<void>;
};

/** The Host headers this host answers to: its own address, by IP or as localhost. */
function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

function sameSecret(offered: string, secret: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why an upgrade is refused, or undefined when it may go ahead. */
export function upgradeRefusal(request: IncomingMessage, port: number, secret: string): { status: number; reason: string } | undefined {
  const hosts = allowedHosts(port);
  const host = request.headers.host ?? '';
  if (!hosts.has(host)) return { status: 421, reason: `Host ${JSON.stringify(host)} is not this web host` };
  const path = (request.url ?? '').split('?')[0];
  if (path !== WEBSOCKET_PATH) return { status: 404, reason: 'no such endpoint' };
  const origin = request.headers.origin;
  if (origin !== `http://${host}`) return { status: 403, reason: `Origin ${JSON.stringify(origin ?? null)} may not connect` };
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((item) => item.trim());
  if (!offered.includes(WEB_SUBPROTOCOL)) return { status: 400, reason: `the ${WEB_SUBPROTOCOL} subprotocol is required` };
  const key = offered.find((item) => item.startsWith(SECRET_SUBPROTOCOL_PREFIX));
  if (!key || !sameSecret(key.slice(SECRET_SUBPROTOCOL_PREFIX.length), secret)) return { status: 401, reason: 'wrong or missing secret' };
  return undefined;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(`HTTP/1.1 ${status} ${status === 421 ? 'Misdirected Request' : status === 503 ? 'Service Unavailable' : 'Refused'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Runs the service as a child process and says when it is ready. */
function startService(launch: ServiceLaunch, dataDir: string, env: NodeJS.ProcessEnv | undefined, log: (line: string) => void, serviceLog?: (text: string) => void): Promise<ChildProcess> {
  const child = fork(launch.entry, [], {
    execArgv: [...launch.execArgv],
    env: { ...process.env, ...env, VENTANILLA_WORKSTATION_DATA: dataDir },
    stdio: serviceLog ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (serviceLog) {
    child.stdout?.on('data', (chunk: Buffer) => serviceLog(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => serviceLog(chunk.toString()));
  }
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the workstation service exited while starting (code ${code})`));
    child.once('exit', onExit);
    child.on('message', function ready(message: ServiceToHost) {
      if (message.kind !== 'ready') return;
      child.off('message', ready);
      child.off('exit', onExit);
      log(`workstation service ready (pid ${child.pid})`);
      resolve(child);
    });
  });
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const log = options.log ?? (() => undefined);
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const sockets = new Map<number, WebSocket>();
  let nextConnection = 1;
  let closing = false;
  const restarts: number[] = [];
  const launch = serviceLaunch(options.serviceFrom, options.serviceBundleDir);
  log(`workstation service from ${launch.from === 'bundle' ? `the build (${launch.entry})` : `the TypeScript sources through tsx${launch.note ? `: ${launch.note}` : ''}`}`);

  // The service may crash (a native fault, out of memory): every page loses its connection at
  // once (and shows it), and a new service starts; the pages reconnect to it by themselves.
  // Five crashes within a minute mean something is badly wrong: then the host stops trying.
  const attach = (child: ChildProcess) => {
    child.on('message', (message: ServiceToHost) => {
      if (message.kind === 'message') sockets.get(message.conn)?.send(message.text);
      else if (message.kind === 'close') sockets.get(message.conn)?.close(1008, message.reason.slice(0, 100));
    });
    child.once('exit', (code, signal) => {
      if (closing) return;
      log(`the workstation service stopped unexpectedly (code ${code}, signal ${signal})`);
      for (const socket of sockets.values()) socket.close(1011, 'the workstation service stopped');
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > 5) return log('the workstation service keeps stopping: not restarting it again');
      setTimeout(() => {
        if (closing) return;
        startService(launch, options.dataDir, options.serviceEnv, log, options.serviceLog).then(
          (next) => {
            if (closing) return void next.kill('SIGTERM');
            service = next;
            attach(next);
          },
          (error: unknown) => log(`could not restart the workstation service: ${String(error)}`),
        );
      }, 1_000);
    });
  };
  let service = await startService(launch, options.dataDir, options.serviceEnv, log, options.serviceLog);
  attach(service);
  const toService = (message: HostToService) => {
    if (service.connected) service.send(message);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, handleProtocols: () => WEB_SUBPROTOCOL });
  let port = 0;
  const server: Server = createServer((request, response) => {
    if (!allowedHosts(port).has(request.headers.host ?? '')) {
      response.writeHead(421, { 'content-type': 'text/plain' }).end('This web host only answers to its own address.\n');
      return;
    }
    serveStatic(options.rendererDir, request, response, port);
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = upgradeRefusal(request, port, secret);
    if (refusal) {
      log(`refused a WebSocket: ${refusal.reason}`);
      refuse(socket, refusal.status, refusal.reason);
      return;
    }
    // Between a crash and the restart: the page retries with backoff.
    if (!service.connected) return refuse(socket, 503, 'the workstation service is restarting');
    wss.handleUpgrade(request, socket, head, (ws) => {
      const conn = nextConnection++;
      sockets.set(conn, ws);
      toService({ conn, kind: 'open' });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003, 'text messages only');
        toService({ conn, kind: 'message', text: data.toString() });
      });
      ws.on('close', () => {
        sockets.delete(conn);
        toService({ conn, kind: 'close' });
      });
      ws.on('error', () => ws.terminate());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  const origin = `http://127.0.0.1:${port}`;
  log(`web host listening on ${origin}`);

  let closed: Promise<void> | undefined;
  return {
    port,
    origin,
    url: `${origin}/#secret=${secret}`,
    secret,
    serviceFrom: launch.from,
    get servicePid() {
      return service.pid;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        for (const socket of sockets.values()) socket.terminate();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (service.exitCode === null && service.signalCode === null) {
          const exited = new Promise<void>((resolve) => service.once('exit', () => resolve()));
          service.kill('SIGTERM');
          const timer = setTimeout(() => service.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return closed;
    },
  };
}
