/**
 * A test process that starts a Dovecot and is then ended by the test that spawned it (a signal
 * or SIGKILL), for dovecot.test.ts. Prints `{folder, server}` (the master's pid) once the server
 * greets, then waits for its end.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startDovecot } from './dovecot';

const dovecot = await startDovecot();
const server = Number(readFileSync(path.join(dovecot.folder, 'run', 'master.pid'), 'utf8').trim());
process.stdout.write(`${JSON.stringify({ folder: dovecot.folder, server })}\n`);
setInterval(() => undefined, 60_000);
