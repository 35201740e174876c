// A collection's pull feed fetched ahead of the writes of its first replica (first-replica.ts).
//
// Why: the feed is sequential — each page is asked for with the checkpoint of the one before —
// and the pages are written synchronously on the same thread. When the next request was only
// made once the writer came back for it, the thread sat idle for the server's answer after every
// transaction (docs/performance.md, Sync: ~12 s of a 60 s replica). Here the next request goes
// out as soon as the page before it has arrived, whatever the writer is doing, up to a bound —
// or even before, while that page is still being checked, when the pull announces where the page
// will end (the server's answer was a full page): checking 1,000 documents takes about as long as
// the server takes to answer.
//
// Nothing here writes or remembers a checkpoint: a page fetched ahead and never written (a stop,
// a crash, a server gone) is simply fetched again from the last checkpoint written.

/** A page of the feed: shorter than the batch size at its end. */
export type FeedPage<C> = { documents: readonly unknown[]; checkpoint: C | undefined };

export type PrefetchOptions<P extends FeedPage<C>, C> = {
  /**
   * One page after the checkpoint, at most `batchSize` documents; may throw (the feed stops
   * there). It may call `announce` with the checkpoint the page will end at, before it resolves
   * (while it checks the documents): the next page is asked for from there at once. A page that
   * ends elsewhere after all (documents left out, read on) has the early request dropped.
   */
  pull: (checkpoint: C | undefined, batchSize: number, announce: (next: C) => void) => Promise<P>;
  /** Where the feed starts: the checkpoint of the last page written. */
  from: C | undefined;
  batchSize: number;
  /**
   * The most pages held at once: fetched and not yet taken, the ones being fetched included.
   * The memory bound of the feed (each page at most `batchSize` documents).
   */
  capacity: number;
};

/** What {@link PagePrefetch.take} hands out. `last`: the end of the feed is among the pages. */
export type TakenPages<P> = { pages: P[]; last: boolean };

export class PagePrefetch<P extends FeedPage<C>, C> {
  private readonly held: P[] = [];
  /** The requests under way, in feed order: each from the checkpoint the one before announced. */
  private readonly inFlight: { from: C | undefined; page: Promise<P> }[] = [];
  private ended = false;
  private closed = false;
  private failure: { error: unknown } | undefined;
  /** Resolved (and replaced) whenever something changes: a page, the end, a failure, room. */
  private changed!: Promise<void>;
  private signalChange!: () => void;
  /** The fetching loop; never rejects (its failure is kept for `take`). */
  readonly settled: Promise<void>;

  constructor(private readonly options: PrefetchOptions<P, C>) {
    if (!(options.capacity >= 1)) throw new RangeError(`a prefetch holds at least one page, not ${options.capacity}`);
    this.renewChange();
    this.settled = this.run();
  }

  /** The error that stopped the feed, once it has (pages fetched before it are still handed out). */
  get failed(): { error: unknown } | undefined {
    return this.failure;
  }

  /** Pages fetched and not taken, and the ones being fetched. */
  get pagesHeld(): number {
    return this.held.length + this.inFlight.length;
  }

  /**
   * Up to `max` pages: waits for the first one as long as it takes, then for each next one at most
   * `nextPageWaitMs` (what has arrived is handed out when the server is slow). Pages fetched before
   * a failure are handed out first; once none is left, the failure is thrown.
   */
  async take(max: number, nextPageWaitMs: number): Promise<TakenPages<P>> {
    while (this.held.length === 0) {
      if (this.failure) throw this.failure.error;
      if (this.closed) throw new Error('the prefetch was closed');
      await this.changed;
    }
    while (this.held.length < max && !this.ended && !this.failure && !this.closed) {
      const before = this.held.length;
      if (!(await within(this.changed, nextPageWaitMs))) break;
      // Room made for a page is a change too: wait on for the page itself.
      if (this.held.length === before && !this.ended && !this.failure) continue;
    }
    const pages = this.held.splice(0, max);
    const last = this.ended && this.held.length === 0;
    this.notify();
    return { pages, last };
  }

  /** Stops fetching; pages in flight are dropped when they arrive (or fail). Idempotent. */
  close(): void {
    this.closed = true;
    this.held.length = 0;
    this.inFlight.length = 0;
    this.notify();
  }

  private async run(): Promise<void> {
    let checkpoint = this.options.from;
    const { batchSize, capacity } = this.options;
    while (!this.closed) {
      if (this.inFlight.length === 0) {
        if (this.held.length >= capacity) {
          await this.changed;
          continue;
        }
        this.ask(checkpoint);
      }
      const request = this.inFlight[0]!;
      let page: P;
      try {
        page = await request.page;
      } catch (error) {
        this.inFlight.length = 0;
        if (!this.closed) this.failure = { error };
        this.notify();
        return;
      }
      if (this.closed) return;
      this.inFlight.shift();
      this.held.push(page);
      if (page.documents.length < batchSize) {
        this.inFlight.length = 0;
        this.ended = true;
        this.notify();
        return;
      }
      checkpoint = page.checkpoint;
      // Asked for early from where the page was to end, and it ended elsewhere: asked again.
      // (Checkpoints are the server's JSON, parsed alike: their text compares them.)
      if (this.inFlight.length > 0 && JSON.stringify(this.inFlight[0]!.from) !== JSON.stringify(checkpoint)) this.inFlight.length = 0;
      this.notify();
    }
  }

  /** Asks for the page after `from`; its announcement asks for the one after it, room permitting. */
  private ask(from: C | undefined): void {
    const request = { from, page: undefined as unknown as Promise<P> };
    const announce = (next: C) => {
      if (this.closed || this.inFlight.at(-1) !== request || this.held.length + this.inFlight.length >= this.options.capacity) return;
      this.ask(next);
    };
    request.page = this.options.pull(from, this.options.batchSize, announce);
    // Awaited by run() when its turn comes; one dropped before must not become unhandled.
    request.page.catch(() => undefined);
    this.inFlight.push(request);
  }

  private notify(): void {
    const signal = this.signalChange;
    this.renewChange();
    signal();
  }

  private renewChange(): void {
    this.changed = new Promise<void>((resolve) => (this.signalChange = resolve));
  }
}

/** True when the promise settles within `ms`, false when it takes longer. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
