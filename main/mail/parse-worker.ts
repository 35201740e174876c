/**
 * The parser in a worker thread (parse-pool.ts): mailparser costs ~2 ms of CPU per message
 * (shared/NOTES.md), which on the service's own thread would hold up the IMAP fetch and the
 * database writes. Says `{ready: true}` once loaded; receives `{id, file}`, answers `{id, ok,
 * value}` or `{id, ok: false, error, unparseable}`; writes the attachments' blobs itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BlobWriter } from './blobs';
import { parseRawMail, UnparseableMail } from './parse-mail';

const { blobsDirectory, fsync } = workerData as { blobsDirectory: string; fsync: boolean };
// Blocking reads and writes: this thread parses one message at a time and waits for its file and
// its blobs anyway; through libuv's pool (4 threads for the whole process) they queued behind the
// fetcher's flushes of raw mail while the parser sat idle (docs/performance.md#mail-ingestion).
const blobs = new BlobWriter(blobsDirectory, { fsync, blocking: true });

parentPort?.on('message', (job: { id: number; file: string }) => {
  parseRawMail(job.file, blobs, { blocking: true }).then(
    (value) => parentPort?.postMessage({ id: job.id, ok: true, value }),
    (error: unknown) =>
      parentPort?.postMessage({
        id: job.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
        code: (error as NodeJS.ErrnoException).code,
        unparseable: error instanceof UnparseableMail,
      }),
  );
});

// Loaded (mailparser and all): the pool hands out messages, and starts their timers, only now, so
// that a thread's start-up, seconds on a busy PC, never counts against a message.
parentPort?.postMessage({ ready: true });
