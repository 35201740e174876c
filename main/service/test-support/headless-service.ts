// The setting of the headless service's tests (cli.test.ts, headless-mail.test.ts): a council
// prepared once per file, a fresh central server on a copy of it for each test, and the service's
// own command line (cli.ts) in processes of their own, reading their JSON log as it comes. Every
// process still running is killed and every folder removed after each test; the test's folder is
// an owned folder (test-support/owned-folder.ts), so a test process that exits or is stopped by a
// signal mid-test also kills the services it started and removes the folder, and one killed
// outright has them killed and removed by the next run's sweep.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { prepareCouncil, startCentralServer, type CentralServer } from '../../sync/test-support/central-server';
import { COUNCIL } from '../../sync/test-support/council';
import { createOwnedFolder, kindOfPrefix, type OwnedFolder } from '../../../test-support/owned-folder';

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One line of the service's log (`--log json`); a line that is not JSON is `{event: 'text', text}`. */
export type LogLine = { event: string; [key: string]: unknown };

export type HeadlessRun = {
  child: ChildProcess;
  /** The log so far, in order. */
  lines: LogLine[];
  /** The exit code, once the process has ended and its whole log has been read. */
  exited: Promise<number | null>;
  /** The first line that passes `test`, as soon as it is logged; fails after `timeoutMs` naming `what` and the log. */
  waitFor(test: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
};

export type HeadlessServiceFixture = {
  /** This test's folder: `server/` holds the central server's data. */
  readonly folder: string;
  /** This test's central server. */
  readonly server: CentralServer;
  /** Runs the service's command line with `args`, `env` over this process's environment. */
  service(args: string[], env?: NodeJS.ProcessEnv): HeadlessRun;
};

/** `prefix` names the test's folders, `ventanilla-<kind>-` (e.g. 'ventanilla-service-'). */
export function useHeadlessServiceFixture(prefix: string): HeadlessServiceFixture {
  const kind = kindOfPrefix(prefix);
  let council: Awaited<ReturnType<typeof prepareCouncil>> | undefined;
  let tmp: OwnedFolder;
  let server: CentralServer | undefined;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    council = await prepareCouncil(COUNCIL);
  }, 60_000);
  afterAll(() => council?.remove());

  beforeEach(async () => {
    tmp = createOwnedFolder(kind);
    council!.copyTo(path.join(tmp.path, 'server'));
    server = await startCentralServer({ dataDir: path.join(tmp.path, 'server') });
  }, 60_000);

  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await server?.stop();
    server = undefined;
    tmp.remove();
  }, 30_000);

  return {
    get folder() {
      return tmp.path;
    },
    get server() {
      return server!;
    },
    service(args, env = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(child);
      if (child.pid) tmp.recordProcess(child.pid, { signal: 'SIGKILL' });
      const lines: LogLine[] = [];
      const waiters = new Set<() => void>();
      createInterface({ input: child.stderr! }).on('line', (text) => {
        try {
          lines.push(JSON.parse(text) as LogLine);
        } catch {
          lines.push({ event: 'text', text });
        }
        for (const wake of [...waiters]) wake();
      });
      // 'close', not 'exit': by then the log has been read to its end.
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
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
            reject(new Error(`timed out waiting for ${what}; log: ${JSON.stringify(lines).slice(-2_000)}`));
          }, timeoutMs);
          waiters.add(check);
          check();
        });
      return { child, lines, exited, waitFor };
    },
  };
}
