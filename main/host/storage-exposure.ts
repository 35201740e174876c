// One storage channel of a screen: RxDB's remote storage over the service's RxDatabase
// (`exposeRxStorageRemote` in `{ database }` mode), fenced in. Facts behind each fence are in
// shared/NOTES.md ("RxDB remote storage between the service and the screens"):
// - RxDB never drops a closed connection's change subscriptions in `{ database }` mode, so each
//   channel gets its own view of the database — storage instances whose change streams end when
//   the channel closes — and closing the channel releases everything it subscribed.
// - A connection can do anything the database can (it removed a whole collection in a trial):
//   only the methods of STORAGE_METHODS_ALLOWED reach the storage, and only for the council's
//   collections and RxDB's own internal store.
import { Subject, takeUntil, type Observable } from 'rxjs';
import type { RxDatabase, RxStorageInstance } from 'rxdb';
import { exposeRxStorageRemote, type MessageFromRemote, type MessageToRemote } from 'rxdb/plugins/storage-remote';
import { COLLECTION_NAMES, type Collections } from '../../core/schemas';
import { STORAGE_METHODS_ALLOWED, type StorageAnswer, type StorageRequest } from '../../core/app-api/protocol';

/** RxDB keeps a database's own bookkeeping (storage token, collection list) in this collection. */
const INTERNAL_STORE = '_rxdb_internal';
const ALLOWED_COLLECTIONS = new Set<string>([...COLLECTION_NAMES, INTERNAL_STORE]);
const ALLOWED_METHODS = new Set<string>(STORAGE_METHODS_ALLOWED);

export type StorageChannel = {
  /** A request from the screen, already checked for shape (core/app-api/protocol.ts). */
  receive(request: StorageRequest): void;
  /** Releases the channel's subscriptions; later requests are answered with an error. */
  close(): void;
};

type AnyInstance = RxStorageInstance<unknown, unknown, unknown>;

/**
 * `VENTANILLA_TRACE_STORAGE=1`: one line on stderr per remote-storage request — method, time
 * from arrival to answer, answer size and the start of its parameters. How slow screens are
 * told apart from slow queries (docs/performance.md#workstation).
 */
const TRACE = process.env.VENTANILLA_TRACE_STORAGE === '1';

/** A storage instance whose change stream ends when `closed$` fires; everything else is the instance's. */
function scopedInstance(instance: AnyInstance, closed$: Observable<void>): AnyInstance {
  return new Proxy(instance, {
    get(target, property, receiver) {
      if (property === 'changeStream') return () => target.changeStream().pipe(takeUntil(closed$));
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function refusal(request: StorageRequest, message: string): StorageAnswer {
  return {
    connectionId: request.connectionId,
    answerTo: request.requestId,
    method: request.method,
    error: { name: 'Error', code: 'VENTANILLA_REFUSED', message },
  };
}

/**
 * Opens a storage channel over `database`, answering through `send`. The view given to RxDB has
 * no collections of its own, so RxDB registers its per-connection cleanup in the view's
 * `onClose`, which `close()` runs.
 */
export function openStorageChannel(database: RxDatabase<Collections>, send: (answer: StorageAnswer) => void): StorageChannel {
  const closed$ = new Subject<void>();
  const requests$ = new Subject<MessageToRemote>();
  const instances = new Set<AnyInstance>();
  for (const instance of database.storageInstances) instances.add(scopedInstance(instance as AnyInstance, closed$));
  const onClose: (() => void | Promise<void>)[] = [];
  const view = { storageInstances: instances, collections: {}, onClose } as unknown as RxDatabase;
  let closed = false;
  const arrived = new Map<string, { at: number; params: string }>();
  exposeRxStorageRemote({
    database: view,
    messages$: requests$.asObservable(),
    send: (answer: MessageFromRemote) => {
      const request = TRACE ? arrived.get(answer.answerTo) : undefined;
      if (request) {
        arrived.delete(answer.answerTo);
        const size = JSON.stringify(answer).length;
        process.stderr.write(`[storage] ${answer.method} ${(performance.now() - request.at).toFixed(1)} ms ${size} B ${request.params}\n`);
      }
      if (!closed) send(answer as StorageAnswer);
    },
  });
  return {
    receive(request) {
      if (closed) return send(refusal(request, 'the storage channel is closed'));
      if (!ALLOWED_METHODS.has(request.method)) {
        return send(refusal(request, `the workstation service does not let the screens call ${request.method} on its database`));
      }
      if (request.method === 'create') {
        const params = request.params as { collectionName?: unknown; databaseName?: unknown } | null;
        const name = typeof params === 'object' && params !== null ? params.collectionName : undefined;
        if (typeof name !== 'string' || !ALLOWED_COLLECTIONS.has(name)) {
          return send(refusal(request, `no collection ${JSON.stringify(name)} in the workstation's database`));
        }
        if (params?.databaseName !== database.name) {
          return send(refusal(request, `the open database is ${database.name}, not ${JSON.stringify(params?.databaseName)}`));
        }
      }
      if (TRACE) arrived.set(request.requestId, { at: performance.now(), params: JSON.stringify(request.params).slice(0, 200) });
      requests$.next(request as unknown as MessageToRemote);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const release of onClose.splice(0)) void release();
      closed$.next();
      closed$.complete();
      requests$.complete();
    },
  };
}
