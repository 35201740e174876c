// A collection's first replica without RxDB's replication protocol: pages pulled from the server
// are written to the replica together with what RxDB's replication would have written for them —
// the assumed server state of every document, the pull checkpoint, and the push checkpoint while
// nothing else wrote — in one SQLite transaction per page. Then RxDB's replication starts and
// carries on from that checkpoint as if it had pulled the pages itself.
//
// Why: RxDB writes each pulled document twice (the document, then its assumed server state), in
// separate transactions with an fsync each, checks every document against the schema again and
// compares it with states that cannot exist yet in an empty replica. That is most of the three
// minutes a whole council's replica took (docs/performance.md, Sync).
//
// This writes RxDB's internal replication meta format, read from the pinned rxdb 17.6.0
// (src/replication-protocol/meta-instance.ts, checkpoint.ts, downstream.ts and
// src/rx-storage-helper.ts getWrappedStorageInstance). first-replica.test.ts proves that the
// replication resumes from it: nothing pulled again, local edits pushed with the right assumed
// state, server changes applied, a crash midway resumed.
import {
  addConnectedStorageToCollection,
  getComposedPrimaryKeyOfDocumentData,
  stackCheckpoints,
  type BulkWriteRow,
  type RxCollection,
  type RxDocumentData,
  type RxStorageDefaultCheckpoint,
  type RxStorageInstance,
  type RxStorageReplicationMeta,
} from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { createRevision, now } from 'rxdb/plugins/utils';
import type { DocumentState, ReplicationCheckpoint } from '../../core/sync';
import { sqliteInstanceOf, writeInOneTransaction, type StoreTransaction } from '../store/store-transaction';

export type PulledPage = { documents: DocumentState[]; checkpoint: ReplicationCheckpoint | undefined };

export type FirstReplicaOptions = {
  collection: RxCollection;
  /** Created with `autoStart: false`, started by the caller once this resolved. */
  replication: RxReplicationState<DocumentState, ReplicationCheckpoint>;
  /** One page after the checkpoint, checked, at most `batchSize` documents (short: the end). */
  pull: (checkpoint: ReplicationCheckpoint | undefined, batchSize: number) => Promise<PulledPage>;
  batchSize: number;
};

export type FirstReplicaResult = {
  /** Why the replication takes over from here. */
  outcome: 'complete' | 'not-first' | 'local-documents' | 'other-storage';
  documents: number;
  pages: number;
};

type Meta = RxStorageReplicationMeta<DocumentState, ReplicationCheckpoint | RxStorageDefaultCheckpoint | FirstReplicaMark>;
type MetaDoc = RxDocumentData<Meta>;
/** What the mark of an unfinished first replica holds. */
type FirstReplicaMark = { startedAt: number };

/**
 * The meta document that says a first replica by this module is under way: written before its
 * first page, deleted with its last (or when a page hands over to RxDB's replication). A replica that has it resumes here after a crash; one
 * without it but with a pull checkpoint is RxDB's from then on. RxDB only reads the items
 * `up` and `down` of this kind (isCheckpoint '1').
 */
const MARK_ITEM = 'first';

/**
 * Imports the collection's documents from the server while its replica is new (or a first
 * replica of this module was interrupted), and stops at the first page that touches a document
 * the replica already holds — RxDB's replication then decides about it, from the checkpoint of
 * the last page imported. Pages already written stay written: each one is atomic.
 */
export async function importFirstReplica(options: FirstReplicaOptions): Promise<FirstReplicaResult> {
  const { collection, replication, batchSize } = options;
  const fork = collection.storageInstance as RxStorageInstance<DocumentState, unknown, unknown, RxStorageDefaultCheckpoint>;
  const result: FirstReplicaResult = { outcome: 'complete', documents: 0, pages: 0 };
  if (!sqliteInstanceOf(fork) || collection.schema.jsonSchema.attachments) return { ...result, outcome: 'other-storage' };

  const database = collection.database;
  const { collectionName, schema } = await replication.metaInfoPromise;
  // The replication's meta storage, opened as RxDB's replication opens it (plugins/replication,
  // _start) — the same table, which RxDB opens again when it starts.
  const meta = (await database.storage.createStorageInstance<Meta>({
    databaseName: database.name,
    collectionName,
    databaseInstanceToken: database.token,
    multiInstance: database.multiInstance,
    options: {},
    schema,
    password: database.password,
    devMode: false,
  })) as RxStorageInstance<Meta, unknown, unknown, unknown>;
  try {
    await addConnectedStorageToCollection(collection, collectionName, schema);
    const identifier = 'rxdbreplication' + replication.replicationIdentifier;
    // replication-protocol/checkpoint.ts getCheckpointKey, index.ts downstreamBulkWriteFlag.
    const checkpointKey = 'rx_storage_replication_' + (await database.hashFunction([identifier, fork.databaseName, fork.collectionName].join('||')));
    const downstreamContext = 'replication-downstream-' + checkpointKey;
    // rx-storage-helper.ts getWrappedStorageInstance: the revision of every first write.
    const firstRevision = '1-' + database.token;
    const metaId = (itemId: string, isCheckpoint: '0' | '1') => getComposedPrimaryKeyOfDocumentData(schema, { itemId, isCheckpoint });
    const ids = { down: metaId('down', '1'), up: metaId('up', '1'), mark: metaId(MARK_ITEM, '1') };

    const stored = sqliteInstanceOf(meta)!.storedByIds([ids.down, ids.up, ids.mark]);
    const live = (id: string) => {
      const doc = stored.get(id);
      return doc && !doc._deleted ? doc : undefined;
    };
    const downAtStart = live(ids.down);
    const markAtStart = live(ids.mark);
    // A pull checkpoint without the mark: RxDB's replication has pulled before, it goes on.
    if (downAtStart && !markAtStart) return { ...result, outcome: 'not-first' };

    let checkpoint = downAtStart?.checkpointData as ReplicationCheckpoint | undefined;
    // The push checkpoint may follow the imported documents only while nothing else writes to
    // the collection (a clerk working meanwhile): from then on RxDB's push reads on from it.
    let pushCheckpoint = live(ids.up)?.checkpointData as RxStorageDefaultCheckpoint | undefined;
    let pushCheckpointFollows = true;
    if (!markAtStart) {
      // Before the first page: an import stopped even before it (the server unreachable at the
      // first start) is resumed by the next start, not left to RxDB's replication for good.
      writeInOneTransaction([meta], (transaction) => writeCheckpoint(transaction, meta, ids.mark, MARK_ITEM, checkpointKey, { startedAt: now() }));
    }

    /** One page, with everything RxDB's replication would have written for it. */
    const writePage = (transaction: StoreTransaction, page: PulledPage, last: boolean, time: number) => {
      if (pushCheckpointFollows && transaction.changesSince(fork, 1, pushCheckpoint).documents.length > 0) pushCheckpointFollows = false;
      let newest: RxStorageDefaultCheckpoint | undefined;
      if (page.documents.length > 0) {
        // What RxDB's downstream stores for a document new to the replica (downstream.ts
        // persistFromMaster; then the collection's storage wrapper sets _meta and _rev).
        const forkRows: BulkWriteRow<DocumentState>[] = page.documents.map((document) => ({
          document: { ...document, _deleted: !!document._deleted, _attachments: {}, _meta: { lwt: time }, _rev: firstRevision } as RxDocumentData<DocumentState>,
        }));
        const written = transaction.bulkWrite(fork, forkRows, downstreamContext);
        // Inserts that conflict: the replica holds some of these documents already.
        if (written.error.length > 0 && written.error.every((error) => error.status === 409)) throw new HeldLocally();
        throwOnErrors(collection.name, written);
        newest = written.checkpoint;
        writeAssumedStates(transaction, meta, page.documents, metaId, checkpointKey);
      }
      writeCheckpoint(transaction, meta, ids.down, 'down', checkpointKey, page.checkpoint);
      if (pushCheckpointFollows && newest) {
        writeCheckpoint(transaction, meta, ids.up, 'up', checkpointKey, newest);
        pushCheckpoint = newest;
      }
      if (last) deleteDocument(transaction, meta, ids.mark, checkpointKey);
    };

    // The next page is fetched while this one is written.
    let next = options.pull(checkpoint, batchSize);
    for (;;) {
      const page = await next;
      const last = page.documents.length < batchSize;
      if (!last) next = options.pull(page.checkpoint, batchSize);
      try {
        // A crash loses nothing the server does not still hold, and each page is whole or absent.
        const time = now();
        writeInOneTransaction([fork, meta], (transaction) => writePage(transaction, page, last, time), { durability: 'normal' });
      } catch (error) {
        // The page fetched ahead is not needed; its failure must not become unhandled.
        if (!last) next.catch(() => undefined);
        if (!(error instanceof HeldLocally)) throw error;
        // Handed over for good: a later start must not take it for an interrupted import.
        writeInOneTransaction([meta], (transaction) => deleteDocument(transaction, meta, ids.mark, checkpointKey));
        return { ...result, outcome: 'local-documents' };
      }
      checkpoint = page.checkpoint;
      result.pages++;
      result.documents += page.documents.length;
      if (last) return result;
    }
  } finally {
    await meta.close();
  }
}

/** Thrown inside a page's transaction to roll it back: RxDB's replication takes the page. */
class HeldLocally extends Error {}

function throwOnErrors(collection: string, response: { error: unknown[] }): void {
  if (response.error.length > 0) {
    throw new Error(`first replica of ${collection}: the replication's bookkeeping refused ${response.error.length} writes, e.g. ${JSON.stringify(response.error[0]).slice(0, 300)}`);
  }
}

/** meta-instance.ts getMetaWriteRow: the assumed server state of each document. */
function writeAssumedStates(
  transaction: StoreTransaction,
  meta: RxStorageInstance<Meta, unknown, unknown, unknown>,
  documents: readonly DocumentState[],
  metaId: (itemId: string, isCheckpoint: '0' | '1') => string,
  checkpointKey: string,
): void {
  const metaIds = documents.map((document) => metaId(document.id as string, '0'));
  const previousStates = transaction.storedByIds(meta, metaIds);
  const rows = documents.map((document, index): BulkWriteRow<Meta> => {
    const previous = previousStates.get(metaIds[index]!);
    const assumed: MetaDoc = {
      ...(previous ?? {}),
      id: metaIds[index]!,
      isCheckpoint: '0',
      itemId: document.id as string,
      docData: { ...document, _deleted: !!document._deleted },
      _attachments: {},
      _deleted: false,
      _meta: { lwt: now() },
      _rev: createRevision(checkpointKey, previous),
    };
    return { previous, document: assumed };
  });
  throwOnErrors(meta.collectionName, transaction.bulkWrite(meta, rows, 'replication-down-write-meta'));
}

/** checkpoint.ts setCheckpoint: one document per direction, stacked on the previous one. */
function writeCheckpoint(
  transaction: StoreTransaction,
  meta: RxStorageInstance<Meta, unknown, unknown, unknown>,
  id: string,
  itemId: string,
  checkpointKey: string,
  checkpoint: object | undefined,
): void {
  if (!checkpoint) return;
  const previous = transaction.storedByIds(meta, [id]).get(id);
  const current = previous && !previous._deleted ? previous : undefined;
  // As RxDB: an unchanged checkpoint is not written again.
  if (current && JSON.stringify(current.checkpointData) === JSON.stringify(checkpoint)) return;
  const document: MetaDoc = {
    id,
    isCheckpoint: '1',
    itemId,
    checkpointData: current ? stackCheckpoints([current.checkpointData, checkpoint]) : checkpoint,
    _deleted: false,
    _attachments: {},
    _meta: { lwt: now() },
    _rev: createRevision(checkpointKey, previous),
  } as MetaDoc;
  throwOnErrors(meta.collectionName, transaction.bulkWrite(meta, [{ previous, document }], 'replication-set-checkpoint'));
}

function deleteDocument(transaction: StoreTransaction, meta: RxStorageInstance<Meta, unknown, unknown, unknown>, id: string, checkpointKey: string): void {
  const previous = transaction.storedByIds(meta, [id]).get(id);
  if (!previous || previous._deleted) return;
  const document = { ...previous, _deleted: true, _meta: { lwt: now() }, _rev: createRevision(checkpointKey, previous) };
  throwOnErrors(meta.collectionName, transaction.bulkWrite(meta, [{ previous, document }], 'first-replica-done'));
}
