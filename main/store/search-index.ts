/**
 * Full-text search over ticket subjects and message texts: SQLite FTS5 in a file of its own beside
 * the database, fed from the collections' changes.
 *
 * - Derived data: it can always be rebuilt from the database (delete the file), so it is written
 *   with synchronous=NORMAL and never slows the clerk's writes down.
 * - Kept current by following each collection's changes (getChangedDocumentsSince's query) from a
 *   checkpoint saved in the same transaction as the index rows; the change stream only says
 *   "there is more". A crash, a restart or a burst of writes can therefore never leave a gap.
 * - Written in a worker thread (search-index-worker.ts), on another core than the service's
 *   writes and queries: a first replica of a whole council is not held up by its indexing. This
 *   thread only searches (WAL: it reads while the writer writes). Until the writer has caught
 *   up, a search finds what is indexed so far: the documents that arrived first.
 * - The writer runs only while there is something to index: caught up and idle for
 *   `idleExitMs` (IDLE_EXIT_MS), it exits and gives back its V8 isolate and SQLite caches (the
 *   workstation's memory target, docs/performance.md#the-search-indexs-writer-only-while-there-is-something-to-index);
 *   the next change starts it again. A writer that crashed (or a batch that failed) is tried
 *   again at the next change, or by itself RETRY_FIRST_MS later. A new writer reads every
 *   collection from its saved checkpoint, so neither loses a change.
 * - Says when it lags (`status()`, `onStatus`, search-index-lag.ts): after a first replica or a
 *   long offline spell the index trails the replica by seconds to minutes, and a clerk searching
 *   then must be told that the results may be incomplete. Reading the status is reading three
 *   fields; the writer counts what is left only while it works through a backlog.
 * - Spanish-aware: FTS5's unicode61 tokenizer folds case and accents; core/text/spanish-search
 *   turns the clerk's words into stems matched as prefixes.
 * - Fast at a million documents: FTS5 walks matches newest first (rowid DESC) and stops early,
 *   so we rank (bm25) only the newest RANK_WINDOW matches, never all of them (docs/performance.md).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { RxCollection, RxStorageInstance } from 'rxdb';
import type { Subscription } from 'rxjs';
import type { Message, Ticket } from '../../core/schemas';
import { parseSearch } from '../../core/text/spanish-search';
import { indexColumnName } from './index-columns';
import type { FollowedTable, SearchWorkerData, SearchWorkerReply, SearchWorkerRequest } from './search-index-worker';
import { SearchIndexLag, type SearchIndexStatus } from './search-index-lag';
import { explainSqliteError, storeError } from './store-errors';

export { BEHIND_GRACE_MS, STATUS_INTERVAL_MS, type SearchIndexStatus } from './search-index-lag';
import { sqliteInstanceOf } from './store-transaction';

export type SearchHit = {
  ticketId: string;
  /** Where the best match of this ticket is: its subject or one of its messages. */
  source: 'ticket' | 'message';
  documentId: string;
  /** Text around the match; matched words between SNIPPET_MARK.start and SNIPPET_MARK.end. */
  snippet: string;
  /** bm25 relevance: lower is better. */
  score: number;
};

/** Control characters that never occur in mail text, so the screens can split on them safely. */
export const SNIPPET_MARK = { start: '\u0002', end: '\u0003' } as const;

/** How many of the newest matches are ranked by relevance. */
const RANK_WINDOW = 500;

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

/**
 * The writer thread's life: `starting` (its isolate loads and opens its files), `running`,
 * `stopping` (told to exit: idle, or the index is closing), `stopped` (none: the next change
 * starts one).
 */
export type SearchWriterState = 'stopped' | 'starting' | 'running' | 'stopping';

export type SearchIndexOptions = {
  /** Where the writer's failures are reported (the service's log); stderr by default. */
  log?: (line: string) => void;
  /**
   * How long the writer stays once it has indexed every change announced, before it exits
   * (default IDLE_EXIT_MS). Tests shorten it.
   */
  idleExitMs?: number;
  /**
   * How long the index must have been behind before `status()` says so (default BEHIND_GRACE_MS):
   * a clerk's own change is searchable ~0.2 s after it is saved, and must not flash a warning.
   */
  behindGraceMs?: number;
  /** At most one `onStatus` call per this many ms while the count of what is left changes (default STATUS_INTERVAL_MS). */
  statusIntervalMs?: number;
  /** The first wait before trying again after a failed batch or a crashed writer (default RETRY_FIRST_MS). */
  retryFirstMs?: number;
};

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

type WriterThread = { worker: Worker; state: Exclude<SearchWriterState, 'stopped'>; exited: Promise<void> };

export class SearchIndex {
  private readonly db: Database.Database;
  private readonly subscriptions: Subscription[] = [];
  /** The writer thread while there is one. */
  private writer: WriterThread | undefined;
  private workerData: SearchWorkerData | undefined;
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
  /** How far the index trails the database, for the screens (search-index-lag.ts). */
  private readonly lag: SearchIndexLag;
  private readonly retryFirstMs: number;
  private retryDelay: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private waiters: Waiter[] = [];
  private closed = false;
  private readonly sql;
  private readonly log: (line: string) => void;
  private readonly idleExitMs: number;

  private constructor(
    readonly file: string,
    options: SearchIndexOptions,
  ) {
    this.log = options.log ?? ((line) => console.error(line));
    this.idleExitMs = options.idleExitMs ?? IDLE_EXIT_MS;
    this.retryFirstMs = this.retryDelay = options.retryFirstMs ?? RETRY_FIRST_MS;
    const { behindGraceMs, statusIntervalMs } = options;
    for (const [name, value] of Object.entries({ idleExitMs: this.idleExitMs, behindGraceMs, statusIntervalMs, retryFirstMs: this.retryFirstMs })) {
      if (value !== undefined && !(value >= 0)) throw new RangeError(`${name} must be a number of milliseconds, not ${value}`);
    }
    this.lag = new SearchIndexLag(behindGraceMs, statusIntervalMs);
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS search_docs (
          rowid INTEGER PRIMARY KEY,
          doc_key TEXT NOT NULL UNIQUE,
          ticket_id TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(subject, body, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE IF NOT EXISTS search_checkpoints (collection TEXT PRIMARY KEY, checkpoint TEXT NOT NULL);
      `);
    } catch (error) {
      throw explainSqliteError(error, file, 'opening the search index');
    }
    const db = this.db;
    this.sql = {
      // One pass: FTS5 builds a snippet only for the rows it returns, so 500 snippets cost less
      // than running the MATCH again per hit (docs/performance.md, search).
      candidates: db.prepare(
        `SELECT c.rowid AS rowid, c.score AS score, c.snippet AS snippet, d.ticket_id AS ticketId, d.doc_key AS key
         FROM (SELECT rowid, bm25(search_fts, 2.0, 1.0) AS score,
                      snippet(search_fts, -1, '${SNIPPET_MARK.start}', '${SNIPPET_MARK.end}', '…', 16) AS snippet
               FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT ${RANK_WINDOW}) c
         JOIN search_docs d ON d.rowid = c.rowid`,
      ),
    };
  }

  static open(file: string, options: SearchIndexOptions = {}): SearchIndex {
    return new SearchIndex(file, options);
  }

  /**
   * Indexes everything the collections hold that the index has not seen yet, then follows their
   * changes. Resolves once caught up. The indexing runs in a worker thread
   * (search-index-worker.ts); the change streams only tell it that there is more to read.
   */
  async follow(collections: { tickets: RxCollection<Ticket>; messages: RxCollection<Message> }): Promise<void> {
    const storages = { tickets: collections.tickets.storageInstance, messages: collections.messages.storageInstance } as Record<FollowedTable['name'], RxStorageInstance<unknown, unknown, unknown>>;
    const followed: FollowedTable[] = (['tickets', 'messages'] as const).map((name) => {
      const instance = sqliteInstanceOf(storages[name]);
      if (!instance) throw storeError('STORE_FOREIGN_INSTANCE', `the search index follows ${name} in Ventanilla's SQLite storage only`);
      // The index getChangedDocumentsSince pages by, as sqlite-instance.ts names its column.
      const lwtFields = ['_meta.lwt', instance.primaryPath as string];
      return { name, table: instance.internals.table, lwtColumn: indexColumnName(instance.schema as FollowedTable['schema'], lwtFields), lwtFields, schema: instance.schema as FollowedTable['schema'] };
    });
    const databaseFile = sqliteInstanceOf(storages.tickets)!.internals.connection.file;
    this.workerData = { searchFile: this.file, databaseFile, followed };
    for (const { name } of followed) {
      this.subscriptions.push(storages[name].changeStream().subscribe(() => this.announce(name)));
    }
    for (const { name } of followed) this.announce(name);
    await this.caughtUp();
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

  /**
   * Whether the index has every change committed so far, since when it has not and about how much
   * is left. Cheap (no query): the screens may ask at every search. A lag shorter than
   * behindGraceMs reads as caught up.
   */
  status(): SearchIndexStatus {
    return this.lag.status();
  }

  /**
   * Calls `listener` when `status()` changes: at once when the index falls behind (after the
   * grace) or catches up, at most every statusIntervalMs while the count of what is left goes
   * down. Returns the unsubscribe.
   */
  onStatus(listener: (status: SearchIndexStatus) => void): () => void {
    return this.lag.onStatus(listener);
  }

  /** Where the writer thread is in its life, and how many times one was started (diagnostics, tests). */
  get writerStatus(): { state: SearchWriterState; starts: number } {
    return { state: this.writer?.state ?? 'stopped', starts: this.writerStarts };
  }

  /** Resolves when the writer is in `state`: at once if it is, otherwise at its next change into it. */
  writerReaches(state: SearchWriterState): Promise<void> {
    if (this.writerStatus.state === state) return Promise.resolve();
    return new Promise((resolve) => {
      const listener = (now: SearchWriterState) => {
        if (now !== state) return;
        this.stateListeners = this.stateListeners.filter((other) => other !== listener);
        resolve();
      };
      this.stateListeners.push(listener);
    });
  }

  /**
   * Ends the writer thread at once, wherever it is (in the middle of a batch: its transaction is
   * rolled back) — what a crash of the thread looks like from here. For tests and diagnostics.
   */
  async terminateWriter(): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    await writer.worker.terminate();
    await writer.exited;
  }

  /** Tells the writer that the collection has committed changes, starting it if need be. */
  private announce(name: FollowedTable['name']): void {
    if (this.closed || !this.workerData) return;
    this.lag.fellBehind();
    this.announced++;
    clearTimeout(this.idleTimer);
    const writer = this.writer;
    // A writer told to exit is not told anything more; when it is gone, a new one starts and
    // reads every collection from its checkpoint, this change included.
    if (writer?.state === 'stopping') return;
    if (writer) writer.worker.postMessage({ changed: name, seq: this.announced } satisfies SearchWorkerRequest);
    else this.startWriter(this.workerData);
  }

  /**
   * Starts a writer and tells it to read every collection from its checkpoint: what an earlier
   * writer (exited idle, crashed, or left with the last session) had not indexed is indexed now.
   */
  private startWriter(data: SearchWorkerData): void {
    const { source, eval: isEval } = workerSource();
    const worker = new Worker(source, { eval: isEval, workerData: data });
    // The service's exit must not wait for it: what it had not indexed, the next start indexes.
    worker.unref();
    this.writerStarts++;
    let exited!: () => void;
    const writer: WriterThread = { worker, state: 'starting', exited: new Promise<void>((resolve) => (exited = resolve)) };
    this.writer = writer;
    this.changeState('starting');
    for (const { name } of data.followed) worker.postMessage({ changed: name, seq: this.announced } satisfies SearchWorkerRequest);
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
          this.retryDelay = this.retryFirstMs;
          this.lag.caughtUp();
        }
        this.settle((waiter) => (waiter.seq <= this.indexed ? 'resolve' : undefined));
      } else {
        this.answered = Math.max(this.answered, reply.failed);
        const error = new Error(`search index ${this.file}: ${reply.error}`);
        this.log(error.message);
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
        this.log(lost.message);
        this.settle(() => lost);
        this.retryLater();
      } else if (this.announced > this.answered) {
        // Changes announced while it was exiting: a new writer reads them from the checkpoints.
        this.startWriter(data);
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
      if (this.closed || !this.workerData || this.indexed >= this.announced) return;
      for (const { name } of this.workerData.followed) this.announce(name);
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
    }, this.idleExitMs);
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
   * Tickets matching every word of `text`, best first (at most one hit per ticket). Relevance is
   * ranked among the newest RANK_WINDOW matching documents.
   */
  search(text: string, { limit = 20 }: { limit?: number } = {}): SearchHit[] {
    const { match } = parseSearch(text);
    if (!match) return [];
    try {
      type Candidate = { rowid: number; score: number; snippet: string; ticketId: string; key: string };
      const candidates = this.sql.candidates.all(match) as Candidate[];
      candidates.sort((a, b) => a.score - b.score || b.rowid - a.rowid);
      const hits: SearchHit[] = [];
      const seen = new Set<string>();
      for (const candidate of candidates) {
        if (hits.length >= limit) break;
        if (seen.has(candidate.ticketId)) continue;
        seen.add(candidate.ticketId);
        hits.push({
          ticketId: candidate.ticketId,
          source: candidate.key.startsWith('t:') ? 'ticket' : 'message',
          documentId: candidate.key.slice(2),
          snippet: candidate.snippet,
          score: candidate.score,
        });
      }
      return hits;
    } catch (error) {
      throw explainSqliteError(error, this.file, 'searching');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.retryTimer);
    this.lag.close();
    this.subscriptions.forEach((s) => s.unsubscribe());
    const writer = this.writer;
    if (writer) {
      // Starting, running or already exiting: the writer finishes the batch it is in (its
      // transaction), closes its files and exits. Told twice, it exits once.
      if (writer.state !== 'stopping') this.changeState((writer.state = 'stopping'));
      writer.worker.postMessage({ close: true } satisfies SearchWorkerRequest);
      await writer.exited;
    }
    this.settle(() => 'resolve');
    this.db.close();
  }
}
