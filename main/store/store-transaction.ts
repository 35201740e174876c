/**
 * Writes to several collections of one database file in one SQLite transaction: all of them are
 * stored, or none. RxDB's own bulkWrite is one transaction per collection; the sync's first
 * replica (main/sync/first-replica.ts) needs the pulled documents, the replication's assumed
 * server states and its checkpoint to land together, so that a crash between two of those writes
 * cannot leave a document without its assumed state or a checkpoint ahead of the documents.
 */
import type { BulkWriteRow, RxDocumentData, RxStorageBulkWriteResponse, RxStorageDefaultCheckpoint, RxStorageInstance } from 'rxdb';
import { quoteIdentifier, type Durability } from './sqlite-connection';
import { SqliteStorageInstance, type WrittenRows } from './sqlite-instance';
import { explainSqliteError, storeError } from './store-errors';

// RxDB's storage instances carry any internals and options; only our own are accepted here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyInstance<T> = RxStorageInstance<T, any, any, any>;

export type StoreTransaction = {
  /** The stored documents of these ids, deleted ones included. */
  storedByIds<T>(instance: AnyInstance<T>, ids: readonly string[]): Map<string, RxDocumentData<T>>;
  /** getChangedDocumentsSince, inside this transaction. */
  changesSince<T>(instance: AnyInstance<T>, limit: number, checkpoint?: RxStorageDefaultCheckpoint): { documents: RxDocumentData<T>[]; checkpoint: RxStorageDefaultCheckpoint };
  /**
   * bulkWrite's rules (revisions, 409 conflicts in the answer), inside this transaction; with the
   * checkpoint of the newest document written (none when nothing was). `serialized` may give the
   * JSON text of some of the rows' documents, when the caller has it already: it must be exactly
   * `JSON.stringify(document)` (keys in the same order), for it is stored as the document.
   */
  bulkWrite<T>(
    instance: AnyInstance<T>,
    rows: BulkWriteRow<T>[],
    context: string,
    serialized?: ReadonlyMap<RxDocumentData<T>, string>,
  ): RxStorageBulkWriteResponse<T> & { checkpoint?: RxStorageDefaultCheckpoint };
  /**
   * Removes these documents for good, without a deletion for anyone to see: no change event, no
   * deleted document left behind. Only for bookkeeping no one else reads or replicates.
   */
  purge<T>(instance: AnyInstance<T>, ids: readonly string[]): void;
};

/**
 * Our storage instance under RxDB's wrappers (the collection's, the validating storage's), or
 * undefined when the instance is another storage's.
 */
export function sqliteInstanceOf<T>(instance: AnyInstance<T>): SqliteStorageInstance<T> | undefined {
  let current: unknown = instance;
  for (let depth = 0; depth < 10 && current; depth++) {
    if (current instanceof SqliteStorageInstance) return current as SqliteStorageInstance<T>;
    current = (current as { originalStorageInstance?: unknown }).originalStorageInstance;
  }
  return undefined;
}

export type TransactionOptions = {
  /**
   * 'normal': this transaction's commit is not fsync'ed (it survives a crash of the process, a
   * power cut may lose it — and every later one, never an earlier one: the log is a prefix). For
   * data the central server still holds. The next 'full' commit makes it durable too.
   */
  durability?: Durability;
};

/**
 * Runs `work` in one `BEGIN IMMEDIATE` transaction over the file of `instances` (all of one
 * database file, none with attachments: their bytes only read asynchronously). A throw rolls
 * everything back. The change events of every write are emitted after the commit, in order.
 * `work` must be synchronous: nothing else may write while it runs.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function writeInOneTransaction<R>(instances: readonly AnyInstance<any>[], work: (transaction: StoreTransaction) => R, options: TransactionOptions = {}): R {
  const ours = instances.map((instance) => {
    const sqlite = sqliteInstanceOf(instance);
    if (!sqlite) throw storeError('STORE_FOREIGN_INSTANCE', `${instance.collectionName} is not stored in Ventanilla's SQLite storage`);
    if (sqlite.schema.attachments) throw storeError('STORE_ATTACHMENT', `${instance.collectionName} has attachments, which one transaction cannot write`);
    return sqlite;
  });
  const connection = ours[0]?.internals.connection;
  if (!connection) throw new Error('writeInOneTransaction needs at least one storage instance');
  if (ours.some((sqlite) => sqlite.internals.connection !== connection)) {
    throw storeError('STORE_FOREIGN_INSTANCE', 'one transaction cannot span several database files');
  }
  const allowed = new Set<SqliteStorageInstance<unknown>>(ours);
  const check = <T>(instance: AnyInstance<T>): SqliteStorageInstance<T> => {
    const sqlite = sqliteInstanceOf(instance);
    if (!sqlite || !allowed.has(sqlite as SqliteStorageInstance<unknown>)) {
      throw storeError('STORE_FOREIGN_INSTANCE', `${instance.collectionName} was not named when the transaction began`);
    }
    return sqlite;
  };
  const written: { instance: SqliteStorageInstance<unknown>; rows: WrittenRows<unknown> }[] = [];
  const transaction: StoreTransaction = {
    storedByIds: (instance, ids) => check(instance).storedByIds(ids),
    changesSince: (instance, limit, checkpoint) => check(instance).changesSince(limit, checkpoint),
    bulkWrite(instance, rows, context, serialized) {
      const sqlite = check(instance);
      const result = sqlite.writeInTransaction(rows, context, undefined, serialized);
      written.push({ instance: sqlite as SqliteStorageInstance<unknown>, rows: result as WrittenRows<unknown> });
      return { ...result.response, checkpoint: result.eventBulk?.checkpoint };
    },
    purge(instance, ids) {
      const sqlite = check(instance);
      const remove = connection.db.prepare(`DELETE FROM ${quoteIdentifier(sqlite.internals.table)} WHERE id = ?`);
      for (const id of ids) remove.run(id);
    },
  };

  const db = connection.db;
  const synchronous = options.durability === 'normal' ? db.pragma('synchronous', { simple: true }) : undefined;
  let result: R;
  try {
    if (synchronous !== undefined) db.pragma('synchronous = NORMAL');
    try {
      result = db.transaction(() => work(transaction)).immediate();
    } finally {
      if (synchronous !== undefined) db.pragma(`synchronous = ${String(synchronous)}`);
    }
  } catch (error) {
    throw explainSqliteError(error, connection.file, `writing to ${ours.map((sqlite) => sqlite.collectionName).join(', ')}`);
  }
  for (const { instance, rows } of written) instance.emitChanges(rows.eventBulk);
  return result;
}

/**
 * What a bulk import (a first replica: hundreds of thousands of documents) changes on the file's
 * connection while it runs. Each import transaction inserts thousands of rows at random places of
 * every SQL index, so it dirties most leaf pages of each index; the page cache holds them through
 * the transaction (the default 64 MiB spills a big one to the log before its commit), and the log
 * is checkpointed into the database every ~200 MB instead of ~40 MB, so a page that many
 * transactions rewrite is copied once per checkpoint, not once per transaction or two. Neither
 * touches durability: a checkpoint is as safe at any size, and the cache is memory
 * (docs/performance.md, Sync).
 */
const BULK_IMPORT_PRAGMAS = { cache_size: -262_144, wal_autocheckpoint: 50_000 } as const;

const bulkImports = new Map<unknown, { holders: number; restore: Record<string, unknown> }>();

/**
 * Applies BULK_IMPORT_PRAGMAS to the connection of `instance` until the returned release is called
 * (by every holder: several collections import at once over one connection). The release brings
 * the connection's own settings back; the log is then checkpointed by the next commits as usual.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function holdBulkImportSettings(instance: AnyInstance<any>): () => void {
  const sqlite = sqliteInstanceOf(instance);
  if (!sqlite) throw storeError('STORE_FOREIGN_INSTANCE', `${instance.collectionName} is not stored in Ventanilla's SQLite storage`);
  const connection = sqlite.internals.connection;
  const db = connection.db;
  let held = bulkImports.get(connection);
  if (!held) {
    const restore = Object.fromEntries(Object.keys(BULK_IMPORT_PRAGMAS).map((name) => [name, db.pragma(name, { simple: true })]));
    for (const [name, value] of Object.entries(BULK_IMPORT_PRAGMAS)) db.pragma(`${name} = ${value}`);
    held = { holders: 0, restore };
    bulkImports.set(connection, held);
  }
  held.holders++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--held.holders > 0) return;
    bulkImports.delete(connection);
    // A connection closed meanwhile (the database closed during an import) has nothing to restore.
    if (!db.open) return;
    for (const [name, value] of Object.entries(held.restore)) db.pragma(`${name} = ${String(value)}`);
  };
}
