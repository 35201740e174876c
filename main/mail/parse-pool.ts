/**
 * A pool of worker threads that parse raw messages (parse-worker.ts), so that parsing runs on
 * other cores while the service's thread fetches and writes. A message that takes longer than
 * `timeoutMs` (a pathological MIME tree) ends its worker — the only way to stop a parser stuck
 * in a loop — and is reported as unparseable; a new worker takes its place. A worker gets
 * messages only once it says it is loaded: its start-up never counts against a message, and a
 * worker that cannot even load (a broken build) blames no message: those waiting fail with the
 * reason, as a failed attempt (not unparseable), and the pool tries again some seconds later.
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
type Reply = { ready: true } | { id: number; ok: true; value: ParsedInbound } | { id: number; ok: false; error: string; code?: string; unparseable: boolean };

export type ParsePool = {
  parse(file: string): Promise<ParsedInbound>;
  close(): Promise<void>;
};

function workerSource(module?: URL): { source: string; eval: boolean } {
  const typescript = (module?.href ?? import.meta.url).endsWith('.ts');
  const worker = module ?? new URL(typescript ? './parse-worker.ts' : './parse-worker.js', import.meta.url);
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

export type ParsePoolOptions = {
  blobsDirectory: string;
  fsync: boolean;
  /** Parser threads (default: one per core up to 2 cores, then one per core but one, at most 4). */
  workers?: number;
  /** How long one message may take before its worker is ended and it is reported unparseable (default 2 minutes). */
  timeoutMs?: number;
  /** How long a worker may take to load before it is ended as one that cannot start (default 1 minute). */
  startTimeoutMs?: number;
  /**
   * The worker's module, in place of parse-worker beside this file. For tests only:
   * test-support/misbehaving-parse-worker.ts is the real worker plus a way to make it hang or crash.
   */
  workerModule?: URL;
};

const RESPAWN_AFTER_FAILED_START_MS = 5_000;

/** What a message still waiting or being parsed gets when the pool is closed: not the message's fault. */
const closedError = () => Object.assign(new Error('the parse pool is closed'), { code: 'ERR_PARSE_POOL_CLOSED' });

export function createParsePool(options: ParsePoolOptions): ParsePool {
  // Parsing is the bound of ingestion, and the service's own thread (IMAP, SQLite, RxDB) needs a
  // third of a core: two parser threads on a 2-core office PC (165 against 129 msg/s with one,
  // alternated on a quiet machine, docs/performance.md#mail-ingestion); beyond, one core stays
  // for the service's thread, at most 4.
  const cores = availableParallelism();
  const size = Math.max(1, options.workers ?? (cores <= 2 ? cores : Math.min(4, cores - 1)));
  const timeoutMs = options.timeoutMs ?? 120_000;
  // A worker loads in ~0.1 s built and ~1.5 s under tsx; a minute is a hung import, not a slow PC.
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const { source, eval: isEval } = workerSource(options.workerModule);
  const queue: Job[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Job>();
  // Every worker alive, loaded or not, for close().
  const all = new Set<Worker>();
  // Workers told to end (timed out, or the pool closing). terminate() is not immediate, and Node
  // still delivers a reply such a worker posted before it stopped: that reply must not put the
  // worker back in `idle`, where the next message would be handed to a thread about to vanish.
  const ending = new WeakSet<Worker>();
  let serial = 0;
  let closed = false;

  /** Takes the worker's message off it, its timer stopped; undefined if it had none. */
  const release = (worker: Worker): Job | undefined => {
    const job = busy.get(worker);
    busy.delete(worker);
    clearTimeout(job?.timer);
    return job;
  };

  const spawn = () => {
    const worker = new Worker(source, { eval: isEval, workerData: { blobsDirectory: options.blobsDirectory, fsync: options.fsync } });
    worker.unref();
    let ready = false;
    let failure: Error | undefined;
    // A worker that never says it is loaded (an import that hangs) would hold the messages for
    // ever: it is ended as one that cannot start, and its exit below tells them why.
    const startTimer = setTimeout(() => {
      failure = new Error(`no terminó de cargarse en ${Math.round(startTimeoutMs / 1000)} s`);
      ending.add(worker);
      void worker.terminate();
    }, startTimeoutMs);
    startTimer.unref();
    worker.on('message', (reply: Reply) => {
      if (ending.has(worker)) return;
      if ('ready' in reply) {
        clearTimeout(startTimer);
        ready = true;
        idle.push(worker);
        return next();
      }
      const job = release(worker);
      if (job && job.id === reply.id) {
        if (reply.ok) job.resolve(reply.value);
        else job.reject(reply.unparseable ? new UnparseableMail(reply.error) : Object.assign(new Error(reply.error), { code: reply.code }));
      }
      idle.push(worker);
      next();
    });
    // An uncaught error in the worker (its 'exit' follows). Not necessarily the message's fault,
    // so not unparseable: the processor counts an attempt and quarantines after MAX_ATTEMPTS.
    worker.on('error', (error) => {
      failure = error;
      release(worker)?.reject(new Error(`el analizador de correo falló con este mensaje: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      clearTimeout(startTimer);
      release(worker)?.reject(new UnparseableMail('el analizador de correo se detuvo con este mensaje'));
      const index = idle.indexOf(worker);
      if (index >= 0) idle.splice(index, 1);
      if (closed) return;
      if (ready) return spawn();
      // It died before it was loaded, and its successor would too. Unless a loaded worker is left
      // to serve them, the messages waiting are told why (the processor counts an attempt;
      // nothing is lost) instead of waiting for ever; the next try comes later, not in a loop
      // that takes a core. Unref'd, like the workers.
      if (idle.length + busy.size === 0) {
        const reason = `el analizador de correo no pudo arrancar: ${failure?.message ?? `salió con el código ${code}`}`;
        for (const job of queue.splice(0)) job.reject(new Error(reason, { cause: failure }));
      }
      setTimeout(() => closed || spawn(), RESPAWN_AFTER_FAILED_START_MS).unref();
    });
    all.add(worker);
    worker.once('exit', () => all.delete(worker));
  };

  const next = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      busy.set(worker, job);
      job.timer = setTimeout(() => {
        ending.add(worker);
        release(worker);
        job.reject(new UnparseableMail(`el análisis del mensaje superó ${Math.round(timeoutMs / 1000)} s`));
        void worker.terminate();
      }, timeoutMs);
      worker.postMessage({ id: job.id, file: job.file });
    }
  };

  for (let i = 0; i < size; i++) spawn();
  return {
    parse(file) {
      if (closed) return Promise.reject(closedError());
      return new Promise((resolve, reject) => {
        queue.push({ id: ++serial, file, resolve, reject });
        next();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(closedError());
      // Messages being parsed are not to blame for the shutdown: they fail as closed, never as
      // unparseable (which the processor would quarantine), and their timers go with them, so
      // that nothing keeps the process alive.
      const workers = [...all];
      for (const worker of workers) {
        ending.add(worker);
        release(worker)?.reject(closedError());
      }
      idle.length = 0;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
