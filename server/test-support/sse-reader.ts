/**
 * Reads a Server-Sent Events response for tests, by hand (WHATWG HTML §9.2 event stream
 * format): each event's `data`, and the comment lines (heartbeats), with a wait for the next
 * one that matches.
 */
export type SseItem = { kind: 'event'; event: string; data: string } | { kind: 'comment'; text: string } | { kind: 'retry'; ms: number };

export type SseReader = {
  readonly status: number;
  readonly contentType: string | null;
  /** Everything received so far, in order. */
  readonly items: readonly SseItem[];
  /** Resolves with the first item after those already taken that matches, or rejects after `timeoutMs`. */
  next(matches?: (item: SseItem) => boolean, timeoutMs?: number): Promise<SseItem>;
  /** Resolves when the server ends the response. */
  readonly ended: Promise<void>;
  close(): void;
};

export async function openSse(url: string, token: string): Promise<SseReader> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
  const items: SseItem[] = [];
  let taken = 0;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  let buffer = '';
  let data: string[] = [];
  let event = 'message';
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) items.push({ kind: 'event', event, data: data.join('\n') });
      data = [];
      event = 'message';
      return;
    }
    if (text.startsWith(':')) {
      items.push({ kind: 'comment', text: text.slice(1).trim() });
      return;
    }
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'retry') items.push({ kind: 'retry', ms: Number(value) });
  };
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let index: number;
        while ((index = buffer.search(/\r\n|\n|\r/)) >= 0) {
          const newline = buffer.startsWith('\r\n', index) ? 2 : 1;
          line(buffer.slice(0, index));
          buffer = buffer.slice(index + newline);
        }
        wake();
      }
    } catch {
      // Aborted by close(): the end of the stream.
    } finally {
      wake();
    }
  })();
  let done = false;
  void ended.then(() => {
    done = true;
    wake();
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    items,
    ended,
    next(matches = () => true, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          while (taken < items.length) {
            const item = items[taken++]!;
            if (matches(item)) {
              cleanup();
              resolve(item);
              return;
            }
          }
          if (done) {
            cleanup();
            reject(new Error('the stream ended before a matching item came'));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching stream item within ${timeoutMs} ms; got ${JSON.stringify(items.slice(-5))}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      abort.abort();
    },
  };
}

/** The parsed JSON of an unnamed event, or undefined for anything else. */
export function eventData(item: SseItem): Record<string, unknown> | undefined {
  return item.kind === 'event' ? (JSON.parse(item.data) as Record<string, unknown>) : undefined;
}
