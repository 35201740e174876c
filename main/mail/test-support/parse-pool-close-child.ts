/**
 * A process that closes a parse pool while one message hangs in its worker and another waits
 * behind it, for parse-pool.test.ts: it sends the parent how each message settled, then does
 * nothing more. It must exit by itself: a worker thread or a timer left behind by close() would
 * keep it alive. Run through child_process.fork with `--import tsx`; argv[2] is a folder for the
 * raw files and blobs.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createParsePool } from '../parse-pool';

const folder = process.argv[2]!;
const hanging = path.join(folder, 'atasco.hang.eml');
const waiting = path.join(folder, 'espera.eml');
writeFileSync(hanging, 'Subject: atasco\r\n\r\nnunca termina\r\n');
writeFileSync(waiting, 'Subject: espera\r\nMessage-ID: <espera@correo.test>\r\n\r\nen cola\r\n');

const pool = createParsePool({
  blobsDirectory: path.join(folder, 'blobs'),
  fsync: false,
  workers: 1,
  // Far longer than the test: only close() may end these messages.
  timeoutMs: 10 * 60_000,
  workerModule: new URL('./misbehaving-parse-worker.ts', import.meta.url),
});
// Once the worker is up, the hanging message goes to it at once and the other waits behind it.
await pool.parse(waiting);
const settled = [pool.parse(hanging), pool.parse(waiting)].map((parse) =>
  parse.then(
    () => ({ status: 'parsed' }),
    (error: Error & { code?: string }) => ({ status: 'rejected', name: error.name, code: error.code, message: error.message }),
  ),
);
// The IPC channel is the harness's, not the pool's: let it go once the answer is out.
await pool.close();
process.send?.({ closed: true, settled: await Promise.all(settled) }, () => process.disconnect());
