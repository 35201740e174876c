/**
 * The embedded default: one SQLite file through better-sqlite3, for a council served by one
 * server process.
 *
 * better-sqlite3 is synchronous and this process has one connection, so every statement runs
 * through one queue; a push is `BEGIN IMMEDIATE … COMMIT` (the write lock taken at BEGIN, so a
 * second process on the file waits at BEGIN instead of failing at its first write), and pushes
 * commit in the order they take their `updatedAt`. Change events are in-process: a second
 * server process on the same file would not hear this one (use PostgreSQL for several).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createAuditLog, createRefreshTokens, createUserAccounts } from './accounts';
import { createWorkstations } from './workstations';
import { ServerDatabaseError } from './errors';
import { EventHub } from './events';
import { MIGRATIONS_TABLE_SQL, loadMigrations, pendingMigrations, type AppliedMigration } from './migrations';
import { buildPullQuery, toPullResult, type PullRow } from './pull';
import { pushInTransaction, type PushTransaction, type StoredState } from './push';
import { createSerialQueue, type SerialQueue } from './serial-queue';
import type { SqlParams, SqlRunner } from './sql-runner';
import type { DatabaseEvent, ServerDatabase, StoredDocument } from './types';

export type SqliteDatabaseOptions = {
  file: string;
  primaryKeys?: Readonly<Record<string, string>>;
};

export async function openSqliteDatabase(options: SqliteDatabaseOptions): Promise<ServerDatabase> {
  if (options.file !== ':memory:') mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
  const db = new Database(options.file, { timeout: 10_000 });
  try {
    // WAL: readers never block the writer (https://sqlite.org/wal.html). FULL: an acknowledged
    // push survives a power cut — the workstation has already forgotten it.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }

  const { queue, release } = acquireQueue(options.file);
  const hub = new EventHub();
  const statements = new Map<string, Database.Statement>();
  let closed = false;
  let closing: Promise<void> | null = null;

  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  /** Runs directly on the connection: only from inside the queue. */
  const direct: SqlRunner = {
    async all<Row>(sql: string, params: SqlParams = {}) {
      const statement = prepare(sql);
      if (!statement.reader) {
        statement.run(bindable(params));
        return [];
      }
      return statement.all(bindable(params)) as Row[];
    },
    async run(sql, params = {}) {
      return prepare(sql).run(bindable(params)).changes;
    },
  };
  const closedError = () => new ServerDatabaseError('DB_CLOSED', 'the server database is closed');
  const guarded = <T>(task: () => Promise<T> | T): Promise<T> => {
    if (closed) return Promise.reject(closedError());
    return queue(() => {
      // Queued before close, run after it.
      if (closed) throw closedError();
      return translateErrors(task);
    });
  };
  /** Each statement queued on its own, for the accessors outside transactions. */
  const queued: SqlRunner = {
    all: (sql, params) => guarded(() => direct.all(sql, params)),
    run: (sql, params) => guarded(() => direct.run(sql, params)),
  };

  const transaction = <T>(work: (tx: PushTransaction) => Promise<T>): Promise<T> =>
    guarded(async () => {
      const events: DatabaseEvent[] = [];
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(pushTransaction(direct, prepare, events));
        db.exec('COMMIT');
        for (const event of events) hub.emit(event);
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    });

  return {
    engine: 'sqlite',
    async push(collection, rows, pushOptions = {}) {
      return pushInTransaction(transaction, collection, options.primaryKeys?.[collection] ?? 'id', rows, pushOptions);
    },
    async pull(collection, checkpoint, limit, pullOptions = {}) {
      const { sql, params } = buildPullQuery({ byteOrder: '' }, collection, checkpoint, limit, pullOptions);
      return toPullResult(await queued.all<PullRow>(sql, params), checkpoint, pullOptions.tombstone);
    },
    async getDocuments(collection, ids) {
      const rows = await queued.all<{ id: string; updated_at: number; deleted: number; scope: string; body: string }>(
        `SELECT id, updated_at, deleted, scope, body FROM documents
         WHERE collection = @collection AND id IN (SELECT value FROM json_each(@ids))`,
        { collection, ids: JSON.stringify(ids) },
      );
      return rows.map(
        (row): StoredDocument => ({ id: row.id, updatedAt: row.updated_at, deleted: row.deleted === 1, scope: row.scope, body: row.body }),
      );
    },
    subscribe: (listener) => hub.subscribe(listener),
    changes: (signal) => hub.changes(signal),
    users: createUserAccounts(queued),
    refreshTokens: createRefreshTokens(queued),
    workstations: createWorkstations(queued),
    audit: createAuditLog(queued),
    close() {
      // Whatever was queued before close finishes first.
      closing ??= queue(() => {
        closed = true;
        hub.close();
        db.close();
        release();
      });
      return closing;
    },
  };
}

/**
 * One queue per file for every instance in this process: a transaction awaits between its
 * statements, and a second instance's BEGIN IMMEDIATE in between would block the event loop
 * in SQLite's busy wait while the first transaction could never finish.
 */
const fileQueues = new Map<string, { queue: SerialQueue; users: number }>();

function acquireQueue(file: string): { queue: SerialQueue; release: () => void } {
  if (file === ':memory:') return { queue: createSerialQueue(), release: () => undefined };
  const key = path.resolve(file);
  const shared = fileQueues.get(key) ?? { queue: createSerialQueue(), users: 0 };
  shared.users++;
  fileQueues.set(key, shared);
  return {
    queue: shared.queue,
    release() {
      if (--shared.users === 0) fileQueues.delete(key);
    },
  };
}

function pushTransaction(sql: SqlRunner, prepare: (sql: string) => Database.Statement, events: DatabaseEvent[]): PushTransaction {
  const ids = (values: readonly string[]) => JSON.stringify(values);
  return {
    async tick(collection, now) {
      const [row] = await sql.all<{ last_updated_at: number }>(
        `INSERT INTO collection_clocks (collection, last_updated_at) VALUES (@collection, @now)
         ON CONFLICT (collection) DO UPDATE
           SET last_updated_at = MAX(collection_clocks.last_updated_at + 1, excluded.last_updated_at)
         RETURNING last_updated_at`,
        { collection, now: Math.trunc(now) },
      );
      return row!.last_updated_at;
    },
    readDocuments(collection, documentIds) {
      return sql.all<StoredState>(
        `SELECT id, scope, body FROM documents
         WHERE collection = @collection AND id IN (SELECT value FROM json_each(@ids))`,
        { collection, ids: ids(documentIds) },
      );
    },
    async readScopes(collection, documentIds) {
      const rows = await sql.all<{ id: string; scope: string }>(
        `SELECT id, scope FROM documents WHERE collection = @collection AND id IN (SELECT value FROM json_each(@ids))`,
        { collection, ids: ids(documentIds) },
      );
      return new Map(rows.map((row) => [row.id, row.scope]));
    },
    async readChildren(collection, parentIds) {
      const rows = await sql.all<{ id: string; parent_id: string; scope: string }>(
        `SELECT id, parent_id, scope FROM documents
         WHERE collection = @collection AND parent_id IN (SELECT value FROM json_each(@ids))`,
        { collection, ids: ids(parentIds) },
      );
      return rows.map((row) => ({ id: row.id, parentId: row.parent_id, scope: row.scope }));
    },
    async writeDocuments(collection, updatedAt, writes) {
      const upsert = prepare(
        `INSERT INTO documents (collection, id, updated_at, deleted, scope, parent_id, body)
         VALUES (@collection, @id, @updated_at, @deleted, @scope, @parent_id, @body)
         ON CONFLICT (collection, id) DO UPDATE SET updated_at = excluded.updated_at, deleted = excluded.deleted,
           scope = excluded.scope, parent_id = excluded.parent_id, body = excluded.body`,
      );
      for (const write of writes) {
        upsert.run({
          collection,
          id: write.id,
          updated_at: updatedAt,
          deleted: write.deleted ? 1 : 0,
          scope: write.scope,
          parent_id: write.parentId,
          body: write.body,
        });
      }
    },
    async moveDocuments(collection, updatedAt, moves) {
      const update = prepare('UPDATE documents SET scope = @scope, updated_at = @updated_at WHERE collection = @collection AND id = @id');
      for (const move of moves) update.run({ collection, id: move.id, scope: move.scope, updated_at: updatedAt });
    },
    async recordExits(collection, updatedAt, exits) {
      const upsert = prepare(
        `INSERT INTO scope_exits (collection, id, scope, updated_at) VALUES (@collection, @id, @scope, @updated_at)
         ON CONFLICT (collection, id, scope) DO UPDATE SET updated_at = excluded.updated_at`,
      );
      for (const exit of exits) upsert.run({ collection, id: exit.id, scope: exit.scope, updated_at: updatedAt });
    },
    async notify(collection, updatedAt) {
      events.push({ type: 'change', collection, updatedAt });
    },
  };
}

function migrate(db: Database.Database): void {
  const available = loadMigrations('sqlite');
  db.exec(MIGRATIONS_TABLE_SQL);
  // BEGIN IMMEDIATE: two processes opening one new file do not both apply 0001.
  db.exec('BEGIN IMMEDIATE');
  try {
    const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as AppliedMigration[];
    for (const migration of pendingMigrations('sqlite', available, applied)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(
        migration.version,
        migration.name,
        migration.checksum,
        Date.now(),
      );
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** better-sqlite3 binds no booleans and no undefined. */
function bindable(params: SqlParams): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    values[name] = typeof value === 'boolean' ? (value ? 1 : 0) : value === undefined ? null : value;
  }
  return values;
}

async function translateErrors<T>(task: () => Promise<T> | T): Promise<T> {
  try {
    return await task();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new ServerDatabaseError('DB_DUPLICATE', (error as Error).message, { cause: error });
    }
    throw error;
  }
}
