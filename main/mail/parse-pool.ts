/**
 * A pool of worker threads that parse raw messages (parse-worker.ts), so that parsing runs on
 * other cores while the service's thread fetches and writes. A message that takes longer than
 * `timeoutMs` (a pathological MIME tree) ends its worker — the only way to stop a parser stuck
 * in a loop — and is reported as unparseable; a new worker takes its place.
 *
 * In development and tests the worker is TypeScript, loaded through tsx's register API. Built,
 * this module is JavaScript and parse-worker.js lies beside it: tsc puts it there, and the
 * Electron bundle (main/shell/vite.electron.config.ts) builds it as an entry of its own into the
 * folder where every chunk lies, so this code finds it wherever the bundler put it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UnparseableMail, type ParsedInbound } from './parse-mail';

type Job = { id: number; file: string; resolve(value: ParsedInbound): void; reject(error: Error): void; timer?: NodeJS.Timeout };
type Reply = { id: number; ok: true; value: ParsedInbound } | { id: number; ok: false; error: string; code?: string; unparseable: boolean };

export type ParsePool = {
  parse(file: string): Promise<ParsedInbound>;
  close(): Promise<void>;
};

function workerSource(): { source: string; eval: boolean } {
  const typescript = import.meta.url.endsWith('.ts');
  const worker = new URL(typescript ? './parse-worker.ts' : './parse-worker.js', import.meta.url);
  if (!typescript) {
    const file = fileURLToPath(worker);
    // Checked now, not when the first mail arrives: a build that forgot the worker fails at start.
    if (!existsSync(file)) throw new Error(`The mail parser's worker is missing: ${file} (main/shell/vite.electron.config.ts builds it beside the service)`);
    return { source: file, eval: false };
  }
  // tsx registers its loader hooks by itself only on the main thread under Node 20: call its
  // ESM register API (the .mjs twin of what require.resolve finds) before importing the worker.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return { source: `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(worker.href)}); });`, eval: true };
}

export function createParsePool(options: { blobsDirectory: string; fsync: boolean; workers?: number; timeoutMs?: number }): ParsePool {
  // One core stays for the service's own thread (IMAP, SQLite, RxDB): on a 2-core office PC,
  // one parser thread.
  const size = Math.max(1, options.workers ?? Math.min(4, availableParallelism() - 1));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const { source, eval: isEval } = workerSource();
  const queue: Job[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Job>();
  let serial = 0;
  let closed = false;

  const spawn = () => {
    const worker = new Worker(source, { eval: isEval, workerData: { blobsDirectory: options.blobsDirectory, fsync: options.fsync } });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const job = busy.get(worker);
      busy.delete(worker);
      if (job && job.id === reply.id) {
        clearTimeout(job.timer);
        if (reply.ok) job.resolve(reply.value);
        else job.reject(reply.unparseable ? new UnparseableMail(reply.error) : Object.assign(new Error(reply.error), { code: reply.code }));
      }
      idle.push(worker);
      next();
    });
    worker.on('error', (error) => {
      const job = busy.get(worker);
      busy.delete(worker);
      job?.reject(error);
    });
    worker.on('exit', () => {
      busy.get(worker)?.reject(new UnparseableMail('el analizador de correo se detuvo con este mensaje'));
      busy.delete(worker);
      const index = idle.indexOf(worker);
      if (index >= 0) idle.splice(index, 1);
      if (!closed) {
        idle.push(spawn());
        next();
      }
    });
    return worker;
  };

  const next = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      busy.set(worker, job);
      job.timer = setTimeout(() => {
        busy.delete(worker);
        job.reject(new UnparseableMail(`el análisis del mensaje superó ${Math.round(timeoutMs / 1000)} s`));
        void worker.terminate();
      }, timeoutMs);
      worker.postMessage({ id: job.id, file: job.file });
    }
  };

  for (let i = 0; i < size; i++) idle.push(spawn());
  return {
    parse(file) {
      if (closed) return Promise.reject(new Error('the parse pool is closed'));
      return new Promise((resolve, reject) => {
        queue.push({ id: ++serial, file, resolve, reject });
        next();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the parse pool is closed'));
      await Promise.all([...idle, ...busy.keys()].map((worker) => worker.terminate()));
    },
  };
}
