/**
 * One better-sqlite3 connection per database file and process, shared by every storage instance
 * (collection) of that file and by every RxDatabase opened over it, and closed with the last one.
 * Sharing the connection is what lets two RxDatabases in one process see each other's writes at
 * once, and keeps SQLite's lock in one place.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Subject } from 'rxjs';
import type { EventBulk, RxStorageChangeEvent, RxStorageDefaultCheckpoint } from 'rxdb';
import { explainSqliteError, storeError } from './store-errors';

export type Durability = 'full' | 'normal';

export type ConnectionOptions = {
  /**
   * 'full' (default): every acknowledged write survives a power cut (WAL with synchronous=FULL,
   * an fsync per transaction). 'normal': survives a crash of the process but a power cut may
   * lose the last transactions; for throwaway data only.
   */
  durability?: Durability;
  /** How long a write waits for a lock held by another process before failing, in ms. */
  busyTimeoutMs?: number;
};

export type ChangeEvents = Subject<EventBulk<RxStorageChangeEvent<unknown>, RxStorageDefaultCheckpoint>>;

export type Connection = {
  readonly file: string;
  readonly db: Database.Database;
  /** Change streams shared by all instances of one table, so every RxDatabase on the file hears every write. */
  readonly changes: Map<string, ChangeEvents>;
  refs: number;
};

const openConnections = new Map<string, Connection>();

export function acquireConnection(file: string, options: ConnectionOptions = {}): Connection {
  const open = openConnections.get(file);
  if (open) {
    open.refs++;
    return open;
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5_000 });
    // WAL: readers never block the writer, and a commit is one append (https://sqlite.org/wal.html).
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw storeError('STORE_NO_WAL', `Local database ${file}: cannot switch to WAL journaling (got ${String(mode)})`);
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = OFF');
    db.pragma('cache_size = -65536'); // 64 MiB of page cache
    // Checkpoint every ~40 MB of log instead of 4 MB: pages rewritten by successive commits are
    // copied into the database once, which speeds bulk writes up by a quarter (docs/performance.md).
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma('temp_store = MEMORY');
    // Reading the schema proves this is an SQLite database before anything writes to it.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (error) {
    db?.close();
    throw explainSqliteError(error, file, 'opening');
  }
  const connection: Connection = { file, db, changes: new Map(), refs: 1 };
  openConnections.set(file, connection);
  return connection;
}

/** Returns true when this was the last user and the connection is now closed. */
export function releaseConnection(connection: Connection): boolean {
  connection.refs--;
  if (connection.refs > 0) return false;
  openConnections.delete(connection.file);
  for (const subject of connection.changes.values()) subject.complete();
  connection.changes.clear();
  connection.db.close();
  return true;
}

export function changeEventsFor(connection: Connection, table: string): ChangeEvents {
  let subject = connection.changes.get(table);
  if (!subject) {
    subject = new Subject();
    connection.changes.set(table, subject);
  }
  return subject;
}

/** Deletes a database file with its WAL and shared-memory files; only for a closed, emptied database. */
export function removeDatabaseFiles(file: string): void {
  if (openConnections.has(file)) return;
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

/** An SQL identifier in double quotes (table names hold ':' and come from collection names). */
export const quoteIdentifier = (name: string): string => '"' + name.replaceAll('"', '""') + '"';
