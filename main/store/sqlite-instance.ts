/**
 * One RxDB collection (at one schema version) stored in one SQLite table.
 *
 * Table layout: `id` (primary key), `data` (the document as JSON, exactly what RxDB wrote),
 * `deleted` and `lwt` (for cleanup), and one BLOB column per schema index holding RxDB's index
 * string (see index-columns.ts), each with its own SQL index. Queries follow the plan RxDB
 * computes (getQueryPlan): a range scan over the chosen index column, in index order; only the
 * part of the selector the index cannot answer is matched in JavaScript, and a sort the index
 * does not give is done in JavaScript, as RxDB's own storages do.
 */
import type { Statement } from 'better-sqlite3';
import type { Observable } from 'rxjs';
import {
  categorizeBulkWriteRows,
  getPrimaryFieldOfPrimaryKey,
  getQueryMatcher,
  getSortComparator,
  getStartIndexStringFromLowerBound,
  getStartIndexStringFromUpperBound,
  getIndexStringLength,
  getSchemaByObjectPath,
  INDEX_MAX,
  INDEX_MIN,
  newRxError,
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
import { encodedPrefixLength, encodeIndexString, indexColumns, indexKey, type IndexColumn } from './index-columns';
import { changeEventsFor, releaseConnection, removeDatabaseFiles, type ChangeEvents, type Connection } from './sqlite-connection';
import { explainSqliteError, storeError } from './store-errors';

export type SqliteInstanceInternals = {
  connection: Connection;
  table: string;
};

export type SqliteInstanceOptions = Record<string, never>;

/** How many deleted documents one cleanup() call purges before yielding (it returns false then). */
const CLEANUP_BATCH = 2_000;

export const quoteIdentifier = (name: string): string => '"' + name.replaceAll('"', '""') + '"';

export function tableNames(collectionName: string, schemaVersion: number): { docs: string; attachments: string } {
  return {
    docs: `rx:${collectionName}:${schemaVersion}`,
    attachments: `rx-attachments:${collectionName}:${schemaVersion}`,
  };
}

type RangeStatements = { rows: Statement; rowsBackward: Statement; count: Statement };

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
  private readonly rangeStatements = new Map<string, RangeStatements>();
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

  private rangeFor(preparedQuery: PreparedQuery<RxDocType>): { statements: RangeStatements; low: Buffer; high: Buffer } {
    const plan = preparedQuery.queryPlan;
    const index = this.indexByKey.get(indexKey(plan.index));
    if (!index) {
      // The planner only picks schema indexes, or the `index` a query names: that one must exist.
      throw newRxError('QU5', { query: preparedQuery.query, args: { index: plan.index, collection: this.collectionName } } as never);
    }
    const key = `${index.column}|${plan.inclusiveStart ? 1 : 0}|${plan.inclusiveEnd ? 1 : 0}`;
    let statements = this.rangeStatements.get(key);
    if (!statements) {
      const where = `${index.column} ${plan.inclusiveStart ? '>=' : '>'} ? AND ${index.column} ${plan.inclusiveEnd ? '<=' : '<'} ?`;
      const docs = quoteIdentifier(this.docsTable);
      statements = {
        rows: this.db.prepare(`SELECT data FROM ${docs} WHERE ${where} ORDER BY ${index.column} LIMIT ? OFFSET ?`).pluck(),
        rowsBackward: this.db.prepare(`SELECT data, ${index.column} FROM ${docs} WHERE ${where} ORDER BY ${index.column} DESC`).raw(),
        count: this.db.prepare(`SELECT count(*) FROM ${docs} WHERE ${where}`).pluck(),
      };
      this.rangeStatements.set(key, statements);
    }
    const low = encodeIndexString(getStartIndexStringFromLowerBound(this.schema, plan.index, plan.startKeys));
    const high = encodeIndexString(getStartIndexStringFromUpperBound(this.schema, plan.index, plan.endKeys));
    return { statements, low, high };
  }

  async query(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageQueryResult<RxDocType>> {
    this.ensureOpen();
    const { query, queryPlan } = preparedQuery;
    const skip = query.skip ?? 0;
    const limit = typeof query.limit === 'number' ? query.limit : Infinity;
    const wanted = skip + limit;
    if (limit === 0) return { documents: [] };
    const { statements, low, high } = this.rangeFor(preparedQuery);
    const matches = queryPlan.selectorSatisfiedByIndex ? undefined : getQueryMatcher(this.schema, query);
    const documents = this.read('querying', () => {
      if (queryPlan.sortSatisfiedByIndex) {
        if (!matches) {
          // The index answers everything: SQLite skips and stops for us.
          const rows = statements.rows.all(low, high, limit === Infinity ? -1 : limit, skip) as string[];
          return rows.map((data) => JSON.parse(data) as RxDocumentData<RxDocType>);
        }
        const found: RxDocumentData<RxDocType>[] = [];
        for (const data of statements.rows.iterate(low, high, -1, 0) as IterableIterator<string>) {
          const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
          if (!matches(doc)) continue;
          found.push(doc);
          if (found.length >= wanted) break;
        }
        return found.slice(skip, wanted);
      }
      const tieChars = limit === Infinity ? undefined : this.backwardSortPrefixChars(preparedQuery);
      let found: RxDocumentData<RxDocType>[] = [];
      if (tieChars === undefined) {
        for (const data of statements.rows.iterate(low, high, -1, 0) as IterableIterator<string>) {
          const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
          if (!matches || matches(doc)) found.push(doc);
        }
      } else {
        // Newest first, read backwards along the index: stop after `wanted` matches, once the
        // group of rows that tie with the last one on the sort fields is complete.
        let lastKey: Buffer | undefined;
        let tieBytes = 0;
        for (const [data, key] of statements.rowsBackward.iterate(low, high) as IterableIterator<[string, Buffer]>) {
          // Every row of the range shares the constant fields, so the tie prefix has one length.
          if (!lastKey) tieBytes = encodedPrefixLength(key, tieChars);
          if (found.length >= wanted && lastKey && key.compare(lastKey, 0, tieBytes, 0, tieBytes) !== 0) break;
          const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
          if (matches && !matches(doc)) continue;
          found.push(doc);
          lastKey = key;
        }
      }
      found = found.sort(getSortComparator(this.schema, query));
      return skip > 0 || found.length > wanted ? found.slice(skip, wanted) : found;
    });
    return { documents };
  }

  /**
   * RxDB never counts a descending sort as served by an index, so an inbox page "newest first"
   * would read and sort the whole range. When the sort is, after the fields the range holds
   * constant, the index's own next fields all descending (and of types whose index order is
   * their value order: numbers and booleans), the range read backwards gives the rows in sort
   * order up to ties. Returns how many characters of the index string decide a tie, or undefined
   * when the index cannot serve the sort.
   */
  private backwardSortPrefixChars(preparedQuery: PreparedQuery<RxDocType>): number | undefined {
    const { queryPlan, query } = preparedQuery;
    const index = queryPlan.index;
    let constant = 0;
    while (
      constant < index.length &&
      queryPlan.startKeys[constant] === queryPlan.endKeys[constant] &&
      queryPlan.startKeys[constant] !== INDEX_MIN &&
      queryPlan.startKeys[constant] !== INDEX_MAX
    ) {
      constant++;
    }
    const sortFields = query.sort.map((part) => Object.entries(part)[0]!);
    const last = sortFields[sortFields.length - 1];
    const descending = last && last[0] === this.primaryPath ? sortFields.slice(0, -1) : sortFields;
    if (descending.length === 0) return undefined;
    for (let i = 0; i < descending.length; i++) {
      const [field, direction] = descending[i]!;
      if (direction !== 'desc' || index[constant + i] !== field) return undefined;
      const type = getSchemaByObjectPath(this.schema, field).type;
      if (type !== 'number' && type !== 'integer' && type !== 'boolean') return undefined;
    }
    return getIndexStringLength(this.schema, index.slice(0, constant + descending.length));
  }

  async count(preparedQuery: PreparedQuery<RxDocType>): Promise<RxStorageCountResult> {
    this.ensureOpen();
    const { statements, low, high } = this.rangeFor(preparedQuery);
    const count = this.read('counting', () => {
      if (preparedQuery.queryPlan.selectorSatisfiedByIndex) {
        return statements.count.get(low, high) as number;
      }
      const matches = getQueryMatcher(this.schema, preparedQuery.query);
      let n = 0;
      for (const data of statements.rows.iterate(low, high, -1, 0) as IterableIterator<string>) {
        if (matches(JSON.parse(data) as RxDocumentData<RxDocType>)) n++;
      }
      return n;
    });
    // Like RxDB's own storages, count ignores skip and limit (RxDB refuses them on count queries).
    return { count, mode: 'fast' };
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
    this.rangeStatements.clear();
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
