/**
 * Runs a server test against both database engines:
 *
 * ```ts
 * describe.each(databaseEngines())('on $name', (engine) => {
 *   beforeAll(() => engine.start());
 *   afterAll(() => engine.stop());
 *   afterEach(() => engine.closeAll());
 *   it('…', async () => { const db = await engine.open(); … });
 * });
 * ```
 *
 * Every `open()` without options makes a new empty database (a new SQLite file, a new
 * PostgreSQL schema on the test file's one cluster), so tests do not see each other's
 * documents. The PostgreSQL schemas share one database, so their stores hear each other's
 * NOTIFY: a test that counts change events from several stores makes its own database.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openServerDatabase, type OpenServerDatabaseOptions, type ServerDatabase } from '../db/index';
import { startPostgres, type TestPostgres } from '../../test-support/postgres';
import { createOwnedFolder, type OwnedFolder } from '../../test-support/owned-folder';

export type DatabaseEngine = {
  readonly name: 'sqlite' | 'postgres';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Where a new, empty database lives. */
  newDatabase(): Promise<OpenServerDatabaseOptions>;
  /** Opens `where` (default: a new empty database); closed by `closeAll`. */
  open(where?: OpenServerDatabaseOptions): Promise<{ db: ServerDatabase; where: OpenServerDatabaseOptions }>;
  closeAll(): Promise<void>;
  /** The PostgreSQL cluster (postgres engine only, after start). */
  readonly cluster: TestPostgres | null;
};

export function databaseEngines(): DatabaseEngine[] {
  return [sqliteEngine(), postgresEngine()];
}

function tracked(engine: Omit<DatabaseEngine, 'open' | 'closeAll'>): DatabaseEngine {
  const open: ServerDatabase[] = [];
  return Object.assign(engine, {
    async open(where?: OpenServerDatabaseOptions) {
      const options = where ?? (await engine.newDatabase());
      const db = await openServerDatabase(options);
      open.push(db);
      return { db, where: options };
    },
    async closeAll() {
      await Promise.all(open.splice(0).map((db) => db.close()));
    },
  });
}

export function sqliteEngine(): DatabaseEngine {
  // An owned folder (test-support/owned-folder.ts): a killed test run leaves none behind.
  let folder: OwnedFolder | undefined;
  let count = 0;
  return tracked({
    name: 'sqlite',
    cluster: null,
    async start() {
      folder = createOwnedFolder('server-db');
    },
    async stop() {
      folder?.remove();
      folder = undefined;
    },
    async newDatabase() {
      if (!folder) throw new Error('sqlite engine not started');
      return { sqliteFile: path.join(folder.path, `server-${++count}.sqlite`) };
    },
  });
}

export function postgresEngine(): DatabaseEngine {
  let count = 0;
  const engine = {
    name: 'postgres' as const,
    cluster: null as TestPostgres | null,
    async start() {
      engine.cluster = await startPostgres();
    },
    async stop() {
      await engine.cluster?.stop();
    },
    async newDatabase() {
      const cluster = engine.cluster;
      if (!cluster) throw new Error('postgres engine not started');
      // A schema per test, not a database: CREATE DATABASE costs about a second on a small
      // machine, CREATE SCHEMA nothing. The store's tables go where search_path points.
      const schema = `ventanilla_test_${++count}`;
      const admin = new pg.Client({ connectionString: cluster.url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA ${schema}`);
      } finally {
        await admin.end();
      }
      return { databaseUrl: `${cluster.url}?options=${encodeURIComponent(`-c search_path=${schema}`)}` };
    },
  };
  return tracked(engine);
}

/** Runs SQL on the database behind `where`, beside the store: to tamper with it, or put it back as an older migration left it. */
export async function rawSql(where: OpenServerDatabaseOptions, sql: string): Promise<void> {
  if ('sqliteFile' in where) {
    const db = new Database(where.sqliteFile);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: where.databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
