/**
 * Numbered migrations, one folder per engine (`migrations/sqlite/0001_name.sql`,
 * `migrations/postgres/0001_name.sql`), applied in order when the database opens and recorded
 * in `schema_migrations` with a checksum: on SQLite all pending ones in one BEGIN IMMEDIATE
 * transaction, on PostgreSQL one transaction each under an advisory lock, so several server
 * processes starting on a new database apply each migration once.
 *
 * A released migration is never edited (STYLE.md): the checksum makes an edit fail loudly at
 * open instead of leaving databases that differ by when they were created. A database that
 * knows a migration this code does not (written by a newer server) is refused too.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ServerDatabaseError } from './errors';

export type Migration = { version: number; name: string; sql: string; checksum: string };

export type AppliedMigration = { version: number; name: string; checksum: string };

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export const MIGRATIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  checksum   TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

export function loadMigrations(engine: 'sqlite' | 'postgres'): Migration[] {
  const folder = fileURLToPath(new URL(`./migrations/${engine}/`, import.meta.url));
  const migrations = readdirSync(folder)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file, index) => {
      const match = FILE_NAME.exec(file);
      if (!match) throw migrationError(`${engine} migration ${file}: the name must be NNNN_lower_snake_case.sql`);
      const version = Number(match[1]);
      if (version !== index + 1) throw migrationError(`${engine} migration ${file}: expected number ${index + 1} (no gaps, no repeats)`);
      // Line endings normalised: a Windows checkout must not look like an edit.
      const sql = readFileSync(`${folder}${file}`, 'utf8').replace(/\r\n/g, '\n');
      return { version, name: match[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
  if (migrations.length === 0) throw migrationError(`no ${engine} migrations in ${folder}`);
  return migrations;
}

/** The migrations still to apply, after checking the applied ones against the files. */
export function pendingMigrations(engine: string, available: readonly Migration[], applied: readonly AppliedMigration[]): Migration[] {
  for (const done of applied) {
    const file = available.find((migration) => migration.version === Number(done.version));
    if (!file) {
      throw migrationError(
        `the ${engine} database has migration ${done.version} (${done.name}), which this server does not know: it was migrated by a newer version`,
      );
    }
    if (file.checksum !== done.checksum || file.name !== done.name) {
      throw migrationError(
        `${engine} migration ${done.version} (${file.name}) differs from the one applied to this database: released migrations must never be edited, add a new one`,
      );
    }
  }
  const appliedVersions = new Set(applied.map((done) => Number(done.version)));
  return available.filter((migration) => !appliedVersions.has(migration.version));
}

function migrationError(message: string): ServerDatabaseError {
  return new ServerDatabaseError('DB_MIGRATION', message);
}
