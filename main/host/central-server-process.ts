// The central server as a child process of `npm start` and of the end-to-end fixtures: its own
// command line (server/cli.ts serve) on a data folder and a loopback port, ready when it answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { API_PATHS } from '../../core/sync';
import { SERVER_CLI } from './demo-council';

export type CentralServerProcess = {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** The last lines it wrote, for error messages. */
  log(): string;
  stop(): Promise<void>;
};

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export type CentralServerProcessOptions = {
  dataDir: string;
  port: number;
  env?: NodeJS.ProcessEnv;
  logLevel?: string;
  /** Where its log lines go besides the kept tail (default: nowhere). */
  onLog?: (text: string) => void;
};

export async function startCentralServerProcess(options: CentralServerProcessOptions): Promise<CentralServerProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  // Node with tsx as a loader, not the tsx command, which would run the server in a grandchild
  // that a killed parent leaves running.
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', SERVER_CLI, 'serve', '--data', options.dataDir, '--port', String(options.port), '--host', '127.0.0.1', '--log-level', options.logLevel ?? 'warn'],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let tail = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-20_000);
    options.onLog?.(text);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  void exited.then(() => (alive = false));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!alive) throw new Error(`the central server exited while starting:\n${tail}`);
    try {
      await fetch(`${url}${API_PATHS.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the central server did not listen on ${url} within 60 s:\n${tail}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    port: options.port,
    pid: child.pid,
    log: () => tail,
    stop() {
      stopping ??= (async () => {
        if (!alive) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
