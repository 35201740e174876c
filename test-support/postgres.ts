/**
 * A throwaway PostgreSQL cluster for tests, from Debian's binaries (/usr/lib/postgresql/15/bin),
 * in a temporary folder, on a free loopback port, with fsync off. PostgreSQL refuses to run as
 * root, so as root initdb and pg_ctl run as the `postgres` user (runuser) in a folder it owns;
 * as anyone else they run directly (/work/shared/NOTES.md, "PostgreSQL").
 *
 * The cluster's default collation is ICU Spanish (es-ES), as a council's database would likely
 * be: text sorts 'a ä b Z', not in byte order, so a query that forgets `COLLATE "C"` where byte
 * order matters fails its test here instead of in production.
 *
 * Shared by the server's tests, the workstation's sync tests (main/sync) and the benchmarks, which
 * may not import one another's folders: it lives at the top level for that reason.
 *
 * One cluster per test file keeps a suite fast (initdb takes about a second): start it in
 * beforeAll, stop it in afterAll. Its folder is an owned folder (./owned-folder.ts): a cluster
 * left running by a test process that exits or is stopped by a signal is shut down (SIGQUIT,
 * PostgreSQL's immediate shutdown) and its folder removed by an exit hook; one left by a process
 * killed outright is shut down and removed by the next run's sweep.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freeLoopbackPort } from './free-port';
import { createOwnedFolder, serverFromPidFile, sweepStaleFolders, type RecordedProcess } from './owned-folder';

const run = promisify(execFile);

export type TestPostgres = {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`: superuser, trust authentication. */
  readonly url: string;
  readonly port: number;
  /** The cluster's temporary folder (data/ holds the cluster). */
  readonly folder: string;
  /** Stops the server (fast shutdown: connected clients are disconnected) and removes the folder. */
  stop(): Promise<void>;
  /**
   * Stops the server and starts it again on the same port and data, as an operator restarting
   * PostgreSQL would. `whileDown` runs between the two, to observe clients during the outage.
   */
  restart(options?: { whileDown?: () => Promise<void> }): Promise<void>;
};

export type StartPostgresOptions = {
  /** Folder of initdb, pg_ctl (default: Debian's PostgreSQL 15, or PG_BIN). */
  binDir?: string;
};

const DEFAULT_BIN_DIR = '/usr/lib/postgresql/15/bin';

/** SIGQUIT is PostgreSQL's immediate shutdown: the postmaster stops its backends and releases its shared memory. */
const POSTMASTER = { group: false, signal: 'SIGQUIT' } as const;

/** The postmaster running on a cluster folder, by its pid file (its command line names the data folder). */
function postmasterOf(folder: string): RecordedProcess[] {
  const dataDir = path.join(folder, 'data');
  return serverFromPidFile(path.join(dataDir, 'postmaster.pid'), dataDir, POSTMASTER);
}

/**
 * Shuts down and removes the clusters left by test processes that are gone (startPostgres does
 * this before its first cluster in each process); returns the folders removed.
 */
export function sweepStalePostgresFolders(): string[] {
  return sweepStaleFolders('pg', { findServers: postmasterOf });
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const binDir = options.binDir ?? process.env.PG_BIN ?? DEFAULT_BIN_DIR;
  if (!existsSync(path.join(binDir, 'pg_ctl'))) {
    throw new Error(`PostgreSQL binaries not found in ${binDir} (apt-get install postgresql-15, or set PG_BIN)`);
  }
  const asRoot = process.getuid?.() === 0;
  const owned = createOwnedFolder('pg', { findServers: postmasterOf });
  const folder = owned.path;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(folder, uid, gid);
  }
  const dataDir = path.join(folder, 'data');
  const logFile = path.join(folder, 'log');

  /** Runs a PostgreSQL binary, as the postgres user when we are root. */
  const pg = async (binary: string, args: string[]): Promise<void> => {
    const file = path.join(binDir, binary);
    const [command, commandArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    try {
      await run(command, commandArgs, { timeout: 60_000 });
    } catch (error) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2_000) : '(no log)';
      throw new Error(`${binary} ${args.join(' ')} failed: ${(error as Error).message}\n${log}`, { cause: error });
    }
  };

  let port = 0;
  const start = async () => {
    await pg('pg_ctl', [
      '-D', dataDir, '-l', logFile, '-w', '-t', '30',
      // The socket goes into our folder, not /var/run/postgresql (which may not exist or be shared).
      '-o', `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ]);
    // pg_ctl has returned: the postmaster is up and its pid file written.
    for (const postmaster of postmasterOf(folder)) owned.recordProcess(postmaster.pid, POSTMASTER);
  };
  const stopServer = (mode: 'fast' | 'immediate' = 'fast') => pg('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);

  try {
    await pg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--locale-provider=icu', '--icu-locale=es-ES', '--no-sync']);
    // A free port can be taken by someone else between finding and binding it: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freeLoopbackPort();
      try {
        await start();
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  } catch (error) {
    owned.remove();
    throw error;
  }

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    folder,
    async stop() {
      try {
        await stopServer();
      } finally {
        owned.remove();
      }
    },
    async restart({ whileDown } = {}) {
      await stopServer();
      try {
        await whileDown?.();
      } finally {
        await start();
      }
    },
  };
}
