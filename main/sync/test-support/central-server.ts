// The project's central server as a child process, for the sync tests: started from a
// temporary folder on a free loopback port, stopped, killed with SIGKILL and restarted on the
// same port (a workstation keeps its server URL). main/ never imports server/: the tests only
// run its command line, as a council's IT would.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../../../test-support/free-port';
import { createOwnedFolder } from '../../../test-support/owned-folder';
import { API_PATHS, parseLoginResponse, parsePullResponse, pullQueryString, type DocumentState, type PushRow, type ReplicationCheckpoint } from '../../../core/sync';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVER_CLI = path.join(ROOT, 'server', 'cli.ts');
const SECRET = 'a-secret-for-the-sync-tests-only-0123456789';

export type CouncilSetup = {
  departments: { id: string; name: string; code: string }[];
  users: { email: string; name: string; role: 'clerk' | 'supervisor' | 'admin'; departmentIds: string[]; password: string }[];
};

export type CentralServer = {
  readonly url: string;
  readonly port: number;
  /** Stops it cleanly (SIGTERM) and waits for the process to end. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a power cut would. */
  kill(): Promise<void>;
  /**
   * Starts it again on the same port and data; with another `secret`, every access token it
   * issued before becomes invalid (refresh tokens live in its database and stay valid).
   */
  restart(secret?: string): Promise<void>;
  readonly running: boolean;
};

/**
 * Node itself with tsx as a loader, not the `tsx` command: that one runs the program in a child
 * process, which a SIGKILL of the parent leaves running.
 */
function run(args: string[], env: NodeJS.ProcessEnv, stdout: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'pipe'] });
  RUNNING.add(child);
  child.on('exit', () => RUNNING.delete(child));
  return child;
}

/** Servers still running when a test process ends (a failed test, a timeout) end with it. */
const RUNNING = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of RUNNING) child.kill('SIGKILL');
});

/** The command lines of server/cli.ts (see its --help). */
function serveArgs(dataDir: string, port: number): string[] {
  return [SERVER_CLI, 'serve', '--data', dataDir, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn'];
}

/**
 * Creates the departments and users of a test council with the admin command line, in the data
 * folder's SQLite file or, with `databaseUrl`, in PostgreSQL.
 */
export async function setupCouncil(dataDir: string, setup: CouncilSetup, databaseUrl?: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { VENTANILLA_SECRET: SECRET, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  for (const department of setup.departments) {
    await runToEnd([SERVER_CLI, 'create-department', '--data', dataDir, '--id', department.id, '--name', department.name, '--code', department.code], env);
  }
  for (const user of setup.users) {
    await runToEnd(
      [SERVER_CLI, 'create-user', '--data', dataDir, '--email', user.email, '--name', user.name, '--role', user.role, '--departments', user.departmentIds.join(',')],
      { ...env, VENTANILLA_PASSWORD: user.password },
    );
  }
}

/**
 * Sets up a council once (each admin command is a process that hashes a password) and copies
 * its data folder for each test.
 */
export async function prepareCouncil(setup: CouncilSetup): Promise<{ copyTo(dataDir: string): void; remove(): void }> {
  // The template sits inside an owned folder (test-support/owned-folder.ts), so copies do not take its owner file.
  const owned = createOwnedFolder('council');
  const template = path.join(owned.path, 'council');
  mkdirSync(template);
  await setupCouncil(template, setup);
  return {
    copyTo: (dataDir) => cpSync(template, dataDir, { recursive: true }),
    remove: () => owned.remove(),
  };
}

/** Gives a user a new password with the admin command line (which also ends their sessions). */
export async function setPassword(dataDir: string, email: string, password: string): Promise<void> {
  await runToEnd([SERVER_CLI, 'set-password', '--data', dataDir, '--email', email], { VENTANILLA_SECRET: SECRET, VENTANILLA_PASSWORD: password });
}

/** Releases a workstation id with the admin command line (its secret forgotten, its sessions ended). */
export async function releaseWorkstation(dataDir: string, workstationId: string): Promise<void> {
  await runToEnd([SERVER_CLI, 'release-workstation', '--data', dataDir, '--id', workstationId], { VENTANILLA_SECRET: SECRET });
}

/** The ids of the registered workstations, from the admin command line (`list-workstations`). */
export async function registeredWorkstations(dataDir: string): Promise<string[]> {
  const printed = await runToEnd([SERVER_CLI, 'list-workstations', '--data', dataDir], { VENTANILLA_SECRET: SECRET });
  return printed
    .split('\n')
    .filter((line) => line.includes('\tregistered '))
    .map((line) => line.split('\t')[0]!);
}

/** Runs the server's command line to its end; resolves to what it printed. */
async function runToEnd(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = run(args, env, 'pipe');
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${args.slice(1, 2).join(' ')} failed (${code}): ${stderr}`);
  return stdout;
}

export type CentralServerOptions = {
  dataDir: string;
  port?: number;
  /** The life of access tokens, when the server's command line lets tests set it. */
  accessTokenTtlMs?: number;
  /** PostgreSQL instead of the data folder's SQLite file (`DATABASE_URL`). */
  databaseUrl?: string;
};

export async function startCentralServer(options: CentralServerOptions): Promise<CentralServer> {
  if (!existsSync(SERVER_CLI)) throw new Error(`${SERVER_CLI} does not exist yet`);
  const port = options.port ?? (await freeLoopbackPort());
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const launch = async (secret = SECRET) => {
    log = '';
    const env: NodeJS.ProcessEnv = { VENTANILLA_SECRET: secret };
    if (options.accessTokenTtlMs !== undefined) env.VENTANILLA_ACCESS_TOKEN_TTL_MS = String(options.accessTokenTtlMs);
    if (options.databaseUrl !== undefined) env.DATABASE_URL = options.databaseUrl;
    const started = run(serveArgs(options.dataDir, port), env);
    child = started;
    started.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
    exited = new Promise((resolve) => started.on('exit', () => resolve()));
    let alive = true;
    void exited.then(() => (alive = false));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (!alive) throw new Error(`the central server exited while starting:\n${log}`);
      try {
        await fetch(`${url}${API_PATHS.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`the central server did not listen on ${url} within 30 s:\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };

  const end = async (signal: NodeJS.Signals) => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null) return;
    current.kill(signal);
    const timer = setTimeout(() => current.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    url,
    port,
    get running() {
      return child !== undefined;
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    restart: (secret?: string) => launch(secret),
  };
}

async function signIn(url: string, credentials: { email: string; password: string }) {
  const login = await fetch(`${url}${API_PATHS.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  const session = parseLoginResponse(await login.json());
  if (!session.ok) throw new Error(`sign-in refused: ${session.error.message}`);
  return session;
}

/** Pushes write rows as a user over the public API (an administrator's change, in tests); returns the conflicts. */
export async function pushAs(url: string, credentials: { email: string; password: string }, collection: string, rows: PushRow[]): Promise<unknown> {
  const session = await signIn(url, credentials);
  const response = await fetch(`${url}${API_PATHS.push(collection)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.value.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(rows),
  });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`push refused (${response.status}): ${JSON.stringify(body)}`);
  return body;
}

/** Every document of a collection the user may see, read over the public API, in feed order. */
export async function serverDocuments(url: string, credentials: { email: string; password: string }, collection: string): Promise<DocumentState[]> {
  const session = await signIn(url, credentials);
  const documents: DocumentState[] = [];
  let checkpoint: ReplicationCheckpoint | null = null;
  for (;;) {
    const response = await fetch(`${url}${API_PATHS.pull(collection)}?${pullQueryString({ checkpoint, limit: 1000 })}`, {
      headers: { authorization: `Bearer ${session.value.accessToken}` },
    });
    const page = parsePullResponse(await response.json());
    if (!page.ok) throw new Error(`pull refused: ${page.error.message}`);
    if (page.value.documents.length === 0) return documents;
    documents.push(...page.value.documents);
    checkpoint = page.value.checkpoint;
  }
}
