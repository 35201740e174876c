/**
 * How far the search index trails the database, as the screens hear it (search-index-writer.ts feeds it):
 * after a first replica or a long offline spell the index lags by seconds to minutes, and a clerk
 * searching then must be told that the results may be incomplete — but not for the ~0.2 s a
 * clerk's own change takes to become searchable, and not a thousand times a second while a
 * backlog's count goes down. Reading the status is reading three fields: no query.
 */

/**
 * Whether every change committed to the followed collections is searchable. `behindSince`: when
 * the index fell behind (ms since the epoch); `remaining`: about how many tickets and messages are
 * left to index, as the writer last counted them (absent until it has counted: a lag too short to
 * count, or a writer still starting).
 */
export type SearchIndexStatus = { caughtUp: boolean; behindSince?: number; remaining?: number };

/** A lag shorter than this is not worth a word to the clerk (a writer start takes ~0.2 s). */
export const BEHIND_GRACE_MS = 1_500;
/** How often, at most, the screens hear the count of what is left go down. */
export const STATUS_INTERVAL_MS = 1_000;

const CAUGHT_UP: SearchIndexStatus = { caughtUp: true };

export class SearchIndexLag {
  private behindSince: number | undefined;
  private remaining: number | undefined;
  private listeners: ((status: SearchIndexStatus) => void)[] = [];
  /** What the listeners last heard, and when; the timers that tell them later (grace, throttle). */
  private published: SearchIndexStatus = CAUGHT_UP;
  private publishedAt = 0;
  private graceTimer: NodeJS.Timeout | undefined;
  private publishTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly graceMs: number = BEHIND_GRACE_MS,
    private readonly intervalMs: number = STATUS_INTERVAL_MS,
  ) {}

  /** A change was announced: from now on the index is behind, unless it already was. */
  fellBehind(): void {
    if (this.closed || this.behindSince !== undefined) return;
    this.behindSince = Date.now();
    this.remaining = undefined;
    // Said only if it lasts: most changes are indexed well within the grace.
    this.armGrace(this.graceMs);
  }

  /** The writer counted what is left. */
  counted(remaining: number): void {
    if (this.behindSince === undefined) return;
    this.remaining = remaining;
    this.publish();
  }

  /** Every change announced is indexed. */
  caughtUp(): void {
    this.behindSince = undefined;
    this.remaining = undefined;
    clearTimeout(this.graceTimer);
    this.publish();
  }

  /** The status now; a lag shorter than the grace reads as caught up. */
  status(): SearchIndexStatus {
    const behindSince = this.behindSince;
    if (behindSince === undefined || this.closed || Date.now() - behindSince < this.graceMs) return CAUGHT_UP;
    return { caughtUp: false, behindSince, ...(this.remaining !== undefined && { remaining: this.remaining }) };
  }

  /**
   * Calls `listener` when `status()` changes: at once when the index falls behind (after the
   * grace) or catches up, at most every intervalMs while the count of what is left goes down.
   * Returns the unsubscribe.
   */
  onStatus(listener: (status: SearchIndexStatus) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.graceTimer);
    clearTimeout(this.publishTimer);
    this.listeners = [];
  }

  private armGrace(ms: number): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => this.publish(), ms);
    // Never what keeps the service alive.
    this.graceTimer.unref();
  }

  /** Tells the listeners what changed: caught up ↔ behind at once, a new count at most every intervalMs (the last one not lost). */
  private publish(): void {
    clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
    const status = this.status();
    if (status.caughtUp && this.behindSince !== undefined && !this.closed) {
      // Behind, within the grace still (a timer may fire a millisecond early): ask again at its end.
      this.armGrace(Math.max(1, this.behindSince + this.graceMs - Date.now()));
    }
    const last = this.published;
    if (status.caughtUp === last.caughtUp && status.remaining === last.remaining) return;
    const wait = this.publishedAt + this.intervalMs - Date.now();
    if (status.caughtUp === last.caughtUp && wait > 0) {
      this.publishTimer = setTimeout(() => this.publish(), wait);
      this.publishTimer.unref();
      return;
    }
    this.published = status;
    this.publishedAt = Date.now();
    for (const listener of [...this.listeners]) listener(status);
  }
}
