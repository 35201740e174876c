/**
 * The search index's writer, in a worker thread of its own (search-index-writer.ts starts it): FTS5's
 * inserts, its segment merges and the reading of the changed documents cost a fifth of a first
 * replica's CPU (docs/performance.md, Sync), which on the service's thread delayed the replica and
 * every query of the screens. Here they run on another core.
 *
 * It reads the collections' changes itself, through a read-only connection of its own to the
 * database file (WAL: it never blocks the service's writes, and sees only committed ones), with
 * the same query and the same checkpoint (`{id, lwt}`) as RxDB's getChangedDocumentsSince on our
 * storage (sqlite-instance.ts changesSince). The checkpoint is saved in the same transaction as
 * the index rows, so a crash, a restart or a burst of writes never leaves a gap.
 *
 * It does not load RxDB: the checkpoint also keeps the last row's value of the lwt index column
 * (`position`: RxDB's index string of `[lwt, id]`, encoded as index-columns.ts stores it), and
 * "strictly after the checkpoint" is "position greater than that". Importing `rxdb` cost the
 * thread ~0.8 s of CPU and most of its memory at each start (docs/performance.md), and the
 * writer starts again after each idle exit (search-index-writer.ts). Only a checkpoint saved without a
 * position for this column (by an older version, or before the index's layout changed) needs
 * RxDB to compute it, once.
 *
 * Messages: `{ changed: name, seq }` (something was committed to that collection) and `{ close }`
 * (finish the batch in hand, close the files and exit: the index is closing, or the writer has
 * been idle long enough). Answers `{ ready }` once its files are open, `{ indexed: seq }` once
 * every change announced up to `seq` is in the index, or `{ failed: seq, error }` when indexing
 * failed (the checkpoint did not move; the next change tries again). While it works through a
 * backlog (a batch came back full), it also says after each batch about how many documents are
 * left, `{ remaining }`, for the screens' "the index is catching up" hint: counted through the lwt
 * index at most once per REMAINING_RECOUNT_MS per collection, estimated in between; never counted
 * for the few changes of a clerk at work.
 */
import Database from 'better-sqlite3';
import type { RxDocumentData, RxJsonSchema } from 'rxdb';
import { parentPort, workerData } from 'node:worker_threads';
import type { Message, Ticket } from '../../core/schemas';

/** What search-index.ts tells the worker about each collection it follows. */
export type FollowedTable = {
  name: 'tickets' | 'messages';
  /** The collection's SQLite table (its name carries the schema version). */
  table: string;
  /** The column of the `['_meta.lwt', primary key]` index getChangedDocumentsSince pages by. */
  lwtColumn: string;
  lwtFields: string[];
  schema: RxJsonSchema<RxDocumentData<unknown>>;
};

export type SearchWorkerData = { searchFile: string; databaseFile: string; followed: FollowedTable[] };
export type SearchWorkerRequest = { changed: FollowedTable['name']; seq: number } | { close: true };
export type SearchWorkerReply = { ready: true } | { indexed: number } | { failed: number; error: string } | { remaining: number };

/**
 * Documents indexed per transaction. Each transaction leaves FTS5 a segment to merge later: a
 * first replica of a whole council indexes ~400,000 documents, and bigger batches mean fewer,
 * larger segments (docs/performance.md, Sync).
 */
const BATCH = 5_000;

/**
 * How old a collection's count of documents left may get before it is counted again. A count is
 * a walk of the lwt index past the checkpoint; in between, the count is estimated by subtracting
 * what was indexed since.
 */
const REMAINING_RECOUNT_MS = 1_000;

type IndexRow = { key: string; ticketId: string; subject: string; body: string };

/**
 * Where the index is in a collection: its last document (RxDB's `{id, lwt}` checkpoint) and that
 * row's value of the lwt index column (`position`, hex; absent in checkpoints of older versions).
 */
type SavedCheckpoint = { id: string; lwt: number; column?: string; position?: string };

function rowOf(name: FollowedTable['name'], doc: RxDocumentData<Ticket> | RxDocumentData<Message>): IndexRow {
  if (name === 'tickets') {
    const ticket = doc as RxDocumentData<Ticket>;
    return { key: 't:' + ticket.id, ticketId: ticket.id, subject: ticket.subject, body: '' };
  }
  const message = doc as RxDocumentData<Message>;
  return { key: 'm:' + message.id, ticketId: message.ticketId, subject: message.subject ?? '', body: message.text };
}

const quote = (name: string): string => '"' + name.replaceAll('"', '""') + '"';

class SearchWriter {
  private readonly index: Database.Database;
  private readonly source: Database.Database;
  private readonly sql;
  private readonly changes = new Map<
    string,
    { followed: FollowedTable; fromStart: Database.Statement; since: Database.Statement; countAll: Database.Statement; countSince: Database.Statement }
  >();
  /** Positions computed by RxDB for checkpoints saved without one (see open). */
  private readonly computed = new Map<string, Buffer>();

  /** Opens the files; computes, with RxDB loaded for it, the positions older checkpoints lack. */
  static async open(data: SearchWorkerData): Promise<SearchWriter> {
    const writer = new SearchWriter(data);
    try {
      const lacking = data.followed.flatMap((followed) => {
        const saved = writer.saved(followed.name);
        return saved && !(saved.column === followed.lwtColumn && saved.position) ? [{ followed, saved }] : [];
      });
      if (lacking.length > 0) {
        const [{ getStartIndexStringFromLowerBound }, { encodeIndexString }] = await Promise.all([import('rxdb'), import('./index-columns')]);
        for (const { followed, saved } of lacking) {
          // sqlite-instance.ts changesSince: strictly after (lwt, id) in the lwt index's order.
          writer.computed.set(followed.name, encodeIndexString(getStartIndexStringFromLowerBound(followed.schema, followed.lwtFields, [saved.lwt, saved.id])));
        }
      }
      return writer;
    } catch (error) {
      writer.close();
      throw error;
    }
  }

  private constructor(data: SearchWorkerData) {
    // The tables exist: search-index.ts created them before starting this worker.
    this.index = new Database(data.searchFile, { timeout: 5_000 });
    this.index.pragma('journal_mode = WAL');
    // Derived data, rebuilt from the database when lost: no fsync per transaction.
    this.index.pragma('synchronous = NORMAL');
    this.source = new Database(data.databaseFile, { readonly: true, fileMustExist: true, timeout: 5_000 });
    for (const followed of data.followed) {
      const table = quote(followed.table);
      const column = quote(followed.lwtColumn);
      this.changes.set(followed.name, {
        followed,
        fromStart: this.source.prepare(`SELECT data, ${column} AS position FROM ${table} ORDER BY ${column} LIMIT ?`),
        since: this.source.prepare(`SELECT data, ${column} AS position FROM ${table} WHERE ${column} > ? ORDER BY ${column} LIMIT ?`),
        countAll: this.source.prepare(`SELECT count(*) FROM ${table}`).pluck(),
        countSince: this.source.prepare(`SELECT count(*) FROM ${table} WHERE ${column} > ?`).pluck(),
      });
    }
    const db = this.index;
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
    };
  }

  private saved(name: FollowedTable['name']): SavedCheckpoint | undefined {
    const saved = this.sql.getCheckpoint.get(name) as string | undefined;
    return saved ? (JSON.parse(saved) as SavedCheckpoint) : undefined;
  }

  /** Where the index is in the collection: the lwt index position of its last indexed document. */
  private after(name: FollowedTable['name']): Buffer | undefined {
    const source = this.changes.get(name)!;
    const saved = this.saved(name);
    return !saved ? undefined : saved.column === source.followed.lwtColumn && saved.position ? Buffer.from(saved.position, 'hex') : this.computed.get(name)!;
  }

  /** How many of the collection's documents changed after the checkpoint: what is left to index. */
  remaining(name: FollowedTable['name']): number {
    const source = this.changes.get(name)!;
    const after = this.after(name);
    return (after ? source.countSince.get(after) : source.countAll.get()) as number;
  }

  /** Indexes one batch of the collection's changes; how many documents it read (0: nothing more). */
  indexBatch(name: FollowedTable['name']): number {
    const source = this.changes.get(name)!;
    const after = this.after(name);
    type ChangedRow = { data: string; position: Buffer };
    const rows = (after ? source.since.all(after, BATCH) : source.fromStart.all(BATCH)) as ChangedRow[];
    if (rows.length === 0) return 0;
    this.index.transaction(() => {
      let last: RxDocumentData<Ticket | Message> | undefined;
      for (const { data } of rows) {
        const doc = JSON.parse(data) as RxDocumentData<Ticket> & RxDocumentData<Message>;
        const row = rowOf(name, doc);
        this.remove(row.key);
        if (!doc._deleted) this.insert(row);
        last = doc;
      }
      const checkpoint: SavedCheckpoint = { id: last!.id, lwt: last!._meta.lwt, column: source.followed.lwtColumn, position: rows[rows.length - 1]!.position.toString('hex') };
      this.sql.setCheckpoint.run(name, JSON.stringify(checkpoint));
    })();
    return rows.length;
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

  close(): void {
    this.source.close();
    this.index.close();
  }
}

if (parentPort) {
  const port = parentPort;
  const writer = await SearchWriter.open(workerData as SearchWorkerData);
  port.postMessage({ ready: true } satisfies SearchWorkerReply);
  const pending = new Set<FollowedTable['name']>();
  let announced = 0;
  let running = false;
  let closing = false;
  /** While a backlog is being worked through: each pending collection's count of documents left. */
  let backlog: Map<FollowedTable['name'], { remaining: number; countedAt: number }> | undefined;

  /** After a batch: whether there is a backlog, and if so about how much of it is left. */
  const reportRemaining = (name: FollowedTable['name'], read: number) => {
    if (!backlog) {
      // A short batch: a clerk's change or a page of a replica, indexed at once; nothing to say.
      if (read < BATCH) return;
      backlog = new Map();
    }
    const now = Date.now();
    let total = 0;
    for (const { name: other } of (workerData as SearchWorkerData).followed) {
      if (!pending.has(other)) {
        backlog.delete(other);
        continue;
      }
      let known = backlog.get(other);
      if (known && other === name) known = { ...known, remaining: Math.max(0, known.remaining - read) };
      if (!known || now - known.countedAt >= REMAINING_RECOUNT_MS) known = { remaining: writer.remaining(other), countedAt: now };
      backlog.set(other, known);
      total += known.remaining;
    }
    port.postMessage({ remaining: total } satisfies SearchWorkerReply);
  };

  // One batch at a time, yielding between batches so that new announcements and a close are
  // heard; a collection stays pending until a batch comes back short.
  const run = () => {
    if (running) return;
    running = true;
    const step = () => {
      if (closing) {
        writer.close();
        port.close();
        return;
      }
      const name = pending.values().next().value;
      if (name === undefined) {
        running = false;
        backlog = undefined;
        port.postMessage({ indexed: announced } satisfies SearchWorkerReply);
        return;
      }
      try {
        const read = writer.indexBatch(name);
        if (read < BATCH) pending.delete(name);
        reportRemaining(name, read);
      } catch (error) {
        // A full disk, say: nothing moved; the next announcement tries again.
        pending.clear();
        running = false;
        backlog = undefined;
        port.postMessage({ failed: announced, error: error instanceof Error ? error.message : String(error) } satisfies SearchWorkerReply);
        return;
      }
      setImmediate(step);
    };
    setImmediate(step);
  };

  port.on('message', (request: SearchWorkerRequest) => {
    if ('close' in request) {
      if (closing) return;
      closing = true;
      if (!running) {
        writer.close();
        port.close();
      }
      return;
    }
    announced = Math.max(announced, request.seq);
    pending.add(request.changed);
    run();
  });
}
