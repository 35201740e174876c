/**
 * One RxDB collection (at one schema version) stored in one SQLite table.
 *
 * Table layout: `id` (primary key), `data` (the document as JSON, exactly what RxDB wrote),
 * `deleted` and `lwt` (for cleanup), and one BLOB column per schema index holding RxDB's index
 * string (see index-columns.ts), each with its own SQL index. Queries follow the plan RxDB
 * computes (getQueryPlan) as range scans over those columns: sqlite-query.ts.
 */
import type { Observable } from 'rxjs';
import {
  categorizeBulkWriteRows,
  getPrimaryFieldOfPrimaryKey,
  getStartIndexStringFromLowerBound,
  type BulkWriteRow,
  type EventBulk,
  type PreparedQuery,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorageBulkWriteResponse,
  type RxStorageChangeEvent,
  type RxStorageCountResult,
  type RxStorageDefaultCheckpoint,
  type RxStorageInstance,
  type RxStorageQueryResult,
  type StringKeys,
} from 'rxdb';
import { now } from 'rxdb/plugins/utils';
import { encodeIndexString, indexColumns, indexKey, type IndexColumn } from './index-columns';
import { SqliteQueryRunner } from './sqlite-query';
import { createCollectionTable, prepareCollectionStatements, type CollectionStatements } from './sqlite-table';
import { changeEventsFor, quoteIdentifier, releaseConnection, removeDatabaseFiles, type ChangeEvents, type Connection } from './sqlite-connection';
import { explainSqliteError, storeError } from './store-errors';

export type SqliteInstanceInternals = {
  connection: Connection;
  table: string;
};

export type SqliteInstanceOptions = Record<string, never>;

/** What one write did: RxDB's answer, and the change events to emit once it has committed. */
export type WrittenRows<RxDocType> = {
  response: RxStorageBulkWriteResponse<RxDocType>;
  eventBulk?: EventBulk<RxStorageChangeEvent<RxDocumentData<RxDocType>>, RxStorageDefaultCheckpoint>;
};

/** How many deleted documents one cleanup() call purges before yielding (it returns false then). */
const CLEANUP_BATCH = 2_000;

export function tableNames(collectionName: string, schemaVersion: number): { docs: string; attachments: string } {
  return {
    docs: `rx:${collectionName}:${schemaVersion}`,
    attachments: `rx-attachments:${collectionName}:${schemaVersion}`,
  };
}

export class SqliteStorageInstance<RxDocType>
  implements RxStorageInstance<RxDocType, SqliteInstanceInternals, SqliteInstanceOptions, RxStorageDefaultCheckpoint>
{
  readonly primaryPath: StringKeys<RxDocumentData<RxDocType>>;
  readonly internals: SqliteInstanceInternals;
  private readonly connection: Connection;
  private readonly docsTable: string;
  private readonly attachmentsTable: string | undefined;
  private readonly indexes: IndexColumn<RxDocType>[];
  private readonly indexByKey: Map<string, IndexColumn<RxDocType>>;
  private readonly lwtIndex: IndexColumn<RxDocType>;
  private readonly changes: ChangeEvents;
  private readonly queries: SqliteQueryRunner<RxDocType>;
  private readonly statements: CollectionStatements;
  private closed = false;

  constructor(
    readonly databaseName: string,
    readonly collectionName: string,
    readonly schema: Readonly<RxJsonSchema<RxDocumentData<RxDocType>>>,
    readonly options: Readonly<SqliteInstanceOptions>,
    connection: Connection,
    private readonly onClosed: (instance: SqliteStorageInstance<RxDocType>) => void,
  ) {
    this.connection = connection;
    this.primaryPath = getPrimaryFieldOfPrimaryKey(schema.primaryKey) as StringKeys<RxDocumentData<RxDocType>>;
    const names = tableNames(collectionName, schema.version);
    this.docsTable = names.docs;
    this.attachmentsTable = schema.attachments ? names.attachments : undefined;
    this.internals = { connection, table: names.docs };

    // Every schema index, plus the one getChangedDocumentsSince pages by (RxDB adds it to filled
    // schemas; a schema that reached us unfilled still gets it).
    const lwtFields = ['_meta.lwt', this.primaryPath as string];
    this.indexes = indexColumns(schema, [...((schema.indexes ?? []) as (string | string[])[]).map((i) => (Array.isArray(i) ? i : [i])), lwtFields]);
    this.indexByKey = new Map(this.indexes.map((index) => [indexKey(index.fields), index]));
    this.lwtIndex = this.indexByKey.get(indexKey(lwtFields))!;

    const table = { db: connection.db, docsTable: this.docsTable, attachmentsTable: this.attachmentsTable, indexes: this.indexes, lwtIndex: this.lwtIndex };
    createCollectionTable(table);
    this.statements = prepareCollectionStatements(table);
    this.queries = new SqliteQueryRunner(connection.db, this.docsTable, schema, this.primaryPath, this.indexByKey);
    this.changes = changeEventsFor(connection, this.docsTable);
  }

  private get db() {
    return this.connection.db;
  }

  private ensureOpen(): void {
    if (this.closed) {
      throw storeError('STORE_CLOSED', `Local database ${this.connection.file}: collection ${this.collectionName} is closed`);
    }
  }

  private indexValues(doc: RxDocumentData<RxDocType>): Buffer[] {
    const values = new Array<Buffer>(this.indexes.length);
    for (let i = 0; i < this.indexes.length; i++) {
      values[i] = encodeIndexString(this.indexes[i]!.indexableString(doc));
    }
    return values;
  }

  async bulkWrite(documentWrites: BulkWriteRow<RxDocType>[], context: string): Promise<RxStorageBulkWriteResponse<RxDocType>> {
    this.ensureOpen();
    // Attachment bytes come as Blobs, which only read asynchronously: read them before the
    // transaction, which must stay synchronous to be one atomic step.
    const attachmentBytes = this.attachmentsTable ? await readAttachmentBlobs(documentWrites) : undefined;
    this.ensureOpen();

    let written: WrittenRows<RxDocType>;
    try {
      // BEGIN IMMEDIATE: the conflict check reads and the writes happen under one write lock.
      written = this.db.transaction(() => this.writeInTransaction(documentWrites, context, attachmentBytes)).immediate();
    } catch (error) {
      throw explainSqliteError(error, this.connection.file, `writing to ${this.collectionName}`);
    }
    // Only after the commit: a change event must never announce a write that could still roll back.
    this.emitChanges(written.eventBulk);
    return written.response;
  }

  /**
   * The stored documents of these ids, deleted ones included, read in the caller's transaction
   * (store-transaction.ts) or outside any.
   */
  storedByIds(ids: readonly string[]): Map<string, RxDocumentData<RxDocType>> {
    this.ensureOpen();
    const stored = new Map<string, RxDocumentData<RxDocType>>();
    for (const data of this.statements.byIds.all(JSON.stringify(ids)) as string[]) {
      const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
      stored.set(doc[this.primaryPath] as string, doc);
    }
    return stored;
  }

  /**
   * bulkWrite's work, inside a transaction the caller has begun and commits: RxDB decides
   * inserts, updates and conflicts against the stored revisions, and the rows are written. The
   * change events are returned for the caller to emit once the transaction has committed.
   * `serialized` holds documents' JSON text the caller already has (exactly what JSON.stringify
   * gives for them; store-transaction.ts), so that it is not computed twice.
   */
  writeInTransaction(
    documentWrites: BulkWriteRow<RxDocType>[],
    context: string,
    attachmentBytes?: Map<Blob, Buffer>,
    serialized?: ReadonlyMap<RxDocumentData<RxDocType>, string>,
  ): WrittenRows<RxDocType> {
    this.ensureOpen();
    const primaryPath = this.primaryPath;
    const docsInDb = this.storedByIds(documentWrites.map((row) => row.document[primaryPath] as string));
    const categorized = categorizeBulkWriteRows<RxDocType>(this, primaryPath as StringKeys<RxDocType>, docsInDb, documentWrites, context);

    // The event's checkpoint is the last written document in getChangedDocumentsSince's order,
    // (lwt, id): RxDB's newestRow is the first of those with the highest lwt, and a batch
    // shares one lwt.
    const lwtColumn = this.indexes.indexOf(this.lwtIndex);
    let newest: { doc: RxDocumentData<RxDocType>; key: Buffer } | undefined;
    const write = (doc: RxDocumentData<RxDocType>, run: (indexValues: Buffer[]) => void) => {
      const values = this.indexValues(doc);
      run(values);
      const key = values[lwtColumn]!;
      if (!newest || Buffer.compare(key, newest.key) > 0) newest = { doc, key };
    };
    for (const { document: doc } of categorized.bulkInsertDocs) {
      write(doc, (values) => this.statements.insert.run(doc[primaryPath] as string, serialized?.get(doc) ?? JSON.stringify(doc), doc._deleted ? 1 : 0, doc._meta.lwt, ...values));
    }
    for (const { document: doc } of categorized.bulkUpdateDocs) {
      write(doc, (values) => this.statements.update.run(serialized?.get(doc) ?? JSON.stringify(doc), doc._deleted ? 1 : 0, doc._meta.lwt, ...values, doc[primaryPath] as string));
    }
    const attachmentChanges = categorized.attachmentsAdd.length + categorized.attachmentsUpdate.length + categorized.attachmentsRemove.length;
    if (attachmentChanges > 0 && !attachmentBytes) {
      throw storeError('STORE_ATTACHMENT', `${this.collectionName}: attachments are written with bulkWrite only`);
    }
    if (attachmentBytes) {
      for (const added of [...categorized.attachmentsAdd, ...categorized.attachmentsUpdate]) {
        const bytes = attachmentBytes.get(added.attachmentData.data);
        if (!bytes) throw storeError('STORE_ATTACHMENT', `attachment ${added.attachmentId} of ${added.documentId} has no data`);
        this.statements.attachmentPut!.run(added.documentId, added.attachmentId, added.digest, added.attachmentData.type, bytes);
      }
      for (const removed of categorized.attachmentsRemove) {
        this.statements.attachmentDelete!.run(removed.documentId, removed.attachmentId);
      }
    }

    let eventBulk: WrittenRows<RxDocType>['eventBulk'];
    if (categorized.eventBulk.events.length > 0 && newest) {
      categorized.eventBulk.checkpoint = { id: newest.doc[primaryPath] as string, lwt: newest.doc._meta.lwt };
      eventBulk = categorized.eventBulk;
    }
    return { response: { error: categorized.errors }, eventBulk };
  }

  /** Announces a committed write on the table's change stream. */
  emitChanges(eventBulk: WrittenRows<RxDocType>['eventBulk']): void {
    if (eventBulk) this.changes.next(eventBulk as EventBulk<RxStorageChangeEvent<unknown>, RxStorageDefaultCheckpoint>);
  }

  async findDocumentsById(ids: string[], withDeleted: boolean): Promise<RxDocumentData<RxDocType>[]> {
    this.ensureOpen();
    if (ids.length === 0) return [];
    const byId = this.read('reading', () => this.storedByIds(ids));
    // In the order asked, repeated ids repeated, as RxDB's memory storage answers.
    const docs: RxDocumentData<RxDocType>[] = [];
    for (const id of ids) {
      const doc = byId.get(id);
      if (doc && (withDeleted || !doc._deleted)) docs.push(doc);
    }
    return docs;
  }

  private read<T>(doing: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw explainSqliteError(error, this.connection.file, `${doing} ${this.collectionName}`);
    }
  }

  async query(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageQueryResult<RxDocType>> {
    this.ensureOpen();
    return { documents: this.read('querying', () => this.queries.query(preparedQuery)) };
  }

  async count(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageCountResult> {
    this.ensureOpen();
    return { count: this.read('counting', () => this.queries.count(preparedQuery)), mode: 'fast' };
  }

  async getChangedDocumentsSince(
    limit: number,
    checkpoint?: RxStorageDefaultCheckpoint,
  ): Promise<{ documents: RxDocumentData<RxDocType>[]; checkpoint: RxStorageDefaultCheckpoint }> {
    return this.read('reading changes of', () => this.changesSince(limit, checkpoint));
  }

  /** getChangedDocumentsSince, synchronous: also inside a caller's transaction. */
  changesSince(limit: number, checkpoint?: RxStorageDefaultCheckpoint): { documents: RxDocumentData<RxDocType>[]; checkpoint: RxStorageDefaultCheckpoint } {
    this.ensureOpen();
    let rows: string[];
    if (!checkpoint) rows = this.statements.changedFromStart.all(limit) as string[];
    else {
      // Strictly after (lwt, id) in index order: documents with equal lwt page on by id.
      const after = encodeIndexString(getStartIndexStringFromLowerBound(this.schema, this.lwtIndex.fields, [checkpoint.lwt, checkpoint.id]));
      rows = this.statements.changedSince.all(after, limit) as string[];
    }
    const documents = rows.map((data) => JSON.parse(data) as RxDocumentData<RxDocType>);
    const last = documents[documents.length - 1];
    return {
      documents,
      checkpoint: last ? { id: last[this.primaryPath] as string, lwt: last._meta.lwt } : (checkpoint ?? { id: '', lwt: 0 }),
    };
  }

  changeStream(): Observable<EventBulk<RxStorageChangeEvent<RxDocumentData<RxDocType>>, RxStorageDefaultCheckpoint>> {
    this.ensureOpen();
    return this.changes.asObservable() as Observable<EventBulk<RxStorageChangeEvent<RxDocumentData<RxDocType>>, RxStorageDefaultCheckpoint>>;
  }

  async cleanup(minimumDeletedTime: number): Promise<boolean> {
    this.ensureOpen();
    const olderThan = now() - minimumDeletedTime;
    return this.read('cleaning up', () =>
      this.db.transaction(() => {
        const ids = this.statements.cleanupCandidates.all(olderThan, CLEANUP_BATCH) as string[];
        for (const id of ids) {
          this.statements.deleteById.run(id);
          this.statements.attachmentDeleteDoc?.run(id);
        }
        return ids.length < CLEANUP_BATCH;
      }).immediate(),
    );
  }

  async getAttachmentData(documentId: string, attachmentId: string, digest: string): Promise<Blob> {
    this.ensureOpen();
    const row = this.attachmentsTable
      ? (this.read('reading an attachment of', () => this.statements.attachmentGet!.get(documentId, attachmentId)) as
          | { digest: string; type: string; data: Buffer }
          | undefined)
      : undefined;
    if (!row || !digest || row.digest !== digest) {
      throw storeError('STORE_NO_ATTACHMENT', `attachment ${attachmentId} of ${documentId} (digest ${digest}) does not exist in ${this.collectionName}`);
    }
    return new Blob([row.data], { type: row.type });
  }

  async remove(): Promise<void> {
    this.ensureOpen();
    const tablesLeft = this.read('removing', () =>
      this.db.transaction(() => {
        this.db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(this.docsTable)}`);
        if (this.attachmentsTable) this.db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(this.attachmentsTable)}`);
        return this.db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).pluck().get() as number;
      }).immediate(),
    );
    const lastUser = this.closeInstance();
    // The last collection of a database removed by its last user: the file goes too.
    if (lastUser && tablesLeft === 0) removeDatabaseFiles(this.connection.file);
  }

  async close(): Promise<void> {
    this.closeInstance();
  }

  /** Returns true when this instance was the last user of the file's connection. */
  private closeInstance(): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.queries.clear();
    this.onClosed(this);
    return releaseConnection(this.connection);
  }
}

async function readAttachmentBlobs<RxDocType>(rows: BulkWriteRow<RxDocType>[]): Promise<Map<Blob, Buffer>> {
  const bytes = new Map<Blob, Buffer>();
  for (const row of rows) {
    for (const attachment of Object.values(row.document._attachments ?? {})) {
      const data = (attachment as { data?: unknown }).data;
      if (data instanceof Blob && !bytes.has(data)) bytes.set(data, Buffer.from(await data.arrayBuffer()));
    }
  }
  return bytes;
}
