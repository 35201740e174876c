/**
 * Fans database events out to the HTTP layer's listeners (one per Server-Sent Events stream),
 * as callbacks or as async iterables.
 */
import type { DatabaseEvent, DatabaseEventListener } from './types';

export class EventHub {
  private readonly listeners = new Set<DatabaseEventListener>();
  private readonly onClose = new Set<() => void>();
  private closed = false;

  subscribe(listener: DatabaseEventListener): () => void {
    if (this.closed) return () => undefined;
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: DatabaseEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One broken stream must not keep the others from hearing the commit.
        console.error('A database event listener failed', error);
      }
    }
  }

  /**
   * Subscribes at once (not at the first `next()`), so no event between this call and the
   * consumer's first await is lost. Events wait in a queue until the consumer takes them.
   */
  changes(signal?: AbortSignal): AsyncIterable<DatabaseEvent> {
    const queue: DatabaseEvent[] = [];
    let wake: (() => void) | null = null;
    let ended = this.closed || signal?.aborted === true;
    const unsubscribe = this.subscribe((event) => {
      queue.push(event);
      wake?.();
    });
    const end = () => {
      ended = true;
      unsubscribe();
      signal?.removeEventListener('abort', end);
      this.onClose.delete(end);
      wake?.();
    };
    signal?.addEventListener('abort', end);
    this.onClose.add(end);

    const iterator: AsyncIterableIterator<DatabaseEvent> = {
      async next() {
        while (queue.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        const event = queue.shift();
        return event && !ended ? { value: event, done: false } : { value: undefined, done: true };
      },
      async return() {
        end();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    for (const end of [...this.onClose]) end();
  }
}
