// The workstation's side of presence (server/presence): says what the clerk is doing on which
// ticket, repeats it while it stays true and whenever the stream (re)connects, and follows the
// server's presence stream. Online only and best effort: any failure just means "nobody shown"
// until the next attempt; nothing here may slow the clerk down or fill the log.
import type { PresenceEntry } from '../../core/app-api';
import type { FetchFunction } from '../sync/server-client';
import { serverUrlOf } from '../sync/server-client';

const ANNOUNCE_PATH = '/api/v1/presence';
const STREAM_PATH = '/api/v1/presence/stream';
const RETRY_MS = 5_000;

export type PresenceCredentials = { token: string; expiresAt: number; serverUrl: string } | undefined;

export type PresenceClientOptions = {
  fetch?: FetchFunction;
  /** The current access token and server (from the sync's session); undefined offline or local. */
  credentials: () => PresenceCredentials;
  onChange: (entries: PresenceEntry[]) => void;
  heartbeatMs?: number;
  log?: (line: string) => void;
};

function isEntry(value: unknown): value is PresenceEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.ticketId === 'string' &&
    typeof entry.userId === 'string' &&
    typeof entry.userName === 'string' &&
    (entry.activity === 'viewing' || entry.activity === 'replying') &&
    typeof entry.since === 'number'
  );
}

/** `{entries: [...]}` from the server, keeping only well-formed entries. */
export function parseEntries(value: unknown): PresenceEntry[] | undefined {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { entries?: unknown }).entries)) return undefined;
  return ((value as { entries: unknown[] }).entries).filter(isEntry);
}

export class PresenceClient {
  private current: { ticketId: string | null; activity: 'viewing' | 'replying' } = { ticketId: null, activity: 'viewing' };
  private heartbeat: NodeJS.Timeout | undefined;
  private stream: AbortController | undefined;
  private retry: NodeJS.Timeout | undefined;
  private active = false;
  private sending: Promise<void> | undefined;
  private again = false;
  /** The stream that has delivered the list: while it is up, it alone says who is where. */
  private listening: AbortController | undefined;
  private readonly fetch: FetchFunction;

  constructor(private readonly options: PresenceClientOptions) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** On while a central session is open; off it forgets everything and shows nobody. */
  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    if (active) {
      this.follow();
      this.heartbeat = setInterval(() => void this.send(), this.options.heartbeatMs ?? 15_000);
      this.heartbeat.unref();
    } else {
      this.current = { ticketId: null, activity: 'viewing' };
      this.halt();
      this.options.onChange([]);
    }
  }

  announce(ticketId: string | null, activity: 'viewing' | 'replying'): void {
    const changed = this.current.ticketId !== ticketId || this.current.activity !== activity;
    this.current = { ticketId, activity };
    if (changed && this.active) void this.send();
  }

  stop(): void {
    this.active = false;
    this.halt();
  }

  private halt(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.retry);
    this.stream?.abort();
    this.stream = undefined;
  }

  /**
   * One announcement on the wire at a time, and the last state always last: an announcement
   * asked for while another is in flight waits for it and then sends the state as it is then.
   * Two in flight could reach the server in either order and leave it with the older state
   * (say "viewing" after "replying") until the next heartbeat.
   */
  private send(): Promise<void> {
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    const run = (async () => {
      do {
        this.again = false;
        await this.sendOnce();
      } while (this.again && this.active);
    })().finally(() => {
      this.sending = undefined;
    });
    this.sending = run;
    return run;
  }

  private async sendOnce(): Promise<void> {
    const credentials = this.options.credentials();
    if (!credentials) return;
    try {
      const response = await this.fetch(serverUrlOf(credentials.serverUrl, ANNOUNCE_PATH), {
        method: 'POST',
        headers: { authorization: `Bearer ${credentials.token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(this.current),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) return void (await response.body?.cancel());
      const entries = parseEntries(await response.json());
      // The answer is the list when the server read the announcement; a stream event may have
      // arrived since with a newer one (and every change comes down the stream anyway). Only
      // without a live stream is the answer the best news there is.
      if (entries && !(this.listening && this.listening === this.stream)) this.options.onChange(entries);
    } catch {
      // Offline: the sync status says so; presence simply shows nobody new.
    }
  }

  private follow(): void {
    if (!this.active) return;
    const credentials = this.options.credentials();
    if (!credentials) {
      this.retry = setTimeout(() => this.follow(), RETRY_MS);
      this.retry.unref();
      return;
    }
    const controller = new AbortController();
    this.stream = controller;
    void this.read(credentials, controller).finally(() => {
      if (this.listening === controller) this.listening = undefined;
      if (this.stream !== controller || !this.active) return;
      this.retry = setTimeout(() => this.follow(), RETRY_MS);
      this.retry.unref();
    });
  }

  private async read(credentials: NonNullable<PresenceCredentials>, controller: AbortController): Promise<void> {
    const { signal } = controller;
    try {
      const response = await this.fetch(serverUrlOf(credentials.serverUrl, STREAM_PATH), {
        method: 'GET',
        headers: { authorization: `Bearer ${credentials.token}`, accept: 'text/event-stream' },
        signal,
      });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        return;
      }
      // A new stream means the server may have lost what this clerk is doing: it keeps presence
      // in memory only (a restart forgets it), and an announcement made while the connection was
      // down never arrived. Say it again now, not at the next heartbeat (up to 15 s later).
      void this.send();
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          if (!/^event: presence$/m.test(block) || data === '') continue;
          try {
            const entries = parseEntries(JSON.parse(data));
            if (entries) {
              this.listening = controller;
              this.options.onChange(entries);
            }
          } catch {
            // A malformed event is skipped; the next one carries the whole list again.
          }
        }
      }
    } catch {
      // Aborted, or the connection dropped: follow() tries again.
    }
  }
}
