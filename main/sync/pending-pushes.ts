// How many local changes of a collection the server has not acknowledged yet: the "3 cambios
// por enviar" of the status bar.
//
// RxDB keeps, per replicated document, the state it assumes the server holds (its replication
// meta instance: what was last pulled or acknowledged), and an upstream checkpoint over the
// replica's change feed. A document is waiting when it changed after that checkpoint and its
// state differs from the assumed master state — exactly the test RxDB's upstream applies before
// pushing (rxdb/src/replication-protocol/upstream.ts, persistToMaster). So the count survives
// restarts (it is read from disk, not remembered) and agrees with what will actually be pushed.
// It reads RxDB's replication internals, stable within the pinned rxdb version (17.6.0).
import {
  getChangedDocumentsSince,
  getComposedPrimaryKeyOfDocumentData,
  getAssumedMasterState,
  writeDocToDocState,
  type RxStorageInstanceReplicationState,
} from 'rxdb';
import type { Observable, Subscription } from 'rxjs';

/** Documents read per step; the count costs one pass over the changes not yet pushed. */
const PAGE = 1000;

/** The ids of the documents of a collection that wait to be pushed. */
export async function pendingPushIds<T>(state: RxStorageInstanceReplicationState<T>): Promise<Set<string>> {
  const { metaInstance, forkInstance, conflictHandler } = state.input;
  // Read the upstream checkpoint ourselves: RxDB's getLastCheckpointDoc() also caches what it
  // reads in the state, which could race with the replication's own checkpoint writes.
  const checkpointId = getComposedPrimaryKeyOfDocumentData(metaInstance.schema, { isCheckpoint: '1', itemId: 'up' });
  const [checkpointDoc] = await metaInstance.findDocumentsById([checkpointId], false);
  let checkpoint: unknown = checkpointDoc?.checkpointData;
  const pending = new Set<string>();
  for (;;) {
    const page = await getChangedDocumentsSince(forkInstance, PAGE, checkpoint as never);
    if (page.documents.length === 0) return pending;
    const ids = page.documents.map((document) => String((document as Record<string, unknown>)[state.primaryPath]));
    const assumed = await getAssumedMasterState(state, ids);
    for (const [index, document] of page.documents.entries()) {
      const master = assumed[ids[index]!];
      const current = writeDocToDocState(document, state.hasAttachments, !!state.input.keepMeta);
      const pushed =
        master !== undefined &&
        master.metaDocument.isResolvedConflict !== document._rev &&
        conflictHandler.isEqual(master.docData, current, 'upstream-check-if-equal');
      if (!pushed) pending.add(ids[index]!);
    }
    if (page.documents.length < PAGE) return pending;
    checkpoint = page.checkpoint;
  }
}

/** Something that counts again when told to, never twice at once, at most every `delayMs`. */
class Debounced {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly delayMs: number,
  ) {}

  trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.delayMs);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      await this.work();
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.trigger();
      }
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

type CountedReplication<T> = {
  startPromise: Promise<void>;
  internalReplicationState?: RxStorageInstanceReplicationState<T>;
  sent$: Observable<unknown>;
  active$: Observable<boolean>;
  isStopped(): boolean;
};

/**
 * Keeps the count of one collection's waiting changes up to date: a local write counts at once
 * (its documents wait, until a push says otherwise), and the whole is counted again (debounced)
 * after every local write, every acknowledged push and whenever the replication goes idle.
 */
export class PendingPushCounter<T> {
  private readonly subscriptions: Subscription[] = [];
  private readonly debounced: Debounced;
  private stopped = false;
  /** The ids waiting, as last counted plus those written since. */
  private pending = new Set<string>();
  /** Ids written while a count runs, which its result may not include yet. */
  private writtenDuringCount: Set<string> | undefined;

  constructor(
    private readonly replication: CountedReplication<T>,
    private readonly report: (count: number) => void,
    delayMs = 200,
  ) {
    this.debounced = new Debounced(() => this.count(), delayMs);
  }

  start(): void {
    void this.replication.startPromise.then(async () => {
      const state = this.replication.internalReplicationState;
      if (this.stopped || !state) return;
      const downstream = await state.downstreamBulkWriteFlag;
      if (this.stopped) return;
      this.subscriptions.push(
        state.input.forkInstance.changeStream().subscribe((bulk) => {
          // Documents the pull wrote are the server's already; everything else waits.
          if (bulk.context === downstream) return;
          const before = this.pending.size;
          for (const event of bulk.events) {
            this.pending.add(event.documentId);
            this.writtenDuringCount?.add(event.documentId);
          }
          if (this.pending.size !== before) this.report(this.pending.size);
          this.debounced.trigger();
        }),
        this.replication.sent$.subscribe(() => this.debounced.trigger()),
        this.replication.active$.subscribe((active) => {
          if (!active) this.debounced.trigger();
        }),
      );
      this.debounced.trigger();
    });
  }

  stop(): void {
    this.stopped = true;
    this.debounced.stop();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private async count(): Promise<void> {
    const state = this.replication.internalReplicationState;
    if (this.stopped || !state || this.replication.isStopped()) return;
    const written = new Set<string>();
    this.writtenDuringCount = written;
    try {
      const pending = await pendingPushIds(state);
      for (const id of written) pending.add(id);
      this.pending = pending;
      if (!this.stopped) this.report(pending.size);
    } catch {
      // The collection closed while counting (stop, shutdown): nothing to report.
    } finally {
      this.writtenDuringCount = undefined;
    }
  }
}
