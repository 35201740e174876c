// A throwaway PostgreSQL cluster for the workstation tests that run the central server on
// PostgreSQL: Debian's binaries, a temporary folder, a free loopback port, fsync off; as root, run
// as the `postgres` user (shared/NOTES.md, "PostgreSQL"). server/test-support/postgres.ts is the
// server's own, fuller version; main/ never imports server/, so this is the small copy the
// workstation side needs: start, stop and restart on the same port.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './central-server';

const run = promisify(execFile);
const BIN_DIR = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export type PostgresCluster = {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication). */
  readonly url: string;
  /** Stops the server (fast: clients are cut) and starts it again on the same port and data. */
  restart(options?: { whileDown?: () => Promise<void> }): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
};

export async function startPostgresCluster(): Promise<PostgresCluster> {
  if (!existsSync(path.join(BIN_DIR, 'pg_ctl'))) throw new Error(`PostgreSQL binaries not found in ${BIN_DIR} (apt-get install postgresql-15, or set PG_BIN)`);
  const asRoot = process.getuid?.() === 0;
  const folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-sync-pg-'));
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(folder, id('-u'), id('-g'));
  }
  const dataDir = path.join(folder, 'data');
  const logFile = path.join(folder, 'log');
  const pg = async (binary: string, args: string[]) => {
    const file = path.join(BIN_DIR, binary);
    const [command, commandArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    try {
      await run(command, commandArgs, { timeout: 60_000 });
    } catch (error) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2_000) : '(no log)';
      throw new Error(`${binary} ${args.join(' ')} failed: ${(error as Error).message}\n${log}`, { cause: error });
    }
  };
  let port = 0;
  const start = () =>
    pg('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '30', '-o', `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  const stopServer = () => pg('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  const onExit = () => {
    try {
      const args = [path.join(BIN_DIR, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', '-w', 'stop'];
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'ignore' });
      else execFileSync(args[0]!, args.slice(1), { stdio: 'ignore' });
    } catch {
      // Not running.
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await pg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    port = await freePort();
    await start();
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  process.once('exit', onExit);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart({ whileDown } = {}) {
      await stopServer();
      try {
        await whileDown?.();
      } finally {
        await start();
      }
    },
    async stop() {
      process.removeListener('exit', onExit);
      try {
        await stopServer();
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
