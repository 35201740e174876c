/**
 * PostgreSQL, for a council that outgrows one machine: several server processes share one
 * database, each with a connection pool and one LISTEN connection (./postgres-listener.ts).
 *
 * Ordering: a push takes its collection's write lock — the row lock of the collection's
 * `collection_clocks` row, taken by the upsert that assigns `updatedAt` — before it reads
 * anything it decides on, and holds it until COMMIT. The next push of that collection gets its
 * (larger) `updatedAt` only after this one is committed and visible, so no pull can see a
 * larger `updatedAt` while a smaller one is still to come. READ COMMITTED is enough: every
 * statement after the lock sees what the previous holder committed.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createAuditLog, createRefreshTokens, createUserAccounts } from './accounts';
import { createWorkstations } from './workstations';
import { ServerDatabaseError } from './errors';
import { EventHub } from './events';
import { MIGRATIONS_TABLE_SQL, loadMigrations, pendingMigrations, type AppliedMigration } from './migrations';
import { CHANGES_CHANNEL, ChangeListener } from './postgres-listener';
import { buildPullQuery, toPullResult, type PullRow } from './pull';
import { pushInTransaction, type PushTransaction, type StoredState } from './push';
import { toPositional, type SqlParams, type SqlRunner } from './sql-runner';
import type { DatabaseEvent, ServerDatabase, StoredDocument } from './types';

export type PostgresDatabaseOptions = {
  databaseUrl: string;
  poolSize?: number;
  listenerHeartbeatMs?: number;
  primaryKeys?: Readonly<Record<string, string>>;
};

/** Any number: bigint columns come back as JS numbers (every value here is below 2^53). */
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/** Serialises migrations of several processes starting at once on one database. */
const MIGRATION_LOCK = 7_391_512_001;

type Notification = { o: string; c: string; u: number };

export async function openPostgresDatabase(options: PostgresDatabaseOptions): Promise<ServerDatabase> {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    types,
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
    application_name: 'ventanilla-server',
  });
  // An idle connection that PostgreSQL closes (a restart) errors here; the pool drops it and the
  // next query opens a new one. Without a listener the error would crash the process.
  pool.on('error', () => undefined);

  const origin = randomUUID();
  const hub = new EventHub();
  const listener = new ChangeListener({
    connectionString: options.databaseUrl,
    heartbeatMs: options.listenerHeartbeatMs,
    onNotification(payload) {
      let notification: Notification;
      try {
        notification = JSON.parse(payload) as Notification;
      } catch {
        return;
      }
      // This process announced its own commits already, right after COMMIT.
      if (notification.o === origin) return;
      hub.emit({ type: 'change', collection: notification.c, updatedAt: notification.u });
    },
    onResync: () => hub.emit({ type: 'resync' }),
  });

  try {
    await migrate(pool);
    await listener.start();
  } catch (error) {
    await listener.close();
    await pool.end();
    throw error;
  }

  let closed = false;
  const checkOpen = () => {
    if (closed) throw new ServerDatabaseError('DB_CLOSED', 'the server database is closed');
  };
  const runnerOf = (client: pg.Pool | pg.PoolClient): SqlRunner => ({
    async all<Row>(sql: string, params?: SqlParams) {
      checkOpen();
      const { text, values } = toPositional(sql, params);
      return translateErrors(async () => (await client.query(text, values)).rows as Row[]);
    },
    async run(sql, params) {
      checkOpen();
      const { text, values } = toPositional(sql, params);
      return translateErrors(async () => (await client.query(text, values)).rowCount ?? 0);
    },
  });
  const pooled = runnerOf(pool);

  const transaction = async <T>(work: (tx: PushTransaction) => Promise<T>): Promise<T> => {
    checkOpen();
    const client = await pool.connect();
    const events: DatabaseEvent[] = [];
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(pushTransaction(runnerOf(client), origin, events));
      await client.query('COMMIT');
      for (const event of events) hub.emit(event);
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      // A connection that could not even roll back is destroyed, not returned to the pool.
      client.release(broken);
    }
  };

  return {
    engine: 'postgres',
    async push(collection, rows, pushOptions = {}) {
      return pushInTransaction(transaction, collection, options.primaryKeys?.[collection] ?? 'id', rows, pushOptions);
    },
    async pull(collection, checkpoint, limit, pullOptions = {}) {
      const { sql, params } = buildPullQuery({ byteOrder: ' COLLATE "C"' }, collection, checkpoint, limit, pullOptions);
      return toPullResult(await pooled.all<PullRow>(sql, params), checkpoint, pullOptions.tombstone);
    },
    async getDocuments(collection, ids) {
      const rows = await pooled.all<{ id: string; updated_at: number; deleted: boolean; scope: string; body: string }>(
        `SELECT id, updated_at, deleted, scope, body FROM documents
         WHERE collection = @collection AND id = ANY(@ids::text[] COLLATE "C")`,
        { collection, ids: [...ids] },
      );
      return rows.map(
        (row): StoredDocument => ({ id: row.id, updatedAt: row.updated_at, deleted: row.deleted, scope: row.scope, body: row.body }),
      );
    },
    subscribe: (eventListener) => hub.subscribe(eventListener),
    changes: (signal) => hub.changes(signal),
    users: createUserAccounts(pooled),
    refreshTokens: createRefreshTokens(pooled),
    workstations: createWorkstations(pooled),
    audit: createAuditLog(pooled),
    async close() {
      if (closed) return;
      closed = true;
      hub.close();
      await listener.close();
      await pool.end();
    },
  };
}

function pushTransaction(sql: SqlRunner, origin: string, events: DatabaseEvent[]): PushTransaction {
  return {
    async tick(collection, now) {
      // The upsert locks the clock row until COMMIT: the collection's write lock.
      const [row] = await sql.all<{ last_updated_at: number }>(
        `INSERT INTO collection_clocks (collection, last_updated_at) VALUES (@collection, @now::bigint)
         ON CONFLICT (collection) DO UPDATE
           SET last_updated_at = GREATEST(collection_clocks.last_updated_at + 1, EXCLUDED.last_updated_at)
         RETURNING last_updated_at`,
        { collection, now: Math.trunc(now) },
      );
      return row!.last_updated_at;
    },
    readDocuments(collection, ids) {
      return sql.all<StoredState>(
        `SELECT id, scope, body FROM documents WHERE collection = @collection AND id = ANY(@ids::text[] COLLATE "C")`,
        { collection, ids },
      );
    },
    async readScopes(collection, ids) {
      const rows = await sql.all<{ id: string; scope: string }>(
        `SELECT id, scope FROM documents WHERE collection = @collection AND id = ANY(@ids::text[] COLLATE "C")`,
        { collection, ids },
      );
      return new Map(rows.map((row) => [row.id, row.scope]));
    },
    async readChildren(collection, parentIds) {
      const rows = await sql.all<{ id: string; parent_id: string; scope: string }>(
        `SELECT id, parent_id, scope FROM documents
         WHERE collection = @collection AND parent_id = ANY(@ids::text[] COLLATE "C")`,
        { collection, ids: parentIds },
      );
      return rows.map((row) => ({ id: row.id, parentId: row.parent_id, scope: row.scope }));
    },
    async writeDocuments(collection, updatedAt, writes) {
      // One statement for the whole push: one round trip however many documents.
      await sql.run(
        `INSERT INTO documents (collection, id, updated_at, deleted, scope, parent_id, body)
         SELECT @collection::text, w.id, @updated_at::bigint, w.deleted, w.scope, w.parent_id, w.body
         FROM unnest(@ids::text[], @deleted::boolean[], @scopes::text[], @parent_ids::text[], @bodies::text[])
           AS w(id, deleted, scope, parent_id, body)
         ON CONFLICT (collection, id) DO UPDATE SET updated_at = EXCLUDED.updated_at, deleted = EXCLUDED.deleted,
           scope = EXCLUDED.scope, parent_id = EXCLUDED.parent_id, body = EXCLUDED.body`,
        {
          collection,
          updated_at: updatedAt,
          ids: writes.map((write) => write.id),
          deleted: writes.map((write) => write.deleted),
          scopes: writes.map((write) => write.scope),
          parent_ids: writes.map((write) => write.parentId),
          bodies: writes.map((write) => write.body),
        },
      );
    },
    async moveDocuments(collection, updatedAt, moves) {
      await sql.run(
        `UPDATE documents AS d SET scope = m.scope, updated_at = @updated_at::bigint
         FROM unnest(@ids::text[], @scopes::text[]) AS m(id, scope)
         WHERE d.collection = @collection AND d.id = m.id COLLATE "C"`,
        { collection, updated_at: updatedAt, ids: moves.map((move) => move.id), scopes: moves.map((move) => move.scope) },
      );
    },
    async recordExits(collection, updatedAt, exits) {
      await sql.run(
        `INSERT INTO scope_exits (collection, id, scope, updated_at)
         SELECT @collection::text, x.id, x.scope, @updated_at::bigint
         FROM unnest(@ids::text[], @scopes::text[]) AS x(id, scope)
         ON CONFLICT (collection, id, scope) DO UPDATE SET updated_at = EXCLUDED.updated_at`,
        { collection, updated_at: updatedAt, ids: exits.map((exit) => exit.id), scopes: exits.map((exit) => exit.scope) },
      );
    },
    async notify(collection, updatedAt) {
      // Delivered by PostgreSQL at COMMIT, to every listening process (this one ignores its own).
      const payload: Notification = { o: origin, c: collection, u: updatedAt };
      await sql.all('SELECT pg_notify(@channel, @payload)', { channel: CHANGES_CHANNEL, payload: JSON.stringify(payload) });
      events.push({ type: 'change', collection, updatedAt });
    },
  };
}

async function migrate(pool: pg.Pool): Promise<void> {
  const available = loadMigrations('postgres');
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(MIGRATIONS_TABLE_SQL);
      const { rows } = await client.query<AppliedMigration>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
      for (const migration of pendingMigrations('postgres', available, rows)) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [
            migration.version,
            migration.name,
            migration.checksum,
            Date.now(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function translateErrors<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    if (error instanceof pg.DatabaseError && error.code === '23505') {
      throw new ServerDatabaseError('DB_DUPLICATE', error.message, { cause: error });
    }
    throw error;
  }
}
