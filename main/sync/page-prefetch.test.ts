import { describe, expect, it } from 'vitest';
import { PagePrefetch, type FeedPage } from './page-prefetch';

type Page = FeedPage<number>;

/**
 * A feed of `total` numbered documents in pages of `batchSize`, answered only when the test
 * says so: `requests` lists the checkpoints asked for, `answer()` answers the oldest waiting
 * request (`skip`: that many documents left out, read on past them), `announce()` tells where
 * it will end before answering, `fail(error)` fails it.
 */
function manualFeed(total: number) {
  const requests: (number | undefined)[] = [];
  type Waiting = { checkpoint: number; batchSize: number; announce: (next: number) => void; resolve: (page: Page) => void; reject: (error: unknown) => void };
  const waiting: Waiting[] = [];
  const endOf = (request: Waiting, skip = 0) => Math.min(total, request.checkpoint + request.batchSize + skip);
  return {
    requests,
    pull: (checkpoint: number | undefined, batchSize: number, announce: (next: number) => void) => {
      requests.push(checkpoint);
      return new Promise<Page>((resolve, reject) => waiting.push({ checkpoint: checkpoint ?? 0, batchSize, announce, resolve, reject }));
    },
    announce() {
      waiting[0]!.announce(endOf(waiting[0]!));
    },
    answer(skip = 0) {
      const request = waiting.shift();
      if (!request) throw new Error('no request is waiting');
      const end = endOf(request, skip);
      const documents = Array.from({ length: end - request.checkpoint - skip }, (_, index) => request.checkpoint + skip + index);
      request.resolve({ documents, checkpoint: end });
    },
    fail(error: unknown) {
      waiting.shift()!.reject(error);
    },
    get waiting() {
      return waiting.length;
    },
  };
}

/** Lets the feed's promise callbacks and timers of 0 ms run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('fetching a pull feed ahead of its writes', () => {
  it('asks for the next page as soon as one arrives, without waiting for the writer, and stops at the capacity', async () => {
    const feed = manualFeed(100);
    const prefetch = new PagePrefetch({ pull: feed.pull, from: undefined, batchSize: 10, capacity: 3 });
    await settle();
    expect(feed.requests).toEqual([undefined]);
    feed.answer();
    await settle();
    feed.answer();
    await settle();
    // Two held and the third in flight: the capacity.
    expect(feed.requests).toEqual([undefined, 10, 20]);
    feed.answer();
    await settle();
    expect(prefetch.pagesHeld).toBe(3);
    expect(feed.waiting).toBe(0);
    // Taking pages makes room: the feed goes on from the last checkpoint fetched.
    const taken = await prefetch.take(2, 1_000);
    expect(taken.pages.map((page) => page.checkpoint)).toEqual([10, 20]);
    expect(taken.last).toBe(false);
    await settle();
    expect(feed.requests).toEqual([undefined, 10, 20, 30]);
    expect(prefetch.pagesHeld).toBe(2);
    prefetch.close();
    // The answer in flight at the close is dropped, and nothing more is asked for.
    feed.answer();
    await prefetch.settled;
    expect(prefetch.pagesHeld).toBe(0);
    expect(feed.requests).toHaveLength(4);
  });

  it('hands out what arrived when the next page is slow, and waits for up to the maximum otherwise', async () => {
    const feed = manualFeed(100);
    const prefetch = new PagePrefetch({ pull: feed.pull, from: 40, batchSize: 10, capacity: 12 });
    await settle();
    feed.answer();
    const slow = await prefetch.take(10, 30);
    expect(slow.pages.map((page) => page.documents[0])).toEqual([40]);
    const full = prefetch.take(3, 1_000);
    for (let page = 0; page < 3; page++) {
      await settle();
      feed.answer();
    }
    expect((await full).pages.map((page) => page.checkpoint)).toEqual([60, 70, 80]);
    prefetch.close();
  });

  it('ends with the first short page, which is marked last, and asks for nothing after it', async () => {
    const feed = manualFeed(25);
    const prefetch = new PagePrefetch({ pull: feed.pull, from: undefined, batchSize: 10, capacity: 12 });
    for (let page = 0; page < 3; page++) {
      await settle();
      feed.answer();
    }
    const taken = await prefetch.take(10, 1_000);
    expect(taken.pages.map((page) => page.documents.length)).toEqual([10, 10, 5]);
    expect(taken.last).toBe(true);
    await prefetch.settled;
    expect(feed.requests).toEqual([undefined, 10, 20]);
  });

  it('hands out the pages fetched before a failure, then throws the failure', async () => {
    const feed = manualFeed(100);
    const prefetch = new PagePrefetch({ pull: feed.pull, from: undefined, batchSize: 10, capacity: 12 });
    await settle();
    feed.answer();
    await settle();
    feed.answer();
    await settle();
    const lost = new TypeError('fetch failed');
    feed.fail(lost);
    const taken = await prefetch.take(10, 1_000);
    expect(taken).toEqual({ pages: [expect.objectContaining({ checkpoint: 10 }), expect.objectContaining({ checkpoint: 20 })], last: false });
    expect(prefetch.failed).toEqual({ error: lost });
    await expect(prefetch.take(10, 1_000)).rejects.toBe(lost);
    // Nothing asked for after the failure.
    expect(feed.requests).toEqual([undefined, 10, 20]);
  });

  it('closed, drops what it holds and ignores the answer (or failure) of the request in flight', async () => {
    const feed = manualFeed(100);
    const prefetch = new PagePrefetch({ pull: feed.pull, from: undefined, batchSize: 10, capacity: 12 });
    await settle();
    feed.answer();
    await settle();
    prefetch.close();
    expect(prefetch.pagesHeld).toBe(0);
    // The request in flight fails after the close: no unhandled rejection, no failure recorded.
    feed.fail(new Error('aborted'));
    await prefetch.settled;
    expect(prefetch.failed).toBeUndefined();
    expect(prefetch.pagesHeld).toBe(0);
    expect(feed.requests).toEqual([undefined, 10]);
    await expect(prefetch.take(10, 1_000)).rejects.toThrow('closed');
  });

  it('asks for the next page while one is still being checked, when the pull announces where it will end', async () => {
    const feed = manualFeed(100);
    const prefetch = new PagePrefetch({ pull: feed.pull, from: undefined, batchSize: 10, capacity: 3 });
    await settle();
    feed.announce();
    expect(feed.requests).toEqual([undefined, 10]);
    // Once per request: a second announcement asks for nothing more.
    feed.announce();
    expect(feed.requests).toEqual([undefined, 10]);
    feed.answer();
    await settle();
    // The early request is the next page: not asked again.
    expect(feed.requests).toEqual([undefined, 10]);
    feed.announce();
    // Held, in flight and asked early: the capacity of three, so the announcement asks nothing.
    feed.answer();
    await settle();
    expect(feed.requests).toEqual([undefined, 10, 20]);
    feed.answer();
    await settle();
    expect((await prefetch.take(10, 20)).pages.map((page) => page.checkpoint)).toEqual([10, 20, 30]);
    prefetch.close();
  });

  it('drops a page asked for early when the page before ends elsewhere after all, and asks from where it did end', async () => {
    const feed = manualFeed(100);
    const prefetch = new PagePrefetch({ pull: feed.pull, from: undefined, batchSize: 10, capacity: 12 });
    await settle();
    feed.announce();
    // Two documents left out: the page read on and ends at 12, not at the 10 it announced.
    feed.answer(2);
    await settle();
    expect(feed.requests).toEqual([undefined, 10, 12]);
    // The early answer (from 10) is ignored; the page from 12 is the next one.
    feed.answer();
    feed.answer();
    const taken = await prefetch.take(2, 1_000);
    expect(taken.pages.map((page) => page.documents[0])).toEqual([2, 12]);
    prefetch.close();
  });

  it('refuses a capacity below one page', () => {
    const feed = manualFeed(1);
    expect(() => new PagePrefetch({ pull: feed.pull, from: undefined, batchSize: 10, capacity: 0 })).toThrow(RangeError);
    expect(feed.requests).toEqual([]);
  });
});
