/**
 * Full-text search over ticket subjects and message texts: SQLite FTS5 in a file of its own beside
 * the database, fed from the collections' changes.
 *
 * - Derived data: it can always be rebuilt from the database (delete the file), so it is written
 *   with synchronous=NORMAL and never slows the clerk's writes down.
 * - Kept current by following each collection with RxDB's getChangedDocumentsSince from a
 *   checkpoint saved in the same transaction as the index rows; the change stream only says
 *   "there is more". A crash, a restart or a burst of writes can therefore never leave a gap.
 * - Spanish-aware: FTS5's unicode61 tokenizer folds case and accents; core/text/spanish-search
 *   turns the clerk's words into stems matched as prefixes.
 * - Fast at a million documents: FTS5 walks matches newest first (rowid DESC) and stops early,
 *   so we rank (bm25) only the newest RANK_WINDOW matches, never all of them (docs/performance.md).
 */
import Database from 'better-sqlite3';
import { getChangedDocumentsSince, type RxCollection, type RxDocumentData, type RxStorageDefaultCheckpoint, type RxStorageInstance } from 'rxdb';
import type { Subscription } from 'rxjs';
import type { Message, Ticket } from '../../core/schemas';
import { parseSearch } from '../../core/text/spanish-search';
import { explainSqliteError } from './store-errors';

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
 * Documents indexed per transaction while catching up. Each transaction leaves FTS5 a segment to
 * merge later: a first replica of a whole council indexes ~400,000 documents, and bigger batches
 * mean fewer, larger segments (docs/performance.md, Sync).
 */
const CATCH_UP_BATCH = 5_000;

type Followed = {
  name: 'tickets' | 'messages';
  storage: RxStorageInstance<Ticket | Message, unknown, unknown, RxStorageDefaultCheckpoint>;
};

type IndexRow = { key: string; ticketId: string; subject: string; body: string };

function rowOf(name: Followed['name'], doc: RxDocumentData<Ticket> | RxDocumentData<Message>): IndexRow {
  if (name === 'tickets') {
    const ticket = doc as RxDocumentData<Ticket>;
    return { key: 't:' + ticket.id, ticketId: ticket.id, subject: ticket.subject, body: '' };
  }
  const message = doc as RxDocumentData<Message>;
  return { key: 'm:' + message.id, ticketId: message.ticketId, subject: message.subject ?? '', body: message.text };
}

export class SearchIndex {
  private readonly db: Database.Database;
  private readonly subscriptions: Subscription[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly pending = new Set<string>();
  private closed = false;
  private readonly sql;

  private constructor(readonly file: string) {
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
      findDoc: db.prepare('SELECT rowid FROM search_docs WHERE doc_key = ?').pluck(),
      insertDoc: db.prepare('INSERT INTO search_docs (doc_key, ticket_id) VALUES (?, ?)'),
      deleteDoc: db.prepare('DELETE FROM search_docs WHERE rowid = ?'),
      insertText: db.prepare('INSERT INTO search_fts (rowid, subject, body) VALUES (?, ?, ?)'),
      deleteText: db.prepare('DELETE FROM search_fts WHERE rowid = ?'),
      getCheckpoint: db.prepare('SELECT checkpoint FROM search_checkpoints WHERE collection = ?').pluck(),
      setCheckpoint: db.prepare(
        'INSERT INTO search_checkpoints (collection, checkpoint) VALUES (?, ?) ON CONFLICT (collection) DO UPDATE SET checkpoint = excluded.checkpoint',
      ),
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

  static open(file: string): SearchIndex {
    return new SearchIndex(file);
  }

  /**
   * Indexes everything the collections hold that the index has not seen yet, then follows their
   * changes. Resolves once caught up.
   */
  async follow(collections: { tickets: RxCollection<Ticket>; messages: RxCollection<Message> }): Promise<void> {
    const followed: Followed[] = [
      { name: 'tickets', storage: collections.tickets.storageInstance as Followed['storage'] },
      { name: 'messages', storage: collections.messages.storageInstance as Followed['storage'] },
    ];
    for (const entry of followed) {
      // A failed catch-up (a full disk, say) loses nothing: the checkpoint did not move, and the
      // next change or start tries again. It must not become an unhandled rejection.
      this.subscriptions.push(
        entry.storage.changeStream().subscribe(() => {
          this.catchUp(entry).catch((error: unknown) => console.error(`search index ${this.file}: ${String(error)}`));
        }),
      );
    }
    await Promise.all(followed.map((entry) => this.catchUp(entry)));
  }

  /** Resolves when every change announced so far is in the index. */
  async caughtUp(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** Runs one catch-up per collection at a time; a change during a run asks for one more run. */
  private catchUp(entry: Followed): Promise<void> {
    const current = this.running.get(entry.name);
    if (current) {
      this.pending.add(entry.name);
      return current;
    }
    const run = (async () => {
      try {
        do {
          this.pending.delete(entry.name);
          await this.indexChanges(entry);
        } while (this.pending.has(entry.name) && !this.closed);
      } finally {
        this.running.delete(entry.name);
      }
    })();
    this.running.set(entry.name, run);
    return run;
  }

  private async indexChanges({ name, storage }: Followed): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const saved = this.sql.getCheckpoint.get(name) as string | undefined;
      const checkpoint = saved ? (JSON.parse(saved) as RxStorageDefaultCheckpoint) : undefined;
      const page = await getChangedDocumentsSince(storage, CATCH_UP_BATCH, checkpoint);
      if (this.closed || page.documents.length === 0) return;
      this.db.transaction(() => {
        for (const doc of page.documents) {
          const row = rowOf(name, doc as RxDocumentData<Ticket> & RxDocumentData<Message>);
          this.remove(row.key);
          if (!doc._deleted) this.insert(row);
        }
        this.sql.setCheckpoint.run(name, JSON.stringify(page.checkpoint));
      })();
      if (page.documents.length < CATCH_UP_BATCH) return;
    }
  }

  private remove(key: string): void {
    const rowid = this.sql.findDoc.get(key) as number | undefined;
    if (rowid === undefined) return;
    this.sql.deleteText.run(rowid);
    this.sql.deleteDoc.run(rowid);
  }

  private insert(row: IndexRow): void {
    const { lastInsertRowid } = this.sql.insertDoc.run(row.key, row.ticketId);
    this.sql.insertText.run(lastInsertRowid, row.subject, row.body);
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
    await Promise.allSettled(this.running.values());
    this.db.close();
  }
}
