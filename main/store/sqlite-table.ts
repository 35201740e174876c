/**
 * The SQLite layout of one collection (see sqlite-instance.ts): its table and SQL indexes, created
 * or brought up to date when the collection opens (an index whose definition changed gets a new
 * column, filled from the stored documents), and the statements the instance runs on them.
 */
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { encodeIndexString, type IndexColumn } from './index-columns';
import { quoteIdentifier } from './sqlite-connection';

export type CollectionTable<RxDocType> = {
  db: Database.Database;
  docsTable: string;
  attachmentsTable: string | undefined;
  indexes: IndexColumn<RxDocType>[];
  lwtIndex: IndexColumn<RxDocType>;
};

export type CollectionStatements = {
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

export function createCollectionTable<RxDocType>(table: CollectionTable<RxDocType>): void {
  const docs = quoteIdentifier(table.docsTable);
  const db = table.db;
  // Creating tables writes no document: if power fails before the next fsync'ed commit, the
  // next start simply creates them again. So the DDL skips its own fsync; the next document
  // commit syncs the write-ahead log, these pages included.
  const synchronous = db.pragma('synchronous', { simple: true });
  db.pragma('synchronous = NORMAL');
  try {
    createTablesInTransaction(table, docs);
  } finally {
    db.pragma(`synchronous = ${String(synchronous)}`);
  }
}

function createTablesInTransaction<RxDocType>(table: CollectionTable<RxDocType>, docs: string): void {
  const db = table.db;
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${docs} (
      id TEXT PRIMARY KEY NOT NULL,
      data TEXT NOT NULL,
      deleted INTEGER NOT NULL,
      lwt REAL NOT NULL
    )`);
    // Cleanup looks only at deleted documents: a partial index keeps that cheap and tiny.
    db.exec(`CREATE INDEX IF NOT EXISTS ${quoteIdentifier(table.docsTable + ':deleted')} ON ${docs}(lwt) WHERE deleted = 1`);
    const existing = new Set(
      (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table.docsTable) as string[]).filter((c) => c.startsWith('ix_')),
    );
    const wanted = new Set(table.indexes.map((i) => i.column));
    for (const stale of existing) {
      if (wanted.has(stale)) continue;
      db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(table.docsTable + ':' + stale)}`);
      db.exec(`ALTER TABLE ${docs} DROP COLUMN ${stale}`);
    }
    for (const index of table.indexes) {
      if (existing.has(index.column)) continue;
      db.exec(`ALTER TABLE ${docs} ADD COLUMN ${index.column} BLOB NOT NULL DEFAULT x''`);
      backfillIndex(table, index);
      db.exec(`CREATE INDEX ${quoteIdentifier(table.docsTable + ':' + index.column)} ON ${docs}(${index.column})`);
    }
    if (table.attachmentsTable) {
      db.exec(`CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table.attachmentsTable)} (
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
function backfillIndex<RxDocType>(table: CollectionTable<RxDocType>, index: IndexColumn<RxDocType>): void {
  const docs = quoteIdentifier(table.docsTable);
  const update = table.db.prepare(`UPDATE ${docs} SET ${index.column} = ? WHERE rowid = ?`);
  const page = table.db.prepare(`SELECT rowid, data FROM ${docs} WHERE rowid > ? ORDER BY rowid LIMIT 1000`).raw();
  for (let after = 0, rows: [number, string][]; (rows = page.all(after) as [number, string][]).length > 0; after = rows[rows.length - 1]![0]) {
    for (const [rowid, data] of rows) update.run(encodeIndexString(index.indexableString(JSON.parse(data))), rowid);
  }
}

export function prepareCollectionStatements<RxDocType>(table: CollectionTable<RxDocType>): CollectionStatements {
  const db = table.db;
  const docs = quoteIdentifier(table.docsTable);
  const columns = table.indexes.map((i) => i.column);
  const statements: CollectionStatements = {
    byIds: db.prepare(`SELECT data FROM ${docs} WHERE id IN (SELECT value FROM json_each(?))`).pluck(),
    insert: db.prepare(
      `INSERT INTO ${docs} (id, data, deleted, lwt${columns.map((c) => ', ' + c).join('')}) VALUES (?, ?, ?, ?${columns.map(() => ', ?').join('')})`,
    ),
    update: db.prepare(
      `UPDATE ${docs} SET data = ?, deleted = ?, lwt = ?${columns.map((c) => `, ${c} = ?`).join('')} WHERE id = ?`,
    ),
    changedSince: db.prepare(`SELECT data FROM ${docs} WHERE ${table.lwtIndex.column} > ? ORDER BY ${table.lwtIndex.column} LIMIT ?`).pluck(),
    changedFromStart: db.prepare(`SELECT data FROM ${docs} ORDER BY ${table.lwtIndex.column} LIMIT ?`).pluck(),
    cleanupCandidates: db.prepare(`SELECT id FROM ${docs} WHERE deleted = 1 AND lwt <= ? ORDER BY lwt LIMIT ?`).pluck(),
    deleteById: db.prepare(`DELETE FROM ${docs} WHERE id = ?`),
  };
  if (table.attachmentsTable) {
    const attachments = quoteIdentifier(table.attachmentsTable);
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
