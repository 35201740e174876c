/**
 * The clerk's local replica as the workstation service opens it: the council's collections on our
 * SQLite storage, every write checked against its JSON schema, deleted documents purged once they
 * are old enough to have replicated, and the full-text search index following the data.
 *
 * Opening does not wait for the search index: after a first replica or a long offline spell it
 * may trail the replica by minutes (search-index.ts), and the clerk can work meanwhile. Searches
 * answer from what is indexed, `searchStatus()` says it is behind (the inbox tells the clerk),
 * and whoever needs every change searchable (a test, a benchmark) awaits `searchCaughtUp()`.
 */
import { rmSync } from 'node:fs';
import { addRxPlugin, createRxDatabase, type RxDatabase } from 'rxdb';
import { RxDBCleanupPlugin } from 'rxdb/plugins/cleanup';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { COLLECTION_NAMES, collections, type Collections } from '../../core/schemas';
import { CONFLICT_HANDLERS } from '../../core/sync/conflict-handlers';
import { getRxStorageSqlite, type Durability } from './index';
import { beginSchemaMigrations, completeSchemaMigrations, type SchemaMigration } from './schema-migrations';
import { SearchIndex, type SearchHit, type SearchIndexOptions, type SearchIndexStatus } from './search-index';
import { isStoreError } from './store-errors';

addRxPlugin(RxDBCleanupPlugin);

const DAY_MS = 24 * 60 * 60 * 1000;

export type LocalDatabaseOptions = {
  /** The clerk's profile folder. */
  directory: string;
  /** One database per signed-in clerk (DESIGN.md): e.g. the user id. */
  name: string;
  durability?: Durability;
  /** Where background failures (the search index's writer) are reported; stderr by default. */
  log?: (line: string) => void;
  /** The search index's timings (its writer's idle exit, the grace before it says it lags…): tests and diagnostics shorten them. */
  searchIndex?: Omit<SearchIndexOptions, 'log'>;
};

export type LocalDatabase = {
  readonly db: RxDatabase<Collections>;
  /** The database file, for backups and diagnostics. */
  readonly file: string;
  /** The collections whose stored documents were migrated to a newer schema on this opening. */
  readonly migrations: readonly SchemaMigration[];
  search(text: string, options?: { limit?: number }): SearchHit[];
  /**
   * Resolves once the search index has every change written so far (opening does not wait for
   * it); rejects when its writer failed to index them (it tries again by itself).
   */
  searchCaughtUp(): Promise<void>;
  /** Whether the search index lags behind the database, since when and by about how much (no query). */
  searchStatus(): SearchIndexStatus;
  /** Calls `listener` as searchStatus() changes (search-index.ts onStatus); returns the unsubscribe. */
  onSearchStatus(listener: (status: SearchIndexStatus) => void): () => void;
  close(): Promise<void>;
};

/**
 * Opens the search index, and rebuilds it from scratch when its file is damaged: it holds nothing
 * the database does not.
 */
function openSearchIndex(file: string, options: SearchIndexOptions): SearchIndex {
  try {
    return SearchIndex.open(file, options);
  } catch (error) {
    if (!isStoreError(error) || !/^SQLITE_(CORRUPT|NOTADB)/.test(error.code)) throw error;
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    return SearchIndex.open(file, options);
  }
}

export async function openLocalDatabase(options: LocalDatabaseOptions): Promise<LocalDatabase> {
  const sqlite = getRxStorageSqlite({ directory: options.directory, durability: options.durability ?? 'full' });
  const file = sqlite.fileOf(options.name);
  const db = await createRxDatabase<Collections>({
    name: options.name,
    storage: wrappedValidateAjvStorage({ storage: sqlite }),
    // One process owns the file: the workstation service. Screens reach it over remote storage.
    multiInstance: false,
    eventReduce: true,
    cleanupPolicy: {
      // A workstation may stay offline for weeks: keep deletions long enough to replicate them.
      minimumDeletedTime: 60 * DAY_MS,
      minimumCollectionAge: 60_000,
      runEach: 60 * 60_000,
      awaitReplicationsInSync: true,
      waitForLeadership: false,
    },
  });
  let search: SearchIndex | undefined;
  let migrations: SchemaMigration[];
  try {
    // RxDB 16+ takes the conflict handler per collection: tickets merge field by field. The
    // service owns the file, so it alone migrates collections stored at an older schema version
    // (autoMigrate: addCollections waits for it), before replication or any screen starts.
    const migrationMarker = file.replace(/\.sqlite$/, '.migrating.json');
    await beginSchemaMigrations(db, Object.fromEntries(COLLECTION_NAMES.map((name) => [name, collections[name].schema.version])), migrationMarker);
    await db.addCollections(
      Object.fromEntries(COLLECTION_NAMES.map((name) => [name, { ...collections[name], conflictHandler: CONFLICT_HANDLERS[name], autoMigrate: true }])) as unknown as typeof collections,
    );
    migrations = await completeSchemaMigrations(
      COLLECTION_NAMES.map((name) => db.collections[name]),
      migrationMarker,
    );
    search = openSearchIndex(file.replace(/\.sqlite$/, '.search.sqlite'), { ...options.searchIndex, ...(options.log && { log: options.log }) });
    // Starts the index catching up in the background: opening does not wait for it.
    search.follow({ tickets: db.tickets, messages: db.messages });
  } catch (error) {
    await search?.close();
    await db.close();
    throw error;
  }
  const index = search;
  return {
    db,
    file,
    migrations,
    search: (text, searchOptions) => index.search(text, searchOptions),
    searchCaughtUp: () => index.caughtUp(),
    searchStatus: () => index.status(),
    onSearchStatus: (listener) => index.onStatus(listener),
    async close() {
      await index.close();
      await db.close();
    },
  };
}
