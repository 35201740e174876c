/**
 * The real parser's worker (../parse-worker.ts) with a trap in front of it, for
 * parse-pool.test.ts: a raw file whose name says so makes the thread fail the ways a parser in
 * trouble does, which no real message can be counted on to provoke —
 *   `*.hang.eml`  never returns to its event loop (a parser stuck on a pathological MIME tree):
 *                 only terminate() stops it;
 *   `*.exit.eml`  ends the thread (process.exit in a worker ends only the worker);
 *   `*.throw.eml` throws out of an event handler: an uncaught error that kills the thread.
 * Every other file reaches the real worker and is parsed by mailparser as in production.
 *
 * The trap listens after the real worker (registered in the same turn as its import, so no job
 * can arrive in between): for a trapped file the real worker has only started its parse, which
 * answers asynchronously, when the trap hangs, ends or kills the thread; no answer ever leaves.
 */
import { parentPort } from 'node:worker_threads';
import '../parse-worker';

parentPort?.on('message', (job: { id: number; file: string }) => {
  if (job.file.endsWith('.hang.eml')) {
    // Deliberately endless, like a parser stuck in a loop, but sleeping in 10 ms steps so as not to
    // take a core of a machine shared with other tests; terminate() stops it between two steps.
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  if (job.file.endsWith('.exit.eml')) process.exit(3);
  if (job.file.endsWith('.throw.eml')) throw new Error('fallo provocado en el analizador de prueba');
});
