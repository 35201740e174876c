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
 *   thread only searches (WAL: it reads while the writer writes). The thread's life — started
 *   when there is something to index, gone when idle, tried again after a failure — is
 *   search-index-writer.ts.
 * - Never waited for: following starts at once, and until the writer has caught up (seconds to
 *   minutes after a first replica, a long offline spell or a restart in the middle of a backlog)
 *   a search finds what is indexed so far. The index says so (`status()`, `onStatus`,
 *   search-index-lag.ts), so that the screens can tell a clerk searching meanwhile that the
 *   results may be incomplete; reading the status is reading three fields, and the writer counts
 *   what is left only while it works through a backlog. Whoever needs every change (a test, a
 *   benchmark) asks for it (`caughtUp()`).
 * - Spanish-aware: FTS5's unicode61 tokenizer folds case and accents; core/text/spanish-search
 *   turns the clerk's words into stems matched as prefixes.
 * - Fast at a million documents: FTS5 walks matches newest first (rowid DESC) and stops early,
 *   so we rank (bm25) only the newest RANK_WINDOW matches, never all of them (docs/performance.md).
 */
import Database from 'better-sqlite3';
import type { RxCollection, RxStorageInstance } from 'rxdb';
import type { Subscription } from 'rxjs';
import type { Message, Ticket } from '../../core/schemas';
import { parseSearch } from '../../core/text/spanish-search';
import { indexColumnName } from './index-columns';
import { SearchIndexLag, type SearchIndexStatus } from './search-index-lag';
import type { FollowedTable } from './search-index-worker';
import { IDLE_EXIT_MS, RETRY_FIRST_MS, SearchIndexWriter, type SearchWriterState } from './search-index-writer';
import { explainSqliteError, storeError } from './store-errors';
import { sqliteInstanceOf } from './store-transaction';

export { BEHIND_GRACE_MS, STATUS_INTERVAL_MS, type SearchIndexStatus } from './search-index-lag';
export { IDLE_EXIT_MS, RETRY_FIRST_MS, type SearchWriterState } from './search-index-writer';

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

export class SearchIndex {
  private readonly db: Database.Database;
  private readonly subscriptions: Subscription[] = [];
  /** The writer thread's keeper, once the index follows the collections. */
  private writer: SearchIndexWriter | undefined;
  /** How far the index trails the database, for the screens (search-index-lag.ts). */
  private readonly lag: SearchIndexLag;
  private closed = false;
  private readonly sql;
  private readonly log: (line: string) => void;
  private readonly idleExitMs: number;
  private readonly retryFirstMs: number;

  private constructor(
    readonly file: string,
    options: SearchIndexOptions,
  ) {
    this.log = options.log ?? ((line) => console.error(line));
    this.idleExitMs = options.idleExitMs ?? IDLE_EXIT_MS;
    this.retryFirstMs = options.retryFirstMs ?? RETRY_FIRST_MS;
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
      checkpoint: db.prepare('SELECT checkpoint FROM search_checkpoints WHERE collection = ?').pluck(),
    };
  }

  static open(file: string, options: SearchIndexOptions = {}): SearchIndex {
    return new SearchIndex(file, options);
  }

  /**
   * Follows the collections' changes, and starts indexing what they hold that the index has not
   * seen yet — without waiting for it: `caughtUp()` resolves once it is done, `status()` says how
   * far behind it is meanwhile. The indexing runs in a worker thread (search-index-worker.ts);
   * the change streams only tell it that there is more to read.
   */
  follow(collections: { tickets: RxCollection<Ticket>; messages: RxCollection<Message> }): void {
    if (this.closed) throw new Error(`the search index ${this.file} is closed`);
    if (this.writer) throw new Error(`the search index ${this.file} already follows its collections`);
    const storages = { tickets: collections.tickets.storageInstance, messages: collections.messages.storageInstance } as Record<FollowedTable['name'], RxStorageInstance<unknown, unknown, unknown>>;
    const instances = (['tickets', 'messages'] as const).map((name) => {
      const instance = sqliteInstanceOf(storages[name]);
      if (!instance) throw storeError('STORE_FOREIGN_INSTANCE', `the search index follows ${name} in Ventanilla's SQLite storage only`);
      return { name, instance };
    });
    const followed: FollowedTable[] = instances.map(({ name, instance }) => {
      // The index getChangedDocumentsSince pages by, as sqlite-instance.ts names its column.
      const lwtFields = ['_meta.lwt', instance.primaryPath as string];
      return { name, table: instance.internals.table, lwtColumn: indexColumnName(instance.schema as FollowedTable['schema'], lwtFields), lwtFields, schema: instance.schema as FollowedTable['schema'] };
    });
    const databaseFile = instances[0]!.instance.internals.connection.file;
    const writer = new SearchIndexWriter(this.file, { searchFile: this.file, databaseFile, followed }, this.lag, {
      log: this.log,
      idleExitMs: this.idleExitMs,
      retryFirstMs: this.retryFirstMs,
    });
    this.writer = writer;
    for (const { name } of followed) {
      this.subscriptions.push(storages[name].changeStream().subscribe(() => writer.announce(name)));
    }
    // What was committed before the subscriptions and is not indexed yet: a writer starts for it
    // now. A collection with nothing past its checkpoint (the usual restart) starts none, and the
    // status stays caught up. One row read through the lwt index, on this thread.
    for (const { name, instance } of instances) {
      const saved = this.sql.checkpoint.get(name) as string | undefined;
      const checkpoint = saved ? (JSON.parse(saved) as { id: string; lwt: number }) : undefined;
      const pending = instance.changesSince(1, checkpoint && { id: checkpoint.id, lwt: checkpoint.lwt }).documents.length > 0;
      if (pending) writer.announce(name);
    }
  }

  /**
   * Resolves when every change announced so far is in the index (at once before `follow`);
   * rejects when the writer failed to index it (a full disk, say: nothing is lost; it tries again
   * by itself, RETRY_FIRST_MS later, or at the next change).
   */
  caughtUp(): Promise<void> {
    return this.writer?.caughtUp() ?? Promise.resolve();
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
    return this.writer?.status ?? { state: 'stopped', starts: 0 };
  }

  /** Resolves when the writer is in `state`: at once if it is, otherwise at its next change into it. */
  writerReaches(state: SearchWriterState): Promise<void> {
    if (!this.writer) throw new Error(`the search index ${this.file} has no writer before it follows its collections`);
    return this.writer.reaches(state);
  }

  /**
   * Ends the writer thread at once, wherever it is (in the middle of a batch: its transaction is
   * rolled back) — what a crash of the thread looks like from here. For tests and diagnostics.
   */
  async terminateWriter(): Promise<void> {
    await this.writer?.terminate();
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
    this.lag.close();
    this.subscriptions.forEach((s) => s.unsubscribe());
    await this.writer?.close();
    this.db.close();
  }
}
