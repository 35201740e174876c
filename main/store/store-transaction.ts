/**
 * Writes to several collections of one database file in one SQLite transaction: all of them are
 * stored, or none. RxDB's own bulkWrite is one transaction per collection; the sync's first
 * replica (main/sync/first-replica.ts) needs the pulled documents, the replication's assumed
 * server states and its checkpoint to land together, so that a crash between two of those writes
 * cannot leave a document without its assumed state or a checkpoint ahead of the documents.
 */
import type { BulkWriteRow, RxDocumentData, RxStorageBulkWriteResponse, RxStorageDefaultCheckpoint, RxStorageInstance } from 'rxdb';
import type { Durability } from './sqlite-connection';
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
   * checkpoint of the newest document written (none when nothing was).
   */
  bulkWrite<T>(instance: AnyInstance<T>, rows: BulkWriteRow<T>[], context: string): RxStorageBulkWriteResponse<T> & { checkpoint?: RxStorageDefaultCheckpoint };
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
    bulkWrite(instance, rows, context) {
      const sqlite = check(instance);
      const result = sqlite.writeInTransaction(rows, context);
      written.push({ instance: sqlite as SqliteStorageInstance<unknown>, rows: result as WrittenRows<unknown> });
      return { ...result.response, checkpoint: result.eventBulk?.checkpoint };
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
