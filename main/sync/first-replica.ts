// A collection's first replica without RxDB's replication protocol: pages pulled from the server
// are written to the replica together with what RxDB's replication would have written for them —
// the assumed server state of every document, the pull checkpoint, and the push checkpoint while
// nothing else wrote — in one SQLite transaction per ten pages. Then RxDB's replication starts and
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
import { holdBulkImportSettings, sqliteInstanceOf, writeInOneTransaction, type StoreTransaction } from '../store/store-transaction';
import { PagePrefetch, type TakenPages } from './page-prefetch';
import { SyncError } from './sync-errors';

export type PulledPage = { documents: DocumentState[]; checkpoint: ReplicationCheckpoint | undefined };

export type FirstReplicaOptions = {
  collection: RxCollection;
  /** Created with `autoStart: false`, started by the caller once this resolved. */
  replication: RxReplicationState<DocumentState, ReplicationCheckpoint>;
  /**
   * One page after the checkpoint, checked, at most `batchSize` documents (short: the end);
   * `announce` (page-prefetch.ts) may hear where it will end before the documents are checked.
   */
  pull: (checkpoint: ReplicationCheckpoint | undefined, batchSize: number, announce?: (next: ReplicationCheckpoint) => void) => Promise<PulledPage>;
  batchSize: number;
  /**
   * The sync's stop (a sign-out stops it too): once aborted nothing more is written, pages
   * fetched ahead are dropped, and the import throws a SyncError of kind `stopped`.
   */
  signal?: AbortSignal;
};

export type FirstReplicaResult = {
  /** Why the replication takes over from here. */
  outcome: 'complete' | 'not-first' | 'local-documents' | 'other-storage';
  documents: number;
  pages: number;
};

type Meta = RxStorageReplicationMeta<DocumentState, ReplicationCheckpoint | RxStorageDefaultCheckpoint | FirstReplicaMark>;
type MetaDoc = RxDocumentData<Meta>;
/**
 * Pages per transaction (10,000 documents at the server's 1,000 a page). Each transaction
 * rewrites most leaf pages of every SQL index of the collection (the documents land at random
 * places of each), so bigger ones write each index page fewer times: at 100k tickets the commits
 * were the largest cost of the import with one page per transaction (docs/performance.md, Sync).
 */
const PAGES_PER_TRANSACTION = 10;
/**
 * How long the pages that arrived wait for the next one before they are written anyway: a slow
 * server must not keep them from the clerk's screens (nor from a stop) for long.
 */
const NEXT_PAGE_WAIT_MS = 1_000;
/**
 * Pages fetched ahead beyond a transaction's, per collection: the feed holds at most twelve pages
 * (the ones being fetched included) — 12,000 documents, ~8 MB of JSON at a council's ~650 bytes
 * a document, a few times that as objects. The next request goes out as soon as the server's
 * answer says where a page ends, so the server answers it while this thread checks and writes
 * (page-prefetch.ts).
 */
const PREFETCH_PAGES = 2;

/** What the mark of an unfinished first replica holds. */
type FirstReplicaMark = { startedAt: number };

/**
 * The meta document that says a first replica by this module is under way: written before its
 * first page, purged with its last (or when a page hands over to RxDB's replication), so that
 * the bookkeeping left is exactly RxDB's. A replica that has it resumes here after a crash; one
 * without it but with a pull checkpoint is RxDB's from then on. RxDB only reads the items `up`
 * and `down` of this kind (isCheckpoint '1').
 */
const MARK_ITEM = 'first';

/**
 * Imports the collection's documents from the server while its replica is new (or a first
 * replica of this module was interrupted), and stops at the first page that touches a document
 * the replica already holds — RxDB's replication then decides about it, from the checkpoint of
 * the last page imported. Pages already written stay written: each transaction of them is atomic.
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

    const checkpoint = downAtStart?.checkpointData as ReplicationCheckpoint | undefined;
    // The push checkpoint may follow the imported documents only while nothing else writes to
    // the collection (a clerk working meanwhile): from then on RxDB's push reads on from it.
    let pushCheckpoint = live(ids.up)?.checkpointData as RxStorageDefaultCheckpoint | undefined;
    let pushCheckpointFollows = true;
    if (options.signal?.aborted) throw stopError(undefined);
    if (!markAtStart) {
      // Before the first page: an import stopped even before it (the server unreachable at the
      // first start) is resumed by the next start, not left to RxDB's replication for good.
      writeInOneTransaction([meta], (transaction) => writeCheckpoint(transaction, meta, ids.mark, MARK_ITEM, checkpointKey, { startedAt: now() }));
    }

    const count = (page: PulledPage) => {
      result.pages++;
      result.documents += page.documents.length;
    };

    /** One page, with everything RxDB's replication would have written for it. */
    const writePage = (transaction: StoreTransaction, page: PulledPage, last: boolean) => {
      // Each page's own write time, as RxDB's bulkWrite per page would give it: increasing, so
      // the change order (lwt, id) of the replica is the order of the pages.
      const time = now();
      if (pushCheckpointFollows && transaction.changesSince(fork, 1, pushCheckpoint).documents.length > 0) pushCheckpointFollows = false;
      let newest: RxStorageDefaultCheckpoint | undefined;
      if (page.documents.length > 0) {
        // What RxDB's downstream stores for a document new to the replica (downstream.ts
        // persistFromMaster; then the collection's storage wrapper sets _meta and _rev), in
        // RxDB's key order (the stored JSON is the same text): the pulled document, then _meta,
        // _rev, _attachments. The document's JSON text is made once, for both rows that hold it.
        const serialized = new Map<RxDocumentData<DocumentState>, string>();
        const states = page.documents.map((document) => {
          const state = { ...document, _deleted: !!document._deleted };
          return { state, json: JSON.stringify(state) };
        });
        const forkRows: BulkWriteRow<DocumentState>[] = states.map(({ state, json }) => {
          const bookkeeping = { _meta: { lwt: time }, _rev: firstRevision, _attachments: {} };
          const document = { ...state, ...bookkeeping } as RxDocumentData<DocumentState>;
          // Keys the pulled document cannot have (core's schema checks refuse them); were one
          // there, its place in the text would differ: the store makes the text then.
          if (!('_meta' in state || '_rev' in state || '_attachments' in state)) serialized.set(document, json.slice(0, -1) + ',' + JSON.stringify(bookkeeping).slice(1));
          return { document };
        });
        const written = transaction.bulkWrite(fork, forkRows, downstreamContext, serialized);
        // Inserts that conflict: the replica holds some of these documents already.
        if (written.error.length > 0 && written.error.every((error) => error.status === 409)) throw new HeldLocally();
        throwOnErrors(collection.name, written);
        newest = written.checkpoint;
        writeAssumedStates(transaction, meta, states, metaId, checkpointKey);
      }
      writeCheckpoint(transaction, meta, ids.down, 'down', checkpointKey, page.checkpoint);
      if (pushCheckpointFollows && newest) {
        writeCheckpoint(transaction, meta, ids.up, 'up', checkpointKey, newest);
        pushCheckpoint = newest;
      }
      if (last) transaction.purge(meta, [ids.mark]);
    };

    /**
     * Writes the pages, or, when one of them holds a document the replica already has, the pages
     * before that one (a transaction each) and hands the rest over to RxDB's replication.
     */
    const writeOrHandOver = (group: readonly PulledPage[], last: boolean): 'written' | 'local-documents' => {
      try {
        writePages(group, last);
        group.forEach(count);
        return 'written';
      } catch (error) {
        if (!(error instanceof HeldLocally)) throw error;
      }
      for (const page of group) {
        try {
          writePages([page], false);
        } catch (error) {
          if (!(error instanceof HeldLocally)) throw error;
          break;
        }
        count(page);
      }
      // Handed over for good: a later start must not take it for an interrupted import.
      writeInOneTransaction([meta], (transaction) => transaction.purge(meta, [ids.mark]));
      return 'local-documents';
    };

    /** The pages of one transaction, whole: all of them land, or none. */
    const writePages = (pages: readonly PulledPage[], last: boolean) => {
      // What writePage decides about the push checkpoint must roll back with the transaction.
      const before = { pushCheckpoint, pushCheckpointFollows };
      try {
        // A crash loses nothing the server does not still hold: no fsync (durability 'normal').
        writeInOneTransaction([fork, meta], (transaction) => pages.forEach((page, index) => writePage(transaction, page, last && index === pages.length - 1)), { durability: 'normal' });
      } catch (error) {
        ({ pushCheckpoint, pushCheckpointFollows } = before);
        throw error;
      }
    };

    const releaseSettings = holdBulkImportSettings(fork);
    const feed = new PagePrefetch<PulledPage, ReplicationCheckpoint>({
      pull: (from, size, announce) => options.pull(from, size, announce),
      from: checkpoint,
      batchSize,
      capacity: PAGES_PER_TRANSACTION + PREFETCH_PAGES,
    });
    /** A stop: nothing more is written, not even the pages that arrived before it. */
    const stopped = () => options.signal?.aborted === true || isStop(feed.failed?.error);
    try {
      for (;;) {
        // The pages of one transaction: up to PAGES_PER_TRANSACTION, the end of the feed, or
        // what has arrived when the next page is slow to come (or the server failed: what
        // arrived before is written, RxDB's replication goes on from there).
        let taken: TakenPages<PulledPage>;
        try {
          taken = await feed.take(PAGES_PER_TRANSACTION, NEXT_PAGE_WAIT_MS);
        } catch (error) {
          throw stopped() ? stopError(error) : error;
        }
        // Back to the event loop once before the write blocks this thread: the request for the
        // next page, made when the last one arrived, goes out now, and the server answers it
        // while the transaction runs (without this it waited for the end of the write).
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stopped()) throw stopError(feed.failed?.error);
        const outcome = writeOrHandOver(taken.pages, taken.last);
        if (outcome === 'local-documents') return { ...result, outcome };
        if (taken.last) return result;
      }
    } finally {
      // Pages fetched ahead and not written are dropped; one in flight is ignored when it
      // settles (its failure included: the feed catches it).
      feed.close();
      releaseSettings();
    }
  } finally {
    await meta.close();
  }
}

/** Thrown inside a page's transaction to roll it back: RxDB's replication takes the page. */
class HeldLocally extends Error {}

function isStop(error: unknown): boolean {
  return error instanceof SyncError && error.kind === 'stopped';
}

/** The stop as the pull reported it, or one of ours when the signal came first. */
function stopError(cause: unknown): SyncError {
  return isStop(cause) ? (cause as SyncError) : new SyncError('stopped', 'stopped', 'the sync was stopped', undefined, cause === undefined ? undefined : { cause });
}

function throwOnErrors(collection: string, response: { error: unknown[] }): void {
  if (response.error.length > 0) {
    throw new Error(`first replica of ${collection}: the replication's bookkeeping refused ${response.error.length} writes, e.g. ${JSON.stringify(response.error[0]).slice(0, 300)}`);
  }
}

/**
 * meta-instance.ts getMetaWriteRow: the assumed server state of each document, holding the
 * document's state as pulled (`json`: its JSON text, put in the row's text as it is).
 */
function writeAssumedStates(
  transaction: StoreTransaction,
  meta: RxStorageInstance<Meta, unknown, unknown, unknown>,
  states: readonly { state: DocumentState; json: string }[],
  metaId: (itemId: string, isCheckpoint: '0' | '1') => string,
  checkpointKey: string,
): void {
  const metaIds = states.map(({ state }) => metaId(state.id as string, '0'));
  const previousStates = transaction.storedByIds(meta, metaIds);
  const serialized = new Map<MetaDoc, string>();
  const rows = states.map(({ state, json }, index): BulkWriteRow<Meta> => {
    const previous = previousStates.get(metaIds[index]!);
    // In getMetaWriteRow's key order (a previous state keeps its own).
    const assumed: MetaDoc = {
      ...(previous ?? {}),
      id: metaIds[index]!,
      isCheckpoint: '0',
      itemId: state.id as string,
      docData: state,
      _attachments: {},
      _deleted: false,
      _rev: createRevision(checkpointKey, previous),
      _meta: { lwt: now() },
    };
    // The text of the row with a placeholder where the document goes: `"docData":0` cannot occur
    // elsewhere in it (inside a JSON string its quotes would be escaped).
    serialized.set(assumed, JSON.stringify({ ...assumed, docData: 0 }).replace('"docData":0', () => '"docData":' + json));
    return { previous, document: assumed };
  });
  throwOnErrors(meta.collectionName, transaction.bulkWrite(meta, rows, 'replication-down-write-meta', serialized));
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
  // In setCheckpoint's key order.
  const document: MetaDoc = {
    id,
    isCheckpoint: '1',
    itemId,
    _deleted: false,
    _attachments: {},
    checkpointData: current ? stackCheckpoints([current.checkpointData, checkpoint]) : checkpoint,
    _meta: { lwt: now() },
    _rev: createRevision(checkpointKey, previous),
  } as MetaDoc;
  throwOnErrors(meta.collectionName, transaction.bulkWrite(meta, [{ previous, document }], 'replication-set-checkpoint'));
}
