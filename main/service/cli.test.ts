// The headless service as a council's IT runs it: the command line, its log, its signals.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { prepareCouncil, serverDocuments, startCentralServer, type CentralServer } from '../sync/test-support/central-server';
import { ADMIN, ANA, COUNCIL, temporaryFolder } from '../sync/test-support/council';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

type LogLine = { event: string; state?: string; pendingPushes?: number; [key: string]: unknown };

let council: Awaited<ReturnType<typeof prepareCouncil>>;
let tmp: ReturnType<typeof temporaryFolder>;
let server: CentralServer | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  council = await prepareCouncil(COUNCIL);
}, 60_000);
afterAll(() => council.remove());
beforeEach(async () => {
  tmp = temporaryFolder('ventanilla-service-');
  council.copyTo(path.join(tmp.folder, 'server'));
  server = await startCentralServer({ dataDir: path.join(tmp.folder, 'server') });
}, 60_000);
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await server?.stop();
  tmp.remove();
}, 30_000);

/** Runs the service; `lines` fills with its JSON log, `exited` resolves with its exit code. */
function service(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  const lines: LogLine[] = [];
  let text = '';
  const waiters = new Set<() => void>();
  child.stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    let end: number;
    while ((end = text.indexOf('\n')) >= 0) {
      const line = text.slice(0, end);
      text = text.slice(end + 1);
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        lines.push({ event: 'text', text: line });
      }
      for (const wake of [...waiters]) wake();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (test: (line: LogLine) => boolean, what: string, timeoutMs = 30_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(test);
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; log: ${JSON.stringify(lines)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { child, lines, exited, waitFor };
}

describe('the headless workstation service', () => {
  it('signs in, replicates, logs its status and stops cleanly on SIGTERM', async () => {
    const dataDir = path.join(tmp.folder, 'ana');
    const run = service(['--data', dataDir, '--server', server!.url, '--email', ANA.email, '--log', 'json'], { VENTANILLA_PASSWORD: ANA.password });
    const started = await run.waitFor((line) => line.event === 'started', 'started');
    expect(started.user).toBe(ANA.email);
    await run.waitFor((line) => line.event === 'sync' && line.state === 'online' && line.liveUpdates === true, 'online');
    expect(existsSync(path.join(dataDir, 'workstation.json'))).toBe(true);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.lines.map((line) => line.event)).toEqual(expect.arrayContaining(['stopping', 'stopped']));
    // No password or token in the log.
    expect(JSON.stringify(run.lines)).not.toContain(ANA.password);
  }, 60_000);

  it('starts from its replica while the server is down, and syncs once the server is back', async () => {
    const dataDir = path.join(tmp.folder, 'ana');
    const env = { VENTANILLA_DATA: dataDir, VENTANILLA_SERVER: server!.url, VENTANILLA_EMAIL: ANA.email, VENTANILLA_PASSWORD: ANA.password };
    const first = service(['--log', 'json'], env);
    await first.waitFor((line) => line.event === 'sync' && line.state === 'online', 'online');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    await server!.stop();
    const second = service(['--log', 'json'], env);
    await second.waitFor((line) => line.event === 'started', 'started without the server');
    await second.waitFor((line) => line.event === 'sync' && line.state === 'offline' && typeof line.offlineSince === 'string', 'offline');
    await server!.restart();
    await second.waitFor((line) => line.event === 'sync' && line.state === 'online', 'online again');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect((await serverDocuments(server!.url, ADMIN, 'users')).length).toBe(COUNCIL.users.length);
  }, 90_000);

  it('refuses to start without its options, saying which are missing', async () => {
    const run = service(['--data', path.join(tmp.folder, 'x')], { VENTANILLA_SERVER: '', VENTANILLA_EMAIL: '', VENTANILLA_PASSWORD: '' });
    expect(await run.exited).toBe(1);
    expect(JSON.stringify(run.lines)).toContain('missing --server, --email, --password');
  }, 30_000);

  it('refuses to ingest mail without the council name its automatic answers are signed with', async () => {
    const run = service(['--data', path.join(tmp.folder, 'x'), '--server', server!.url, '--email', ANA.email, '--mail'], { VENTANILLA_PASSWORD: 'whatever', VENTANILLA_COUNCIL_NAME: '' });
    expect(await run.exited).toBe(1);
    expect(JSON.stringify(run.lines)).toContain('--mail needs --council-name');
  }, 30_000);

  it('exits with an error when the server refuses the password at the first sign-in', async () => {
    const run = service(['--data', path.join(tmp.folder, 'ana'), '--server', server!.url, '--email', ANA.email], { VENTANILLA_PASSWORD: 'not her password' });
    expect(await run.exited).toBe(1);
    expect(JSON.stringify(run.lines)).toContain('signing in failed');
  }, 30_000);
});
