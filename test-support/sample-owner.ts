/**
 * A test process that owns a folder and is then ended by the test that spawned it (a signal,
 * SIGKILL, or an exit without cleanup), for the tests of ./owned-folder.ts and the fixtures:
 *
 *   node --import tsx test-support/sample-owner.ts folder <root>   an owned folder with a recorded server
 *   node --import tsx test-support/sample-owner.ts postgres        a PostgreSQL cluster (./postgres.ts)
 *
 * It prints one JSON line, `{folder, server}` (the server's pid), once ready, then waits for its
 * end; on the line `exit` from stdin it calls process.exit without removing anything itself (the
 * exit hook of ./owned-folder.ts must).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createOwnedFolder } from './owned-folder';
import { startPostgres } from './postgres';

async function ready(): Promise<{ folder: string; server: number }> {
  const [mode, root] = process.argv.slice(2);
  if (mode === 'folder') {
    const owned = createOwnedFolder('sample', root ? { root } : {});
    // A stand-in for a detached server (Dovecot): its own process group, naming the folder.
    const server = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', owned.path], { detached: true, stdio: 'ignore' });
    server.unref();
    owned.recordProcess(server.pid!, { group: true, signal: 'SIGTERM' });
    return { folder: owned.path, server: server.pid! };
  }
  if (mode === 'postgres') {
    const cluster = await startPostgres();
    return { folder: cluster.folder, server: Number(readFileSync(path.join(cluster.folder, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]) };
  }
  throw new Error(`unknown mode ${JSON.stringify(mode)}: folder <root> | postgres`);
}

const owned = await ready();
process.stdout.write(`${JSON.stringify(owned)}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'exit') process.exit(0);
});
