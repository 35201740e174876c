/**
 * The workstation's local database: an RxDB RxStorage on SQLite (better-sqlite3).
 *
 *   const storage = getRxStorageSqlite({ directory: '/path/to/profile' });
 *   const db = await createRxDatabase({ name: 'clerk-ana', storage });
 *
 * Each RxDatabase name becomes one SQLite file in `directory` (WAL, fsync on every commit by
 * default); each collection one table. See docs/local-database.md.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ensureRxStorageInstanceParamsAreCorrect, type RxStorage, type RxStorageInstanceCreationParams } from 'rxdb';
import { RXDB_VERSION } from 'rxdb/plugins/utils';
import { acquireConnection, releaseConnection, type ConnectionOptions } from './sqlite-connection';
import { SqliteStorageInstance, type SqliteInstanceInternals, type SqliteInstanceOptions } from './sqlite-instance';
import { explainSqliteError } from './store-errors';

export type SqliteStorageSettings = ConnectionOptions & {
  /** The folder that holds one SQLite file per database; created when missing. */
  directory: string;
};

export type RxStorageSqlite = RxStorage<SqliteInstanceInternals, SqliteInstanceOptions> & {
  readonly settings: Readonly<SqliteStorageSettings>;
  /** The file that holds a database of this name. */
  fileOf(databaseName: string): string;
};

/** Storage instances not yet closed, for tests that check nothing leaks. */
export const OPEN_SQLITE_INSTANCES = new Set<SqliteStorageInstance<unknown>>();

/**
 * A database name becomes a file name: letters, digits, '.', '_' and '-' stay, anything else is
 * percent-encoded, so no name can leave the folder or collide with another.
 */
export function databaseFileName(databaseName: string): string {
  const safe = Array.from(databaseName, (ch) => (/^[A-Za-z0-9_-]$/.test(ch) ? ch : encodeURIComponent(ch).replaceAll('.', '%2E'))).join('');
  return `${safe.replaceAll('%', '~')}.sqlite`;
}

export function getRxStorageSqlite(settings: SqliteStorageSettings): RxStorageSqlite {
  const directory = path.resolve(settings.directory);
  const fileOf = (databaseName: string) => path.join(directory, databaseFileName(databaseName));
  return {
    name: 'ventanilla-sqlite',
    rxdbVersion: RXDB_VERSION,
    settings,
    fileOf,
    async createStorageInstance<RxDocType>(params: RxStorageInstanceCreationParams<RxDocType, SqliteInstanceOptions>) {
      ensureRxStorageInstanceParamsAreCorrect(params);
      const file = fileOf(params.databaseName);
      try {
        mkdirSync(directory, { recursive: true });
      } catch (error) {
        throw explainSqliteError(error, file, 'creating its folder');
      }
      const connection = acquireConnection(file, settings);
      try {
        const instance = new SqliteStorageInstance<RxDocType>(
          params.databaseName,
          params.collectionName,
          params.schema,
          params.options ?? {},
          connection,
          (closed) => OPEN_SQLITE_INSTANCES.delete(closed as SqliteStorageInstance<unknown>),
        );
        OPEN_SQLITE_INSTANCES.add(instance as SqliteStorageInstance<unknown>);
        return instance;
      } catch (error) {
        releaseConnection(connection);
        throw explainSqliteError(error, file, `opening collection ${params.collectionName}`);
      }
    },
  };
}

export { isStoreError, type StoreError } from './store-errors';
export type { Durability } from './sqlite-connection';
