/**
 * One RxDB collection (at one schema version) stored in one SQLite table.
 *
 * Table layout: `id` (primary key), `data` (the document as JSON, exactly what RxDB wrote),
 * `deleted` and `lwt` (for cleanup), and one BLOB column per schema index holding RxDB's index
 * string (see index-columns.ts), each with its own SQL index. Queries follow the plan RxDB
 * computes (getQueryPlan) as range scans over those columns: sqlite-query.ts.
 */
import type { Statement } from 'better-sqlite3';
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
import { changeEventsFor, quoteIdentifier, releaseConnection, removeDatabaseFiles, type ChangeEvents, type Connection } from './sqlite-connection';
import { explainSqliteError, storeError } from './store-errors';

export type SqliteInstanceInternals = {
  connection: Connection;
  table: string;
};

export type SqliteInstanceOptions = Record<string, never>;

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
  private readonly statements: {
    byIds: Statement;
    insert: Statement;
    update: Statement;
    changedSince: Statement;
    changedFromStart: Statement;
    cleanupCandidates: Statement;
    deleteById: Statement;
    attachmentGet?: Statement;
    attachmentPut?: Statement;
    attachmentDelete?: Statement;
    attachmentDeleteDoc?: Statement;
  };
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

    this.createTables();
    this.statements = this.prepareStatements();
    this.queries = new SqliteQueryRunner(connection.db, this.docsTable, schema, this.primaryPath, this.indexByKey);
    this.changes = changeEventsFor(connection, this.docsTable);
  }

  private get db() {
    return this.connection.db;
  }

  private createTables(): void {
    const docs = quoteIdentifier(this.docsTable);
    const db = this.db;
    // Creating tables writes no document: if power fails before the next fsync'ed commit, the
    // next start simply creates them again. So the DDL skips its own fsync; the next document
    // commit syncs the write-ahead log, these pages included.
    const synchronous = db.pragma('synchronous', { simple: true });
    db.pragma('synchronous = NORMAL');
    try {
      this.createTablesInTransaction(docs);
    } finally {
      db.pragma(`synchronous = ${String(synchronous)}`);
    }
  }

  private createTablesInTransaction(docs: string): void {
    const db = this.db;
    db.transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS ${docs} (
        id TEXT PRIMARY KEY NOT NULL,
        data TEXT NOT NULL,
        deleted INTEGER NOT NULL,
        lwt REAL NOT NULL
      )`);
      // Cleanup looks only at deleted documents: a partial index keeps that cheap and tiny.
      db.exec(`CREATE INDEX IF NOT EXISTS ${quoteIdentifier(this.docsTable + ':deleted')} ON ${docs}(lwt) WHERE deleted = 1`);
      const existing = new Set(
        (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(this.docsTable) as string[]).filter((c) => c.startsWith('ix_')),
      );
      const wanted = new Set(this.indexes.map((i) => i.column));
      for (const stale of existing) {
        if (wanted.has(stale)) continue;
        db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(this.docsTable + ':' + stale)}`);
        db.exec(`ALTER TABLE ${docs} DROP COLUMN ${stale}`);
      }
      for (const index of this.indexes) {
        if (existing.has(index.column)) continue;
        db.exec(`ALTER TABLE ${docs} ADD COLUMN ${index.column} BLOB NOT NULL DEFAULT x''`);
        this.backfillIndex(index);
        db.exec(`CREATE INDEX ${quoteIdentifier(this.docsTable + ':' + index.column)} ON ${docs}(${index.column})`);
      }
      if (this.attachmentsTable) {
        db.exec(`CREATE TABLE IF NOT EXISTS ${quoteIdentifier(this.attachmentsTable)} (
          doc_id TEXT NOT NULL,
          attachment_id TEXT NOT NULL,
          digest TEXT NOT NULL,
          type TEXT NOT NULL,
          data BLOB NOT NULL,
          PRIMARY KEY (doc_id, attachment_id)
        ) WITHOUT ROWID`);
      }
    }).immediate();
  }

  /** A new or redefined index on a table that already holds documents: compute it for each. */
  private backfillIndex(index: IndexColumn<RxDocType>): void {
    const docs = quoteIdentifier(this.docsTable);
    const update = this.db.prepare(`UPDATE ${docs} SET ${index.column} = ? WHERE rowid = ?`);
    const page = this.db.prepare(`SELECT rowid, data FROM ${docs} WHERE rowid > ? ORDER BY rowid LIMIT 1000`).raw();
    for (let after = 0, rows: [number, string][]; (rows = page.all(after) as [number, string][]).length > 0; after = rows[rows.length - 1]![0]) {
      for (const [rowid, data] of rows) update.run(encodeIndexString(index.indexableString(JSON.parse(data))), rowid);
    }
  }

  private prepareStatements() {
    const db = this.db;
    const docs = quoteIdentifier(this.docsTable);
    const columns = this.indexes.map((i) => i.column);
    const statements: SqliteStorageInstance<RxDocType>['statements'] = {
      byIds: db.prepare(`SELECT data FROM ${docs} WHERE id IN (SELECT value FROM json_each(?))`).pluck(),
      insert: db.prepare(
        `INSERT INTO ${docs} (id, data, deleted, lwt${columns.map((c) => ', ' + c).join('')}) VALUES (?, ?, ?, ?${columns.map(() => ', ?').join('')})`,
      ),
      update: db.prepare(
        `UPDATE ${docs} SET data = ?, deleted = ?, lwt = ?${columns.map((c) => `, ${c} = ?`).join('')} WHERE id = ?`,
      ),
      changedSince: db.prepare(`SELECT data FROM ${docs} WHERE ${this.lwtIndex.column} > ? ORDER BY ${this.lwtIndex.column} LIMIT ?`).pluck(),
      changedFromStart: db.prepare(`SELECT data FROM ${docs} ORDER BY ${this.lwtIndex.column} LIMIT ?`).pluck(),
      cleanupCandidates: db.prepare(`SELECT id FROM ${docs} WHERE deleted = 1 AND lwt <= ? ORDER BY lwt LIMIT ?`).pluck(),
      deleteById: db.prepare(`DELETE FROM ${docs} WHERE id = ?`),
    };
    if (this.attachmentsTable) {
      const attachments = quoteIdentifier(this.attachmentsTable);
      statements.attachmentGet = db.prepare(`SELECT digest, type, data FROM ${attachments} WHERE doc_id = ? AND attachment_id = ?`);
      statements.attachmentPut = db.prepare(
        `INSERT INTO ${attachments} (doc_id, attachment_id, digest, type, data) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (doc_id, attachment_id) DO UPDATE SET digest = excluded.digest, type = excluded.type, data = excluded.data`,
      );
      statements.attachmentDelete = db.prepare(`DELETE FROM ${attachments} WHERE doc_id = ? AND attachment_id = ?`);
      statements.attachmentDeleteDoc = db.prepare(`DELETE FROM ${attachments} WHERE doc_id = ?`);
    }
    return statements;
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

    const primaryPath = this.primaryPath;
    let eventBulk: EventBulk<RxStorageChangeEvent<RxDocumentData<RxDocType>>, RxStorageDefaultCheckpoint> | undefined;
    let response: RxStorageBulkWriteResponse<RxDocType>;
    try {
      // BEGIN IMMEDIATE: the conflict check reads and the writes happen under one write lock.
      response = this.db.transaction(() => {
        const ids = documentWrites.map((row) => row.document[primaryPath] as string);
        const docsInDb = new Map<string, RxDocumentData<RxDocType>>();
        for (const data of this.statements.byIds.all(JSON.stringify(ids)) as string[]) {
          const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
          docsInDb.set(doc[primaryPath] as string, doc);
        }
        const categorized = categorizeBulkWriteRows<RxDocType>(this, primaryPath as StringKeys<RxDocType>, docsInDb, documentWrites, context);

        for (const row of categorized.bulkInsertDocs) {
          const doc = row.document;
          this.statements.insert.run(doc[primaryPath] as string, JSON.stringify(doc), doc._deleted ? 1 : 0, doc._meta.lwt, ...this.indexValues(doc));
        }
        for (const row of categorized.bulkUpdateDocs) {
          const doc = row.document;
          this.statements.update.run(JSON.stringify(doc), doc._deleted ? 1 : 0, doc._meta.lwt, ...this.indexValues(doc), doc[primaryPath] as string);
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

        if (categorized.eventBulk.events.length > 0) {
          const newest = categorized.newestRow!.document;
          categorized.eventBulk.checkpoint = { id: newest[primaryPath] as string, lwt: newest._meta.lwt };
          eventBulk = categorized.eventBulk;
        }
        return { error: categorized.errors };
      }).immediate();
    } catch (error) {
      throw explainSqliteError(error, this.connection.file, `writing to ${this.collectionName}`);
    }
    // Only after the commit: a change event must never announce a write that could still roll back.
    if (eventBulk) this.changes.next(eventBulk as EventBulk<RxStorageChangeEvent<unknown>, RxStorageDefaultCheckpoint>);
    return response;
  }

  async findDocumentsById(ids: string[], withDeleted: boolean): Promise<RxDocumentData<RxDocType>[]> {
    this.ensureOpen();
    if (ids.length === 0) return [];
    const rows = this.read('reading', () => this.statements.byIds.all(JSON.stringify(ids)) as string[]);
    const byId = new Map<string, RxDocumentData<RxDocType>>();
    for (const data of rows) {
      const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
      if (withDeleted || !doc._deleted) byId.set(doc[this.primaryPath] as string, doc);
    }
    // In the order asked, repeated ids repeated, as RxDB's memory storage answers.
    const docs: RxDocumentData<RxDocType>[] = [];
    for (const id of ids) {
      const doc = byId.get(id);
      if (doc) docs.push(doc);
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
    this.ensureOpen();
    const rows = this.read('reading changes of', () => {
      if (!checkpoint) return this.statements.changedFromStart.all(limit) as string[];
      // Strictly after (lwt, id) in index order: documents with equal lwt page on by id.
      const after = encodeIndexString(getStartIndexStringFromLowerBound(this.schema, this.lwtIndex.fields, [checkpoint.lwt, checkpoint.id]));
      return this.statements.changedSince.all(after, limit) as string[];
    });
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
