// The sync status the screens show ("Sin conexión desde las 10:42 · 3 cambios por enviar"), and
// the bookkeeping behind it. Every request of the sync reports here how it went.
import { BehaviorSubject, type Observable } from 'rxjs';
import { spanishMessage, type SyncError, type SyncErrorCode } from './sync-errors';

/**
 * - `online`: the server answered the last request and nothing is failing.
 * - `offline`: the server cannot be reached (or cannot work: 502/503/504); the clerk keeps
 *   working on the replica, and changes wait in `pendingPushes`. Also the state before the
 *   first answer, then without `offlineSince`.
 * - `signed-out`: the server refused the credentials or the session; nothing syncs until a
 *   person signs in again (`SyncHandle.signIn`). Local work goes on and waits.
 * - `error`: the server is reachable but something keeps failing (a 500, an answer that breaks
 *   the protocol, a refused change); the sync retries with backoff. `lastError` says what.
 */
export type SyncState = 'online' | 'offline' | 'signed-out' | 'error';

export type SyncStatus = {
  state: SyncState;
  /** Since when (ms) the server has been unreachable, while `offline`. */
  offlineSince?: number;
  /** Local changes not yet acknowledged by the server, across collections. */
  pendingPushes: number;
  /** When (ms) the server last answered a pull or a push, or streamed a change. */
  lastSyncAt?: number;
  /** Whether live updates arrive (the stream is open). */
  liveUpdates: boolean;
  /** The last error, in words, for the clerk (Spanish). Kept after recovery, with its time. */
  lastError?: string;
  /** The last error's code, for programs and translations. */
  lastErrorCode?: SyncErrorCode;
  /** The last error as the server or the network said it (for logs and support; English). */
  lastErrorDetail?: string;
  lastErrorAt?: number;
  /** Local changes the server refused for good this session (set aside: see README). */
  refusedPushes: number;
};

/** Where a request failed: e.g. 'tickets:pull', 'tickets:push', 'stream', 'session'. */
export type SyncChannel = string;

export class SyncStatusTracker {
  private readonly subject: BehaviorSubject<SyncStatus>;
  private reachable: boolean | undefined;
  private offlineSince: number | undefined;
  private signedOut = false;
  private readonly failing = new Set<SyncChannel>();
  private readonly pending = new Map<string, number>();
  private readonly fields: Omit<SyncStatus, 'state' | 'offlineSince' | 'pendingPushes'> = { liveUpdates: false, refusedPushes: 0 };

  constructor(private readonly now: () => number = Date.now) {
    this.subject = new BehaviorSubject<SyncStatus>(this.compute());
  }

  get status$(): Observable<SyncStatus> {
    return this.subject.asObservable();
  }

  get status(): SyncStatus {
    return this.subject.value;
  }

  /** A request of `channel` was answered. */
  succeeded(channel: SyncChannel): void {
    this.reachable = true;
    this.offlineSince = undefined;
    this.failing.delete(channel);
    this.fields.lastSyncAt = this.now();
    this.emit();
  }

  /** A request of `channel` failed; it will be retried. */
  failed(channel: SyncChannel, error: SyncError): void {
    if (error.kind === 'stopped') return;
    this.note(error);
    if (error.kind === 'offline') {
      if (this.reachable !== false) this.offlineSince = this.now();
      this.reachable = false;
    } else {
      // The server answered, so it is reachable; the channel is failing until it succeeds.
      this.reachable = true;
      this.offlineSince = undefined;
      this.failing.add(channel);
    }
    this.emit();
  }

  /** Changes the server refused for good, set aside so that the others go on. */
  refused(count: number, error: SyncError): void {
    this.fields.refusedPushes += count;
    this.note(error);
    this.emit();
  }

  liveUpdates(open: boolean): void {
    if (open) {
      this.reachable = true;
      this.offlineSince = undefined;
      this.failing.delete('stream');
    }
    this.fields.liveUpdates = open;
    this.emit();
  }

  setSignedOut(signedOut: boolean, error?: SyncError): void {
    this.signedOut = signedOut;
    if (error) this.note(error);
    this.emit();
  }

  setPending(collection: string, count: number): void {
    this.pending.set(collection, count);
    this.emit();
  }

  private note(error: SyncError): void {
    this.fields.lastError = spanishMessage(error.code);
    this.fields.lastErrorCode = error.code;
    this.fields.lastErrorDetail = error.message;
    this.fields.lastErrorAt = this.now();
  }

  private compute(): SyncStatus {
    let pendingPushes = 0;
    for (const count of this.pending.values()) pendingPushes += count;
    const state: SyncState = this.signedOut
      ? 'signed-out'
      : this.reachable !== true
        ? 'offline'
        : this.failing.size > 0
          ? 'error'
          : 'online';
    return {
      state,
      ...(state === 'offline' && this.offlineSince !== undefined && { offlineSince: this.offlineSince }),
      pendingPushes,
      ...this.fields,
    };
  }

  private emit(): void {
    const next = this.compute();
    if (!sameStatus(next, this.subject.value)) this.subject.next(next);
  }

  complete(): void {
    this.subject.complete();
  }
}

function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof SyncStatus>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
