/**
 * Schema migrations of the clerk's replica, run by the workstation service when it opens the
 * database and before any screen connects: the screens open their RxDatabase over remote storage
 * without RxDB's migration plugin (core/schemas/index.ts sets `autoMigrate: false`), and only see
 * the service's collections, which are then at the current version.
 *
 * RxDB's migration plugin (rxdb/src/plugins/migration-schema/rx-migration-state.ts, pinned
 * 17.6.0) copies each document of the old version through the collection's strategies into the
 * new version's table keeping `_meta.lwt` and `_rev`, and copies the replication's bookkeeping
 * (its "connected storages": the assumed server state of every document, and the pull and push
 * checkpoints) into the new version's meta table. So the push checkpoint still points where it
 * did, and a rule edited offline and not yet pushed is pushed after the upgrade. Two things are
 * left to us, done here after RxDB's migration and proven by schema-migrations.test.ts against
 * the real central server:
 *
 * - RxDB gives every migrated assumed server state an `_attachments: {}` it never had
 *   (`migrateDocumentData` re-attaches attachments to whatever it migrates). The server compares
 *   an assumed state with the one it holds member by member (core/sync `sameDocumentState`), so
 *   the first push of an offline edit would be a conflict the server wins: the edit lost. The
 *   member is removed again from collections without attachments.
 * - A version of Ventanilla leaves out any pulled document its schema refuses (main/sync: "a
 *   pulled document that breaks its schema is left out and reported") and its pull checkpoint
 *   moves past it. After an upgrade that makes such documents valid (a rule with a condition the
 *   old version did not know), they must come back: the pull checkpoint of every migrated
 *   collection is dropped, so its replication pulls it again from the start. RxDB's pull keeps
 *   what the replica already has and never overwrites an unpushed local edit with it.
 *
 * RxDB's migration and our repair are two steps: a crash between them would leave a migrated
 * collection unrepaired, and the next start would see nothing to migrate. So before the
 * collections are opened, `beginSchemaMigrations` writes (and syncs) a marker file naming every
 * collection about to migrate; `completeSchemaMigrations` repairs what it names — also when RxDB
 * finished the migration in a run that then died — and removes it. Both repairs can run twice.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import {
  addRxPlugin,
  getAllCollectionDocuments,
  createRevision,
  getComposedPrimaryKeyOfDocumentData,
  getPrimaryKeyOfInternalDocument,
  getSingleDocument,
  INTERNAL_CONTEXT_COLLECTION,
  META_INSTANCE_SCHEMA_TITLE,
  normalizeMangoQuery,
  now,
  prepareQuery,
  type BulkWriteRow,
  type InternalStoreCollectionDocType,
  type RxCollection,
  type RxDatabase,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorageInstance,
  type RxStorageReplicationMeta,
} from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';

addRxPlugin(RxDBMigrationSchemaPlugin);

/** What the opening of a replica migrated. */
export type SchemaMigration = {
  collection: string;
  from: number;
  to: number;
  /** Assumed server states whose spurious `_attachments` were removed. */
  assumedStatesRepaired: number;
  /** Replications (meta storages) whose pull starts again from the beginning. */
  pullsRestarted: number;
};

type Meta = RxStorageReplicationMeta<Record<string, unknown>, unknown>;
type MetaDoc = RxDocumentData<Meta>;

/** Meta documents read and rewritten per batch: an assumed state per document of the collection. */
const PAGE = 500;

/** A collection whose stored documents are at an older schema version than the code's. */
type Ahead = { collection: string; from: number; to: number };

/**
 * Before `addCollections`: finds the collections stored at an older schema version than
 * `versions` (collection name → the code's version) and records them in `markerFile`, synced to
 * disk, so their repair survives a crash (see the top of this file). Keeps what an earlier,
 * interrupted start recorded.
 */
export async function beginSchemaMigrations(db: Pick<RxDatabase, 'internalStore'>, versions: Readonly<Record<string, number>>, markerFile: string): Promise<void> {
  const stored = await getAllCollectionDocuments(db.internalStore);
  const ahead = new Map(readMarker(markerFile).map((entry) => [entry.collection, entry]));
  for (const document of stored) {
    const to = versions[document.data.name];
    const from = document.data.schema.version;
    if (to !== undefined && from < to && !ahead.has(document.data.name)) ahead.set(document.data.name, { collection: document.data.name, from, to });
  }
  if (ahead.size > 0) writeMarker(markerFile, [...ahead.values()]);
}

/**
 * Completes the migrations RxDB ran while `addCollections` opened `collections` (their
 * `autoMigrate` on, in the service only), and those a crashed start left unrepaired (the marker
 * of `beginSchemaMigrations`), and says what was migrated. To be called before the replication
 * starts.
 */
export async function completeSchemaMigrations(collections: readonly RxCollection[], markerFile: string): Promise<SchemaMigration[]> {
  const recorded = new Map(readMarker(markerFile).map((entry) => [entry.collection, entry]));
  const done: SchemaMigration[] = [];
  for (const collection of collections) {
    if (collection.schema.version === 0) continue;
    const state = collection.getMigrationState();
    const old = await state.oldCollectionMeta;
    const marked = recorded.get(collection.name);
    if (!old && !marked) continue;
    // RxDB's migration ran inside addCollections; a failed one rejected it already. This awaits
    // a migration started elsewhere (none in the service), and throws DM4 if it failed.
    if (old) await state.migratePromise();
    const repaired = await repairReplicationMeta(collection);
    done.push({ collection: collection.name, from: old?.data.schema.version ?? marked!.from, to: collection.schema.version, ...repaired });
  }
  rmSync(markerFile, { force: true });
  return done;
}

function readMarker(markerFile: string): Ahead[] {
  if (!existsSync(markerFile)) return [];
  try {
    const entries = JSON.parse(readFileSync(markerFile, 'utf8')) as unknown;
    if (Array.isArray(entries) && entries.every((entry: Ahead) => typeof entry?.collection === 'string' && Number.isInteger(entry.from) && Number.isInteger(entry.to))) return entries as Ahead[];
  } catch {
    // Written by rename below, so never half; unreadable means someone else wrote it.
  }
  throw new Error(`schema migration: ${markerFile} is not a migration marker; move it away to start (the collections it named are then repaired only if RxDB still has to migrate them)`);
}

function writeMarker(markerFile: string, entries: Ahead[]): void {
  const temporary = `${markerFile}.tmp`;
  writeFileSync(temporary, JSON.stringify(entries));
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, markerFile);
}

async function repairReplicationMeta(collection: RxCollection): Promise<{ assumedStatesRepaired: number; pullsRestarted: number }> {
  const database = collection.database as RxDatabase;
  const collectionDoc = await getSingleDocument<InternalStoreCollectionDocType>(
    database.internalStore,
    getPrimaryKeyOfInternalDocument(`${collection.name}-${collection.schema.version}`, INTERNAL_CONTEXT_COLLECTION),
  );
  const result = { assumedStatesRepaired: 0, pullsRestarted: 0 };
  for (const connected of collectionDoc?.data.connectedStorages ?? []) {
    if (connected.schema.title !== META_INSTANCE_SCHEMA_TITLE) continue;
    const meta = (await database.storage.createStorageInstance<Meta>({
      databaseName: database.name,
      collectionName: connected.collectionName,
      databaseInstanceToken: database.token,
      multiInstance: database.multiInstance,
      options: {},
      schema: connected.schema as RxJsonSchema<RxDocumentData<Meta>>,
      password: database.password,
      devMode: false,
    })) as RxStorageInstance<Meta, unknown, unknown, unknown>;
    try {
      if (!collection.schema.jsonSchema.attachments) result.assumedStatesRepaired += await stripAttachmentsFromAssumedStates(meta, database.token);
      if (await dropPullCheckpoint(meta, database.token)) result.pullsRestarted++;
    } finally {
      await meta.close();
    }
  }
  return result;
}

async function stripAttachmentsFromAssumedStates(meta: RxStorageInstance<Meta, unknown, unknown, unknown>, token: string): Promise<number> {
  const schema = meta.schema;
  let after = '';
  let repaired = 0;
  for (;;) {
    const query = prepareQuery<MetaDoc>(schema, normalizeMangoQuery<MetaDoc>(schema, { selector: { id: { $gt: after } }, sort: [{ id: 'asc' }], limit: PAGE }));
    const { documents } = await meta.query(query);
    if (documents.length === 0) return repaired;
    after = documents[documents.length - 1]!.id;
    const rows: BulkWriteRow<Meta>[] = [];
    for (const document of documents) {
      if (document._deleted || document.isCheckpoint !== '0' || !document.docData || !('_attachments' in document.docData)) continue;
      const { _attachments: _spurious, ...docData } = document.docData as Record<string, unknown>;
      rows.push({ previous: document, document: { ...document, docData: docData as Meta['docData'], _meta: { lwt: now() }, _rev: createRevision(token, document) } });
    }
    if (rows.length > 0) {
      const written = await meta.bulkWrite(rows, 'ventanilla-migration-assumed-states');
      if (written.error.length > 0) throw new Error(`schema migration of ${meta.collectionName}: ${written.error.length} assumed server states could not be repaired, e.g. ${JSON.stringify(written.error[0]).slice(0, 300)}`);
      repaired += rows.length;
    }
    if (documents.length < PAGE) return repaired;
  }
}

/** Deletes the pull checkpoint (`down|1`, replication-protocol/checkpoint.ts): the next pull starts from the beginning. */
async function dropPullCheckpoint(meta: RxStorageInstance<Meta, unknown, unknown, unknown>, token: string): Promise<boolean> {
  const id = getComposedPrimaryKeyOfDocumentData(meta.schema, { itemId: 'down', isCheckpoint: '1' });
  const [checkpoint] = await meta.findDocumentsById([id], false);
  if (!checkpoint) return false;
  const written = await meta.bulkWrite(
    [{ previous: checkpoint, document: { ...checkpoint, _deleted: true, _meta: { lwt: now() }, _rev: createRevision(token, checkpoint) } }],
    'ventanilla-migration-pull-again',
  );
  if (written.error.length > 0) throw new Error(`schema migration of ${meta.collectionName}: the pull checkpoint could not be reset: ${JSON.stringify(written.error[0]).slice(0, 300)}`);
  return true;
}

/** One line for the service's log. */
export function describeMigration(migration: SchemaMigration): string {
  const pull = migration.pullsRestarted > 0 ? '; its replication pulls it again from the start' : '';
  return `${migration.collection}: stored documents migrated from schema version ${migration.from} to ${migration.to}${pull}`;
}
