/**
 * A minimal RxDB replication of one collection against the central server over HTTP and the
 * change stream, for the server's conformance tests (RxDB's replication test suite). The
 * workstation's real one, with token refresh, backoff and status, is main/sync; this one only
 * speaks the protocol, as another system integrating with the API would.
 */
import { EventSource } from 'eventsource';
import { Subject } from 'rxjs';
import { serializeDocAttachments, type RxCollection, type RxReplicationPullStreamItem, type WithDeleted } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import {
  apiErrorFromResponse,
  parsePullResponse,
  parsePushResponse,
  parseStreamEvent,
  pullQueryString,
  type ReplicationCheckpoint,
} from '../../core/sync/replication-protocol';

export type HttpReplicationOptions = {
  /** The server's base URL, read at every call (a test may swap servers between tests). */
  url: () => string;
  token: () => string;
  live: boolean;
  /**
   * Send RxDB attachments as an empty `_attachments` (RxDB's serializeDocAttachments without
   * data). The server does not replicate RxDB attachments: files are content-addressed blobs
   * (DESIGN.md, Mail), and attachment data inline in a document cannot work with a conflict check
   * that compares whole documents (RxDB's assumed master states carry attachment stubs only).
   */
  stripAttachments?: boolean;
  pullBatchSize?: number;
  pushBatchSize?: number;
};

async function call(url: string, token: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  if (!response.ok) {
    const error = apiErrorFromResponse(response.status, body);
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${error.code}: ${error.message}`);
  }
  return body;
}

export function replicateOverHttp<T>(collection: RxCollection<T>, options: HttpReplicationOptions): RxReplicationState<T, ReplicationCheckpoint> {
  const name = collection.name;
  const stream$ = new Subject<RxReplicationPullStreamItem<T, ReplicationCheckpoint>>();
  let source: EventSource | undefined;

  const toWire = async (document: WithDeleted<T>) => (options.stripAttachments ? serializeDocAttachments(document, false) : document);

  const state = replicateRxCollection<T, ReplicationCheckpoint>({
    collection,
    replicationIdentifier: `ventanilla-http-${name}`,
    live: options.live,
    waitForLeadership: false,
    retryTime: 100,
    pull: {
      batchSize: options.pullBatchSize ?? 50,
      async handler(checkpoint, batchSize) {
        const body = await call(`${options.url()}/api/v1/replication/${name}/pull?${pullQueryString({ checkpoint: checkpoint ?? null, limit: batchSize })}`, options.token());
        const page = parsePullResponse(body);
        if (!page.ok) throw new Error(page.error.message);
        return { documents: page.value.documents as WithDeleted<T>[], checkpoint: page.value.checkpoint ?? checkpoint };
      },
      stream$: options.live ? stream$.asObservable() : undefined,
    },
    push: {
      batchSize: options.pushBatchSize ?? 50,
      async handler(rows) {
        const wire = await Promise.all(
          rows.map(async (row) => ({
            newDocumentState: await toWire(row.newDocumentState),
            ...(row.assumedMasterState ? { assumedMasterState: await toWire(row.assumedMasterState) } : {}),
          })),
        );
        const body = await call(`${options.url()}/api/v1/replication/${name}/push`, options.token(), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(wire),
        });
        const conflicts = parsePushResponse(body);
        if (!conflicts.ok) throw new Error(conflicts.error.message);
        return conflicts.value as WithDeleted<T>[];
      },
    },
  });

  if (options.live) {
    source = new EventSource(`${options.url()}/api/v1/replication/stream`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${options.token()}` } }),
    });
    // Whatever happened while the stream was down: pull from the checkpoint (shared/NOTES.md).
    source.addEventListener('open', () => stream$.next('RESYNC'));
    source.addEventListener('message', (message) => {
      const event = parseStreamEvent<string>(message.data, [name]);
      if (!event.ok) return; // Another collection's event.
      if (event.value.type === 'resync') {
        if (event.value.collection === undefined || event.value.collection === name) stream$.next('RESYNC');
        return;
      }
      stream$.next({ documents: event.value.documents as WithDeleted<T>[], checkpoint: event.value.checkpoint });
    });
    state.onCancel.push(() => {
      source?.close();
      stream$.complete();
    });
  }
  return state;
}

/** Runs one replication cycle (pull, then push) and stops. */
export async function syncOnceOverHttp<T>(collection: RxCollection<T>, options: Omit<HttpReplicationOptions, 'live'>): Promise<void> {
  const state = replicateOverHttp(collection, { ...options, live: false });
  let failure: unknown;
  const subscription = state.error$.subscribe((error) => (failure ??= error));
  try {
    await state.awaitInitialReplication();
  } finally {
    subscription.unsubscribe();
    await state.cancel();
  }
  if (failure) throw failure;
}
