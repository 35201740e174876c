/**
 * The search index's writer thread as the service sees it (search-index.ts owns one of these once
 * it follows the collections): started when there is something to index, gone when idle, started
 * again after a crash or a failed batch, and who waits for what to be indexed.
 *
 * - The writer runs only while there is something to index: caught up and idle for
 *   `idleExitMs` (IDLE_EXIT_MS), it exits and gives back its V8 isolate and SQLite caches (the
 *   workstation's memory target, docs/performance.md#the-search-indexs-writer-only-while-there-is-something-to-index);
 *   the next change starts it again. A writer that crashed (or a batch that failed) is tried
 *   again at the next change, or by itself RETRY_FIRST_MS later. A new writer reads every
 *   collection from its saved checkpoint, so neither loses a change.
 * - Nobody waits for it unless they ask (`caughtUp()`): opening the database does not, so a
 *   restart in the middle of a large backlog shows the clerk the inbox at once, while the lag is
 *   told to the screens (search-index-lag.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FollowedTable, SearchWorkerData, SearchWorkerReply, SearchWorkerRequest } from './search-index-worker';
import type { SearchIndexLag } from './search-index-lag';

/**
 * The writer thread's life: `starting` (its isolate loads and opens its files), `running`,
 * `stopping` (told to exit: idle, or the index is closing), `stopped` (none: the next change
 * starts one).
 */
export type SearchWriterState = 'stopped' | 'starting' | 'running' | 'stopping';

/**
 * After a failed batch (a full disk, a locked file) or a crashed writer the index tries again by
 * itself, RETRY_FIRST_MS later and twice as long each time up to RETRY_MAX_MS: on a quiet
 * workstation no change may come for hours, and until then the clerk's searches would miss what
 * the failed batch held (the screens say the index is behind meanwhile).
 */
export const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;

/**
 * 30 s. Starting the writer costs ~80 ms of CPU and ~0.2 s until it answers (a V8 isolate,
 * better-sqlite3, its files opened; measured on the built worker at load ~8, docs/performance.md),
 * so a workstation that receives a change just after each exit spends at most that every 30 s —
 * under 0.3 % of a core — and a change written after a quiet spell is searchable ~0.2 s later;
 * while a quiet workstation (no replication traffic, no clerk writing) holds no writer half a
 * minute after the last change (~9 MB while it runs). A burst of changes (a replica catching
 * up, a clerk at work) keeps one writer running.
 */
export const IDLE_EXIT_MS = 30_000;

export type SearchWriterOptions = {
  /** Where the writer's failures are reported (the service's log). */
  log: (line: string) => void;
  idleExitMs: number;
  retryFirstMs: number;
};

/**
 * The writer's module, as parse-pool.ts (main/mail) starts its worker: TypeScript through tsx's
 * register API in development and tests; built, search-index-worker.js beside this module (the
 * service's bundles build it as an entry of its own: SERVICE_INPUT, main/host/node-bundle.ts).
 */
function workerSource(): { source: string; eval: boolean } {
  const typescript = import.meta.url.endsWith('.ts');
  const worker = new URL(typescript ? './search-index-worker.ts' : './search-index-worker.js', import.meta.url);
  if (!typescript) {
    const file = fileURLToPath(worker);
    if (!existsSync(file)) throw new Error(`The search index's worker is missing: ${file} (SERVICE_INPUT of main/host/node-bundle.ts builds it beside the service)`);
    return { source: file, eval: false };
  }
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return { source: `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(worker.href)}); });`, eval: true };
}

type Waiter = { seq: number; resolve(): void; reject(error: Error): void };
type WriterThread = { worker: Worker; state: Exclude<SearchWriterState, 'stopped'>; exited: Promise<void> };

export class SearchIndexWriter {
  /** The writer thread while there is one. */
  private writer: WriterThread | undefined;
  /**
   * Announcements made, the last one the writer has indexed, and the last one it has answered
   * (indexed or failed): it is idle when it has answered every announcement.
   */
  private announced = 0;
  private indexed = 0;
  private answered = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private writerStarts = 0;
  private stateListeners: ((state: SearchWriterState) => void)[] = [];
  private retryDelay: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private waiters: Waiter[] = [];
  private closed = false;

  constructor(
    /** The index file, for the messages of the log. */
    private readonly file: string,
    private readonly data: SearchWorkerData,
    /** How far the index trails the database, told what the writer does. */
    private readonly lag: SearchIndexLag,
    private readonly options: SearchWriterOptions,
  ) {
    this.retryDelay = options.retryFirstMs;
  }

  /**
   * Resolves when every change announced so far is in the index; rejects when the writer failed
   * to index it (a full disk, say: nothing is lost; it tries again by itself, RETRY_FIRST_MS later,
   * or at the next change).
   */
  caughtUp(): Promise<void> {
    if (this.indexed >= this.announced || this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq: this.announced, resolve, reject }));
  }

  /** Where the writer thread is in its life, and how many times one was started. */
  get status(): { state: SearchWriterState; starts: number } {
    return { state: this.writer?.state ?? 'stopped', starts: this.writerStarts };
  }

  /** Resolves when the writer is in `state`: at once if it is, otherwise at its next change into it. */
  reaches(state: SearchWriterState): Promise<void> {
    if (this.status.state === state) return Promise.resolve();
    return new Promise((resolve) => {
      const listener = (now: SearchWriterState) => {
        if (now !== state) return;
        this.stateListeners = this.stateListeners.filter((other) => other !== listener);
        resolve();
      };
      this.stateListeners.push(listener);
    });
  }

  /** Ends the writer thread at once, wherever it is: what a crash looks like from here. */
  async terminate(): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    await writer.worker.terminate();
    await writer.exited;
  }

  /** Tells the writer that the collection has committed changes, starting it if need be. */
  announce(name: FollowedTable['name']): void {
    if (this.closed) return;
    this.lag.fellBehind();
    this.announced++;
    clearTimeout(this.idleTimer);
    const writer = this.writer;
    // A writer told to exit is not told anything more; when it is gone, a new one starts and
    // reads every collection from its checkpoint, this change included.
    if (writer?.state === 'stopping') return;
    if (writer) writer.worker.postMessage({ changed: name, seq: this.announced } satisfies SearchWorkerRequest);
    else this.start();
  }

  /**
   * Starts a writer and tells it to read every collection from its checkpoint: what an earlier
   * writer (exited idle, crashed, or left with the last session) had not indexed is indexed now.
   */
  private start(): void {
    const { source, eval: isEval } = workerSource();
    const worker = new Worker(source, { eval: isEval, workerData: this.data });
    // The service's exit must not wait for it: what it had not indexed, the next start indexes.
    worker.unref();
    this.writerStarts++;
    let exited!: () => void;
    const writer: WriterThread = { worker, state: 'starting', exited: new Promise<void>((resolve) => (exited = resolve)) };
    this.writer = writer;
    this.changeState('starting');
    for (const { name } of this.data.followed) worker.postMessage({ changed: name, seq: this.announced } satisfies SearchWorkerRequest);
    worker.on('message', (reply: SearchWorkerReply) => {
      if (this.writer !== writer) return;
      if ('ready' in reply) {
        if (writer.state === 'starting') this.changeState((writer.state = 'running'));
        return;
      }
      if ('remaining' in reply) {
        this.lag.counted(reply.remaining);
        return;
      }
      if ('indexed' in reply) {
        this.indexed = Math.max(this.indexed, reply.indexed);
        this.answered = Math.max(this.answered, reply.indexed);
        if (this.indexed >= this.announced) {
          clearTimeout(this.retryTimer);
          this.retryTimer = undefined;
          this.retryDelay = this.options.retryFirstMs;
          this.lag.caughtUp();
        }
        this.settle((waiter) => (waiter.seq <= this.indexed ? 'resolve' : undefined));
      } else {
        this.answered = Math.max(this.answered, reply.failed);
        const error = new Error(`search index ${this.file}: ${reply.error}`);
        this.options.log(error.message);
        this.settle((waiter) => (waiter.seq <= reply.failed ? error : undefined));
        this.retryLater();
      }
      if (this.answered >= this.announced) this.armIdleExit();
    });
    let failure: Error | undefined;
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => {
      const expected = writer.state === 'stopping' && code === 0;
      this.writer = undefined;
      exited();
      this.changeState('stopped');
      if (this.closed) return;
      if (!expected) {
        // A crash: whoever waits hears why; the next announcement starts another writer.
        const lost = new Error(`search index ${this.file}: its writer stopped: ${(failure ?? new Error(`exit code ${code}`)).message}`);
        this.options.log(lost.message);
        this.settle(() => lost);
        this.retryLater();
      } else if (this.announced > this.answered) {
        // Changes announced while it was exiting: a new writer reads them from the checkpoints.
        this.start();
      }
    });
  }

  /** After a failure: announces every collection again later (RETRY_FIRST_MS), unless a change does it first. */
  private retryLater(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closed || this.indexed >= this.announced) return;
      for (const { name } of this.data.followed) this.announce(name);
    }, delay);
    this.retryTimer.unref();
  }

  /** Caught up: the writer exits unless a change comes within idleExitMs. */
  private armIdleExit(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      const writer = this.writer;
      if (this.closed || !writer || writer.state === 'stopping' || this.answered < this.announced) return;
      this.changeState((writer.state = 'stopping'));
      writer.worker.postMessage({ close: true } satisfies SearchWorkerRequest);
    }, this.options.idleExitMs);
    // Never what keeps the service alive.
    this.idleTimer.unref();
  }

  private changeState(state: SearchWriterState): void {
    for (const listener of [...this.stateListeners]) listener(state);
  }

  private settle(decide: (waiter: Waiter) => 'resolve' | Error | undefined): void {
    this.waiters = this.waiters.filter((waiter) => {
      const outcome = decide(waiter);
      if (outcome === 'resolve') waiter.resolve();
      else if (outcome) waiter.reject(outcome);
      return outcome === undefined;
    });
  }

  /**
   * Lets a writer finish the batch it is in (its transaction), close its files and exit; whoever
   * waits is let go (what was not indexed, the next open indexes from the checkpoints).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.retryTimer);
    const writer = this.writer;
    if (writer) {
      // Starting, running or already exiting: told twice, it exits once.
      if (writer.state !== 'stopping') this.changeState((writer.state = 'stopping'));
      writer.worker.postMessage({ close: true } satisfies SearchWorkerRequest);
      await writer.exited;
    }
    this.settle(() => 'resolve');
  }
}
