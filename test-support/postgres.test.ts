import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { processStartToken } from './owned-folder';
import { ended, startOwnerProcess, until } from './owner-processes';
import { startPostgres, sweepStalePostgresFolders } from './postgres';

const OWNER_PROCESS = fileURLToPath(new URL('./sample-owner.ts', import.meta.url));

const owners: ChildProcess[] = [];
afterEach(() => {
  for (const owner of owners.splice(0)) if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
  // Whatever a failed test left: the owners are dead by now.
  sweepStalePostgresFolders();
});

/** A test process with a running cluster, as vitest's fork of a server test would be. */
async function processWithCluster(): Promise<{ owner: ChildProcess; folder: string; postmaster: number }> {
  const { child, folder, server } = await startOwnerProcess(OWNER_PROCESS, ['postgres']);
  owners.push(child);
  return { owner: child, folder, postmaster: server };
}

describe('a test PostgreSQL cluster', () => {
  it('serves queries and leaves nothing behind when stopped', async () => {
    const cluster = await startPostgres();
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    const { rows } = await client.query<{ answer: number }>('SELECT 1 + 1 AS answer');
    await client.end();
    expect(rows[0]!.answer).toBe(2);
    await cluster.stop();
    expect(existsSync(cluster.folder)).toBe(false);
  });

  it('of a test process stopped by SIGTERM (how Vitest stops a fork) is shut down and removed with it', async () => {
    const { owner, folder, postmaster } = await processWithCluster();
    owner.kill('SIGTERM');
    await ended(owner);
    expect(owner.signalCode).toBe('SIGTERM');
    expect(existsSync(folder)).toBe(false);
    await until(() => processStartToken(postmaster) === undefined, 'the postmaster has ended');
  }, 60_000);

  it('of a test process killed with SIGKILL is shut down and removed by the next sweep', async () => {
    const { owner, folder, postmaster } = await processWithCluster();
    owner.kill('SIGKILL');
    await ended(owner);
    expect(existsSync(folder)).toBe(true);
    expect(processStartToken(postmaster)).toBeDefined();

    expect(sweepStalePostgresFolders()).toContain(folder);
    expect(existsSync(folder)).toBe(false);
    expect(processStartToken(postmaster)).toBeUndefined();
  }, 60_000);
});
