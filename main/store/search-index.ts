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
import { explainSqliteError, storeError } from './store-errors';
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

export class SearchIndex {
  private readonly db: Database.Database;
  private readonly subscriptions: Subscription[] = [];
  private worker: Worker | undefined;
  private workerData: SearchWorkerData | undefined;
  /** Announcements sent to the writer, and the last one it has indexed. */
  private announced = 0;
  private indexed = 0;
  private waiters: Waiter[] = [];
  private closed = false;
  private readonly sql;

  /** `log`: where the writer's failures are reported (the service's log; stderr by default). */
  private constructor(
    readonly file: string,
    private readonly log: (line: string) => void,
  ) {
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

  static open(file: string, log: (line: string) => void = (line) => console.error(line)): SearchIndex {
    return new SearchIndex(file, log);
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
   * to index it (a full disk, say: nothing is lost, the next change tries again).
   */
  caughtUp(): Promise<void> {
    if (this.indexed >= this.announced || this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq: this.announced, resolve, reject }));
  }

  /** Tells the writer that the collection has committed changes, starting it if need be. */
  private announce(name: FollowedTable['name']): void {
    if (this.closed || !this.workerData) return;
    const first = !this.worker;
    const worker = (this.worker ??= this.startWorker(this.workerData));
    this.announced++;
    // A writer started again after a failure re-reads both collections from their checkpoints.
    if (first) for (const other of this.workerData.followed) if (other.name !== name) worker.postMessage({ changed: other.name, seq: this.announced } satisfies SearchWorkerRequest);
    worker.postMessage({ changed: name, seq: this.announced } satisfies SearchWorkerRequest);
  }

  private startWorker(data: SearchWorkerData): Worker {
    const { source, eval: isEval } = workerSource();
    const worker = new Worker(source, { eval: isEval, workerData: data });
    // The service's exit must not wait for it: what it had not indexed, the next start indexes.
    worker.unref();
    worker.on('message', (reply: SearchWorkerReply) => {
      if ('indexed' in reply) {
        this.indexed = Math.max(this.indexed, reply.indexed);
        this.settle((waiter) => (waiter.seq <= this.indexed ? 'resolve' : undefined));
      } else {
        const error = new Error(`search index ${this.file}: ${reply.error}`);
        this.log(error.message);
        this.settle((waiter) => (waiter.seq <= reply.failed ? error : undefined));
      }
    });
    const lost = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.closed) return;
      // The next announcement starts another writer; whoever waits now hears why.
      const failure = new Error(`search index ${this.file}: its writer stopped: ${error.message}`);
      this.log(failure.message);
      this.settle(() => failure);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`exit code ${code}`)));
    return worker;
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
    this.subscriptions.forEach((s) => s.unsubscribe());
    const worker = this.worker;
    if (worker) {
      // The writer finishes the batch it is in (its transaction), then closes its files.
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage({ close: true } satisfies SearchWorkerRequest);
      await exited;
    }
    this.settle(() => 'resolve');
    this.db.close();
  }
}
