// The workstation's replication with the central server: RxDB's `replicateRxCollection` for
// every collection, over the HTTP protocol of core/sync (pull by checkpoint, push with the
// assumed master state, one Server-Sent Events stream for all collections), with the session,
// the backoff and the status of this folder. Design notes: ./README.md.
import { setMaxListeners } from 'node:events';
import { firstValueFrom, filter, Subject, type Observable, type Subscription } from 'rxjs';
import { defaultConflictHandler, type RxCollection, type RxDatabase, type RxReplicationPullStreamItem } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import type { CollectionName, Collections } from '../../core/schemas';
import {
  API_PATHS,
  DOCUMENT_STATE_CHECKS,
  parsePushResponse,
  PULL_LIMIT_MAX,
  REPLICATED_COLLECTIONS,
  type AuthTokens,
  type DocumentState,
  type LoginRequest,
  type PushRow,
  type ReplicationCheckpoint,
  type SignedInUser,
} from '../../core/sync';
import type { JsonCheck } from '../../core/sync/json-check';
import { AuthSession, type AuthState } from './auth-session';
import { importFirstReplica, type FirstReplicaResult } from './first-replica';
import { DEFAULT_BACKOFF, RetryGate, type BackoffPolicy } from './backoff';
import { ReplicationEventStream } from './event-stream';
import { PendingPushCounter } from './pending-pushes';
import { readPullPage } from './pull-page';
import { callServer, invalidAnswer, type FetchFunction, type ServerAnswer, type ServerCall } from './server-client';
import { SyncError } from './sync-errors';
import { SyncStatusTracker, type SyncStatus } from './sync-status';

export type StartSyncOptions = {
  db: RxDatabase<Collections>;
  /** The central server, e.g. `https://ventanilla.ayto.example.es` (a path prefix is kept). */
  serverUrl: string;
  /** E-mail and password: to sign in, and to sign in again when the session is refused. */
  credentials?: LoginRequest;
  /** Tokens of an earlier session (kept by the desktop with the OS keychain). */
  tokens?: AuthTokens;
  /** Who the tokens belong to: signing in as someone else is refused (the replica is theirs). */
  user?: SignedInUser;
  /** This workstation's stable id, sent with every sign-in and refresh (auth-session.ts). */
  workstationId?: string;
  /** The secret that proves `workstationId` to the server (main/host/workstation-id.ts). */
  workstationSecret?: string;
  /** Called with every new pair of tokens, to keep them. */
  onTokens?: (tokens: AuthTokens, user: SignedInUser | undefined) => void;
  fetch?: FetchFunction;
  /** Default: every replicated collection. */
  collections?: readonly CollectionName[];
  /**
   * Documents per pull (default 500: what makes a first replica fast, shared/NOTES.md; a first
   * replica imported by first-replica.ts pulls the server's maximum, 1,000, unless this is set).
   */
  pullBatchSize?: number;
  /**
   * How a collection's first replica is written: 'import' (default) pulls the pages and writes
   * them with RxDB's replication bookkeeping in one transaction each (first-replica.ts), then
   * starts RxDB's replication from there; 'protocol' leaves it all to RxDB's replication.
   */
  firstReplica?: 'import' | 'protocol';
  /** Rows per push (default 100; RxDB sends several pushes at once). */
  pushBatchSize?: number;
  /** Waits between failed attempts, for requests and for the live stream. */
  backoff?: BackoffPolicy;
  /** How long one request may take (default 60 s). */
  requestTimeoutMs?: number;
  /** Silence after which the live stream counts as dead (default 45 s: three heartbeats). */
  heartbeatTimeoutMs?: number;
  /**
   * Names this replication in RxDB's bookkeeping (checkpoints, assumed server states). It is not
   * derived from the URL on purpose: a council that renames its server keeps its replicas, and
   * the clerks' unsent changes with them.
   */
  replicationIdentifier?: string;
};

/** A local change the server refused for good; it stays in the replica, set aside. */
export type RefusedPush = { collection: CollectionName; id: string; error: SyncError };

/** Something worth a line in a log that did not stop the sync. */
export type SyncProblem = { collection?: CollectionName; error: SyncError; documentIds?: string[] };

export type SyncReplications = { [N in CollectionName]?: RxReplicationState<Collections[N] extends RxCollection<infer T> ? T : never, ReplicationCheckpoint> };

export type SyncHandle = {
  readonly status$: Observable<SyncStatus>;
  readonly status: SyncStatus;
  readonly auth$: Observable<AuthState>;
  /** The signed-in user, once the server said who it is. */
  readonly user: SignedInUser | undefined;
  readonly replications: SyncReplications;
  readonly refused$: Observable<RefusedPush>;
  readonly problems$: Observable<SyncProblem>;
  /**
   * What each collection's first replica did (first-replica.ts): resolves once every collection's
   * replication has started; a collection whose import failed is missing.
   */
  readonly firstReplicas: Promise<Partial<Record<CollectionName, FirstReplicaResult>>>;
  /** Resolves when every collection has pushed what it has and pulled what the server has. */
  awaitInSync(): Promise<void>;
  /** Signs in again after `signed-out`, as the same user, and resumes. */
  signIn(credentials: LoginRequest): Promise<SignedInUser>;
  /** Tries the server now instead of when the backoff says (a "Reintentar" button). */
  retryNow(): void;
  /** Stops replicating; the database stays open. */
  stop(): Promise<void>;
};

export const DEFAULT_REPLICATION_IDENTIFIER = 'ventanilla-central-v1';

/**
 * Refusals of what a push carries, which another push without the offending rows avoids. Any
 * other refusal (an unknown collection or route, a malformed request: a server of another
 * version) is retried with backoff and shown as an error, never taken out on the documents.
 */
function isDocumentRefusal(error: SyncError): boolean {
  return error.kind === 'refused' && (error.code === 'forbidden' || error.code === 'invalid_document' || error.code === 'payload_too_large');
}

/**
 * Starts replicating. Resolves as soon as the replications run — without waiting for the server,
 * which may be unreachable: the clerk works on the replica meanwhile, and the status says so.
 */
export async function startSync(options: StartSyncOptions): Promise<SyncHandle> {
  const fetchFunction: FetchFunction = options.fetch ?? ((input, init) => fetch(input, init));
  const names = options.collections ?? REPLICATED_COLLECTIONS;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const controller = new AbortController();
  const { signal } = controller;
  // Every waiting or running request listens to it: dozens at once are normal, not a leak.
  setMaxListeners(1_000, signal);
  const status = new SyncStatusTracker();
  const gate = new RetryGate(backoff);
  const refused$ = new Subject<RefusedPush>();
  const problems$ = new Subject<SyncProblem>();
  const subscriptions: Subscription[] = [];
  const session = new AuthSession({
    serverUrl: options.serverUrl,
    fetch: fetchFunction,
    credentials: options.credentials,
    tokens: options.tokens,
    user: options.user,
    workstationId: options.workstationId,
    workstationSecret: options.workstationSecret,
    onTokens: options.onTokens,
    requestTimeoutMs,
  });

  /** One call with the session's token; a refused token is renewed and the call repeated. */
  async function authorized(call: Omit<ServerCall, 'accessToken' | 'signal' | 'timeoutMs'>): Promise<ServerAnswer> {
    for (let attempt = 0; ; attempt++) {
      const token = await session.accessToken();
      try {
        return await callServer(fetchFunction, options.serverUrl, { ...call, accessToken: token, signal, timeoutMs: requestTimeoutMs });
      } catch (error) {
        if (!(error instanceof SyncError) || error.kind !== 'auth' || attempt >= 2) throw error;
        await session.tokenRefused(token);
      }
    }
  }

  /**
   * Runs one exchange until it succeeds: RxDB's replication has no error handling of its own
   * beyond a fixed `retryTime`, so the backoff lives here, shared by every collection (see
   * RetryGate). Errors `isFinal` says the caller handles are thrown at once.
   */
  async function untilAnswered<T>(channel: string, exchange: () => Promise<T>, isFinal: (error: SyncError) => boolean = () => false): Promise<T> {
    for (let attempt = 0; ; ) {
      if (signal.aborted) throw new SyncError('stopped', 'stopped', 'the sync was stopped');
      try {
        const value = await exchange();
        gate.succeeded();
        status.succeeded(channel);
        return value;
      } catch (caught) {
        // Every failure of the network or the server arrives as a SyncError; anything else is a
        // failure of this program, retried all the same but never shown as "offline".
        const error = caught instanceof SyncError ? caught : new SyncError('server', 'workstation_error', caught instanceof Error ? caught.message : String(caught), undefined, { cause: caught });
        if (signal.aborted || error.kind === 'stopped') throw new SyncError('stopped', 'stopped', 'the sync was stopped', undefined, { cause: caught });
        if (isFinal(error)) throw error;
        if (error.kind === 'signed-out') {
          await untilSignedIn();
          continue;
        }
        status.failed(channel, error);
        await gate.wait(attempt++, signal);
      }
    }
  }

  function untilSignedIn(): Promise<unknown> {
    return firstValueFrom(session.state$.pipe(filter((state) => state === 'signed-in' || signal.aborted)), { defaultValue: undefined });
  }

  const stream = new ReplicationEventStream({
    serverUrl: options.serverUrl,
    path: API_PATHS.stream,
    fetch: fetchFunction,
    session,
    collections: names,
    acceptDocument: (collection, document) => DOCUMENT_STATE_CHECKS[collection as CollectionName](document).ok,
    backoff,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs,
    onOpen: () => gate.succeeded(),
    onActivity: () => status.succeeded('stream'),
    onProblem: (error) => status.failed('stream', error),
  });
  subscriptions.push(stream.connected$.subscribe((open) => status.liveUpdates(open)));

  const replications: SyncReplications = {};
  const counters: PendingPushCounter<DocumentState>[] = [];
  /** Each collection's start: its first replica imported when it has none yet, then RxDB's replication. */
  const starts: (() => Promise<void>)[] = [];
  const firstReplicas: Partial<Record<CollectionName, FirstReplicaResult>> = {};
  for (const name of names) {
    const collection = options.db.collections[name] as RxCollection;
    // RxDB takes the conflict handler from the collection (v16+); openLocalDatabase installs
    // core's (tickets merge field by field). RxDB's default, "the server wins", would drop a
    // clerk's edit on a conflict: refuse a database opened without them.
    if (collection.conflictHandler === defaultConflictHandler) {
      throw new Error(`collection ${name} has RxDB's default conflict handler; open the database with openLocalDatabase (core/sync CONFLICT_HANDLERS)`);
    }
    const check = DOCUMENT_STATE_CHECKS[name];
    const pullChannel = `${name}:pull`;
    const pushChannel = `${name}:push`;

    const pullPage = (checkpoint: ReplicationCheckpoint | undefined, batchSize: number, announce?: (next: ReplicationCheckpoint) => void) =>
      readPullPage(
        {
          collection: name,
          check: check as JsonCheck<DocumentState>,
          request: (query) => authorized({ method: 'GET', path: API_PATHS.pull(name), query }),
          leftOut: (documentIds, error) => {
            status.failed(pullChannel, error);
            problems$.next({ collection: name, error, documentIds });
          },
        },
        checkpoint,
        batchSize,
        announce,
      );

    const pushOnce = async (rows: PushRow[]): Promise<DocumentState[]> => {
      const answer = await authorized({ method: 'POST', path: API_PATHS.push(name), body: rows });
      const conflicts = parsePushResponse(answer.body);
      if (!conflicts.ok) throw invalidAnswer(`push of ${name}`, conflicts.error.message);
      const pushed = new Set(rows.map((row) => row.newDocumentState.id));
      for (const conflict of conflicts.value) {
        if (!pushed.has(conflict.id)) throw invalidAnswer(`push of ${name}`, `a conflict names ${JSON.stringify(conflict.id)}, which was not pushed`);
        const checked = check(conflict);
        if (!checked.ok) throw invalidAnswer(`push of ${name}`, `a conflicting document breaks its schema: ${checked.error.message}`);
      }
      return conflicts.value;
    };

    /**
     * A push the server refuses for what is in it (400 invalid document, 403 outside the clerk's
     * departments, 413 too large) is refused whole. Halving it finds the rows at fault, so the others get
     * through; a single refused row is set aside — reported, kept in the replica, not retried —
     * because retrying it would block every later change of the collection behind it.
     */
    const pushRows = async (rows: PushRow[]): Promise<DocumentState[]> => {
      try {
        return await untilAnswered(pushChannel, () => pushOnce(rows), isDocumentRefusal);
      } catch (error) {
        if (!(error instanceof SyncError) || !isDocumentRefusal(error)) throw error;
        if (rows.length > 1) {
          const half = Math.ceil(rows.length / 2);
          return [...(await pushRows(rows.slice(0, half))), ...(await pushRows(rows.slice(half)))];
        }
        const id = String(rows[0]!.newDocumentState.id);
        status.refused(1, error);
        refused$.next({ collection: name, id, error });
        problems$.next({ collection: name, error, documentIds: [id] });
        return [];
      }
    };

    const replication = replicateRxCollection<DocumentState, ReplicationCheckpoint>({
      replicationIdentifier: `${options.replicationIdentifier ?? DEFAULT_REPLICATION_IDENTIFIER}-${name}`,
      collection: collection as unknown as RxCollection<DocumentState>,
      live: true,
      waitForLeadership: false,
      autoStart: false,
      toggleOnDocumentVisible: false,
      // Only for errors that escape the handlers (they retry by themselves, with backoff).
      retryTime: 5_000,
      pull: {
        batchSize: options.pullBatchSize ?? 500,
        handler: (checkpoint, batchSize) => untilAnswered(pullChannel, () => pullPage(checkpoint, batchSize)),
        stream$: stream.streamOf(name) as Observable<RxReplicationPullStreamItem<DocumentState, ReplicationCheckpoint>>,
      },
      push: {
        batchSize: options.pushBatchSize ?? 100,
        handler: (rows) => pushRows(rows as PushRow[]) as Promise<never[]>,
      },
    });
    replications[name] = replication as never;
    subscriptions.push(
      replication.error$.subscribe((error) => {
        if (signal.aborted) return;
        // What the handlers do not catch: mostly the replica refusing a pulled document.
        const problem = new SyncError('server', 'local_database', error.message, undefined, { cause: error });
        // Cleared by the next pull of the collection that goes through.
        status.failed(pullChannel, problem);
        problems$.next({ collection: name, error: problem });
      }),
    );
    const counter = new PendingPushCounter(replication, (count) => status.setPending(name, count));
    counters.push(counter);
    counter.start();
    starts.push(async () => {
      if (options.firstReplica !== 'protocol') {
        try {
          firstReplicas[name] = await importFirstReplica({
            collection,
            replication: replication as never,
            // One attempt per page: when the server cannot answer, RxDB's replication takes over
            // at once (with its retries, and the count of changes waiting to be pushed); the
            // next start resumes the import where it stopped.
            pull: (checkpoint, batchSize, announce) => untilAnswered(pullChannel, () => pullPage(checkpoint, batchSize, announce), () => true),
            batchSize: options.pullBatchSize ?? PULL_LIMIT_MAX,
            signal,
          });
        } catch (error) {
          if (signal.aborted) return;
          // The replica keeps every page written so far; RxDB's replication goes on from there.
          // A failed request is its to retry and the status's to show; anything else is said.
          if (!(error instanceof SyncError)) {
            const problem = new SyncError('server', 'local_database', `first replica of ${name}: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
            status.failed(pullChannel, problem);
            problems$.next({ collection: name, error: problem });
          }
        }
      }
      // A start that fails is reported on error$ (subscribed above), not thrown here.
      if (!signal.aborted) await replication.start().catch(() => undefined);
    });
  }

  subscriptions.push(
    session.state$.subscribe((state) => {
      if (state === 'signed-out') {
        status.setSignedOut(true, session.signedOutBecause);
        stream.pause();
      } else {
        status.setSignedOut(false);
        if (state === 'signed-in') gate.wakeAll();
      }
    }),
  );
  stream.start();
  // In the background: startSync never waits for the server.
  const started = Promise.all(starts.map((start) => start()));

  let stopping: Promise<void> | undefined;
  return {
    get status$() {
      return status.status$;
    },
    get status() {
      return status.status;
    },
    auth$: session.state$.asObservable(),
    firstReplicas: started.then(() => firstReplicas),
    get user() {
      return session.user;
    },
    replications,
    refused$: refused$.asObservable(),
    problems$: problems$.asObservable(),
    async awaitInSync() {
      await started;
      await Promise.all(Object.values(replications).map((replication) => replication.awaitInSync()));
    },
    async signIn(credentials) {
      const user = await session.signIn(credentials);
      stream.start();
      return user;
    },
    retryNow() {
      gate.wakeAll();
      stream.reconnectNow();
    },
    stop() {
      stopping ??= (async () => {
        for (const replication of Object.values(replications)) replication.retryTime = 10;
        controller.abort();
        session.stop();
        stream.stop();
        for (const counter of counters) counter.stop();
        await Promise.all(Object.values(replications).map((replication) => replication.cancel()));
        for (const subscription of subscriptions) subscription.unsubscribe();
        refused$.complete();
        problems$.complete();
        status.complete();
      })();
      return stopping;
    },
  };
}
