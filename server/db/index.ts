/**
 * The central server's database: replicated documents, accounts, audit log, change events.
 * `openServerDatabase({ sqliteFile })` for the embedded default, `{ databaseUrl }` for
 * PostgreSQL; both give the same {@link ServerDatabase}. Design: ./README.md.
 */
import { openPostgresDatabase } from './postgres-database';
import { openSqliteDatabase } from './sqlite-database';
import type { OpenServerDatabaseOptions, ServerDatabase } from './types';

export * from './types';
export { ServerDatabaseError, type ServerDatabaseErrorCode } from './errors';
export { defaultScopeOf, SCOPE_PARENTS } from './scope-policy';

/** Opens the database and applies pending migrations. */
export function openServerDatabase(options: OpenServerDatabaseOptions): Promise<ServerDatabase> {
  if ('databaseUrl' in options) {
    return openPostgresDatabase({
      databaseUrl: options.databaseUrl,
      poolSize: options.poolSize,
      listenerHeartbeatMs: options.listenerHeartbeatMs,
      primaryKeys: options.primaryKeys,
    });
  }
  return openSqliteDatabase({ file: options.sqliteFile, primaryKeys: options.primaryKeys });
}
