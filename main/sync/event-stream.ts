// The one live stream of a workstation (`GET /api/v1/replication/stream`, Server-Sent Events),
// split into one RxDB `pull.stream$` per collection.
//
// - Every (re)connect sends 'RESYNC' to every collection: whatever changed while the stream was
//   down is pulled from each checkpoint (RxDB's protocol has no other way to know).
// - It reconnects by itself, with exponential backoff and jitter, and finds a dead connection by
//   the silence of the server's heartbeat comments (a cable pulled sends no FIN).
// - A stream the server refuses (not 401) leaves the workstation without live updates, so it
//   resyncs at every reconnect attempt instead: polling, until the stream works again.
import { EventSource, type FetchLike, type FetchLikeResponse } from 'eventsource';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import type { RxReplicationPullStreamItem } from 'rxdb';
import { parseStreamEvent, type DocumentState, type ReplicationCheckpoint, type StreamEvent } from '../../core/sync';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { serverUrlOf, type FetchFunction } from './server-client';
import { SyncError, toSyncError } from './sync-errors';

export type StreamItem = RxReplicationPullStreamItem<DocumentState, ReplicationCheckpoint>;

/** What the stream needs of the session. */
export type TokenSource = {
  accessToken(): Promise<string>;
  tokenRefused(token: string): Promise<void>;
};

export type ReplicationEventStreamOptions = {
  serverUrl: string;
  path: string;
  fetch: FetchFunction;
  session: TokenSource;
  collections: readonly string[];
  /** Whether a streamed document may be handed to RxDB as it is; a refused one resyncs instead. */
  acceptDocument?: (collection: string, document: DocumentState) => boolean;
  backoff: BackoffPolicy;
  /** Silence after which the connection counts as dead (the server comments every 15 s). */
  heartbeatTimeoutMs?: number;
  /** A connection open this long resets the backoff: one that drops at once must not loop fast. */
  stableAfterMs?: number;
  /** The stream is open. */
  onOpen?: () => void;
  /** Something came from the server on the open stream (an event or a heartbeat). */
  onActivity?: () => void;
  /** The stream failed or a streamed event was refused. */
  onProblem?: (error: SyncError) => void;
  random?: () => number;
};

export class ReplicationEventStream {
  /** Whether the stream is open now. */
  readonly connected$ = new BehaviorSubject<boolean>(false);
  private readonly subjects = new Map<string, Subject<StreamItem>>();
  private source: EventSource | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private attempts = 0;
  private running = false;
  private paused = false;
  private connection = 0;

  constructor(private readonly options: ReplicationEventStreamOptions) {
    for (const name of options.collections) this.subjects.set(name, new Subject<StreamItem>());
  }

  /** The `pull.stream$` of one collection. */
  streamOf(collection: string): Observable<StreamItem> {
    const subject = this.subjects.get(collection);
    if (!subject) throw new TypeError(`${collection} is not a collection of this stream`);
    return subject.asObservable();
  }

  /** Connects, or reconnects after {@link pause}. */
  start(): void {
    if (this.running && !this.paused) return;
    this.running = true;
    this.paused = false;
    this.connect();
  }

  /** Closes the stream until {@link start} (signed out: no token to connect with). */
  pause(): void {
    this.paused = true;
    this.disconnect();
  }

  /** Reconnects now, whatever the backoff says. */
  reconnectNow(): void {
    if (!this.running || this.paused) return;
    this.disconnect();
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.disconnect();
    for (const subject of this.subjects.values()) subject.complete();
    this.connected$.complete();
  }

  /** Tells every collection (or one) to pull from its checkpoint. */
  resync(collection?: string): void {
    for (const [name, subject] of this.subjects) if (collection === undefined || name === collection) subject.next('RESYNC');
  }

  private disconnect(): void {
    clearTimeout(this.reconnectTimer);
    clearInterval(this.watchdog);
    this.reconnectTimer = undefined;
    this.watchdog = undefined;
    this.connection++;
    this.source?.close();
    this.source = undefined;
    if (this.connected$.value) this.connected$.next(false);
  }

  private connect(): void {
    if (!this.running || this.paused) return;
    const connection = ++this.connection;
    const current = () => connection === this.connection;
    const { session } = this.options;
    let tokenUsed: string | undefined;
    let failure: unknown;
    let lastByteAt = Date.now();
    let openedAt: number | undefined;

    const fetchWithToken: FetchLike = async (url, init) => {
      try {
        tokenUsed = await session.accessToken();
        const response = await this.options.fetch(String(url), {
          ...init,
          headers: { ...init.headers, authorization: `Bearer ${tokenUsed}` },
        });
        return watchBody(response, () => {
          lastByteAt = Date.now();
          // Heartbeats too: a live stream means nothing was missed up to now.
          if (current() && openedAt !== undefined) this.options.onActivity?.();
        });
      } catch (error) {
        failure = error;
        throw error;
      }
    };

    const source = new EventSource(serverUrlOf(this.options.serverUrl, this.options.path), { fetch: fetchWithToken });
    this.source = source;
    source.onopen = () => {
      if (!current()) return;
      openedAt = Date.now();
      lastByteAt = openedAt;
      this.connected$.next(true);
      this.options.onOpen?.();
      this.resync();
    };
    source.onmessage = (event: MessageEvent) => {
      if (!current()) return;
      lastByteAt = Date.now();
      if (openedAt !== undefined && lastByteAt - openedAt >= (this.options.stableAfterMs ?? 10_000)) this.attempts = 0;
      this.deliver(String(event.data));
    };
    source.onerror = (event) => {
      if (!current()) return;
      const stable = openedAt !== undefined && Date.now() - openedAt >= (this.options.stableAfterMs ?? 10_000);
      this.disconnect();
      if (stable) this.attempts = 0;
      const status = event.code;
      if (failure instanceof SyncError && failure.kind === 'signed-out') return; // the session says when to come back
      if (status === 401 && tokenUsed !== undefined) {
        const token = tokenUsed;
        // A refused token: renew it (once for all requests) and come back without waiting.
        session.tokenRefused(token).then(
          () => this.scheduleReconnect(0),
          (error: unknown) => {
            this.options.onProblem?.(toSyncError(error));
            this.scheduleReconnect();
          },
        );
        return;
      }
      if (status !== undefined) {
        // The server is there but will not stream: poll instead, at the pace of the retries.
        this.options.onProblem?.(new SyncError('server', 'stream_unavailable', `the live stream answered HTTP ${status}: ${event.message ?? ''}`.trim(), status));
        this.resync();
      } else if (openedAt === undefined || failure !== undefined) {
        this.options.onProblem?.(failure === undefined ? new SyncError('offline', 'network', `the live stream could not connect${event.message ? ` (${event.message})` : ''}`) : toSyncError(failure));
      }
      // An open stream that ends (the server ends it when the token that opened it expires; a
      // restart; a proxy closing long connections) is not news: the reconnection, at once when
      // the stream had been up for a while, says whether the server is gone.
      this.scheduleReconnect(stable && status === undefined ? 0 : undefined);
    };

    const timeout = this.options.heartbeatTimeoutMs ?? 45_000;
    this.watchdog = setInterval(() => {
      if (!current() || openedAt === undefined || Date.now() - lastByteAt < timeout) return;
      this.disconnect();
      this.options.onProblem?.(new SyncError('offline', 'timeout', `the live stream was silent for ${timeout} ms`));
      this.scheduleReconnect();
    }, Math.max(50, Math.floor(timeout / 4)));
    this.watchdog.unref?.();
  }

  private scheduleReconnect(delayMs?: number): void {
    if (!this.running || this.paused) return;
    clearTimeout(this.reconnectTimer);
    const delay = delayMs ?? backoffDelay(this.attempts++, this.options.backoff, this.options.random);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private deliver(data: string): void {
    const parsed = parseStreamEvent<string>(data, this.options.collections);
    if (!parsed.ok) {
      // We may have missed a change we could not read: pull everything from the checkpoints.
      this.options.onProblem?.(new SyncError('server', 'invalid_answer', parsed.error.message));
      this.resync();
      return;
    }
    const event: StreamEvent<string> = parsed.value;
    if (event.type === 'resync') {
      this.resync(event.collection);
      return;
    }
    const accept = this.options.acceptDocument;
    if (accept && !event.documents.every((document) => accept(event.collection, document))) {
      // The pull path reads the same documents, sets aside those it refuses and says so.
      this.resync(event.collection);
      return;
    }
    this.subjects.get(event.collection)?.next({ documents: event.documents, checkpoint: event.checkpoint });
  }
}

/** The response with its body passed through a watcher that notes every chunk that arrives. */
function watchBody(response: Response, onChunk: () => void): FetchLikeResponse {
  const body = response.body?.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onChunk();
        controller.enqueue(chunk);
      },
    }),
  );
  return { body: body ?? null, url: response.url, status: response.status, redirected: response.redirected, headers: response.headers };
}
