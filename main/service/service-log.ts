// The service's log: one line per event on stderr, as text for a person or JSON for a log
// collector. The sync status is logged when its state, error or backlog changes — not on every
// acknowledged push, which during a large push would be thousands of lines. The screens' own
// lines (`log:write`) come through `createScreenLogs`, rate-limited per connection and in total.
import type { ScreenLogAnswer, ScreenLogEntry } from '../../core/app-api';
import type { SyncHandle } from '../sync/start-sync';
import type { SyncStatus } from '../sync/sync-status';

export type ServiceLogger = {
  event(name: string, fields: Record<string, unknown>): void;
  /** Logs the sync's status changes, refused changes and problems until the sync stops. */
  follow(sync: SyncHandle): void;
};

/** Pending counts are logged when they cross one of these, or reach zero. */
function backlogBucket(pending: number): number {
  if (pending === 0) return 0;
  return 10 ** Math.floor(Math.log10(pending));
}

export function createServiceLogger(format: 'text' | 'json', write: (line: string) => void): ServiceLogger {
  const event = (name: string, fields: Record<string, unknown>) => {
    const at = new Date().toISOString();
    if (format === 'json') {
      write(JSON.stringify({ at, event: name, ...fields }));
      return;
    }
    const details = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    write(`${at} ${name}${details ? ` ${details}` : ''}`);
  };
  return {
    event,
    follow(sync) {
      let last: { state: string; error?: string; bucket: number; live: boolean } | undefined;
      sync.status$.subscribe((status: SyncStatus) => {
        const now = { state: status.state, error: status.lastErrorCode, bucket: backlogBucket(status.pendingPushes), live: status.liveUpdates };
        if (last && last.state === now.state && last.error === now.error && last.bucket === now.bucket && last.live === now.live) return;
        last = now;
        event('sync', {
          state: status.state,
          pendingPushes: status.pendingPushes,
          liveUpdates: status.liveUpdates,
          offlineSince: status.offlineSince && new Date(status.offlineSince).toISOString(),
          lastSyncAt: status.lastSyncAt && new Date(status.lastSyncAt).toISOString(),
          lastErrorCode: status.lastErrorCode,
          lastError: status.state === 'online' ? undefined : status.lastErrorDetail,
          refusedPushes: status.refusedPushes || undefined,
        });
      });
      sync.refused$.subscribe(({ collection, id, error }) => event('refused', { collection, id, code: error.code, reason: error.message }));
      sync.problems$.subscribe(({ collection, error, documentIds }) => {
        if (error.code !== 'forbidden' && error.code !== 'invalid_document') event('problem', { collection, code: error.code, reason: error.message, documentIds });
      });
    },
  };
}

/**
 * How many screen lines the service writes. A screen caught in a loop (an effect that fails on
 * every render, a rejected promise per row) would otherwise write thousands of lines a second.
 *
 * Each connection (an Electron window's port, a browser tab's WebSocket) has its own budget — a
 * burst of `burst`, then `perMinute` a minute — so that one noisy window cannot silence another's
 * errors, which are the ones IT needs. And all connections together have a bounded total
 * (`totalBurst`, then `totalPerMinute`), because a page that holds the web host's secret can open
 * as many connections as it likes. What is dropped is counted and said in one line: a
 * connection's own drops when it may write again or when it closes; drops for the total when
 * the next line gets through. Neither summary can itself flood: each needs lines that passed
 * the budgets before it.
 */
export type ScreenLogOptions = {
  write: (line: string) => void;
  clock?: () => number;
  /** One connection's budget (default 20, then 30 a minute). */
  burst?: number;
  perMinute?: number;
  /** All connections' together (default 60, then 120 a minute). */
  totalBurst?: number;
  totalPerMinute?: number;
};

/** One connection's door to the service's log. */
export type ScreenLog = {
  write(entry: ScreenLogEntry): ScreenLogAnswer;
  /** The connection ended: says what it had dropped and not yet said. */
  close(): void;
};

export type ScreenLogs = {
  /** The log of connection `id` (its number, named on its lines); without one, calls made inside the service's own process. */
  open(id?: number): ScreenLog;
};

/** A token bucket: `burst` at once, refilled at `perMinute`. */
function budget(clock: () => number, burst: number, perMinute: number) {
  let tokens = burst;
  let refilledAt = clock();
  return {
    /** Whether a line may go now (and takes its token if so). */
    take(): boolean {
      const now = clock();
      tokens = Math.min(burst, tokens + ((now - refilledAt) * perMinute) / 60_000);
      refilledAt = now;
      if (tokens < 1) return false;
      tokens--;
      return true;
    },
    /** Whether a line could go now, without taking its token. */
    has(): boolean {
      const now = clock();
      return Math.min(burst, tokens + ((now - refilledAt) * perMinute) / 60_000) >= 1;
    },
  };
}

/** Control characters (line breaks included) would let a screen forge lines of the service's log. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are removed
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const oneLine = (text: string) => text.replace(CONTROL, ' ').trim();
/** A stack's frames on one line, the first ones only (the rest is the framework's). */
const stackLine = (stack: string) =>
  stack
    .split(/\r?\n/)
    .map((frame) => oneLine(frame))
    .filter(Boolean)
    .slice(0, 12)
    .join(' | ');

/** Lines dropped since the first of them (undefined when none). */
type Drops = { count: number; since: number } | undefined;

export function createScreenLogs(options: ScreenLogOptions): ScreenLogs {
  const clock = options.clock ?? Date.now;
  const burst = options.burst ?? 20;
  const perMinute = options.perMinute ?? 30;
  const totalPerMinute = options.totalPerMinute ?? 120;
  const total = budget(clock, options.totalBurst ?? 60, totalPerMinute);
  let totalDrops: Drops;
  /** The connections whose lines the total dropped, for the summary. */
  const totalDropped = new Set<number | undefined>();
  const count = (drops: Drops, now: number): Drops => (drops ? { count: drops.count + 1, since: drops.since } : { count: 1, since: now });
  const said = (drops: NonNullable<Drops>) => `${drops.count} line(s) of the screens dropped since ${new Date(drops.since).toISOString()}`;
  const summary = (text: string) => options.write(`screen warn [screen-log] ${text}`);

  return {
    open(id) {
      const own = budget(clock, burst, perMinute);
      const who = id === undefined ? '' : ` (connection ${id})`;
      let ownDrops: Drops;
      const sayOwnDrops = () => {
        if (!ownDrops) return;
        summary(`${said(ownDrops)}${who}: more than ${perMinute} a minute from one connection`);
        ownDrops = undefined;
      };
      return {
        write(entry) {
          const now = clock();
          // The connection's own budget first: a connection over it must not spend the others' total.
          if (!own.has()) {
            ownDrops = count(ownDrops, now);
            return { logged: false };
          }
          if (!total.take()) {
            totalDrops = count(totalDrops, now);
            totalDropped.add(id);
            return { logged: false };
          }
          own.take();
          if (totalDrops) {
            summary(`${said(totalDrops)} from ${totalDropped.size} connection(s): more than ${totalPerMinute} a minute from all of them`);
            totalDrops = undefined;
            totalDropped.clear();
          }
          sayOwnDrops();
          const parts = [`screen ${entry.level} [${oneLine(entry.source)}] ${oneLine(entry.message)}`];
          if (entry.repeated !== undefined && entry.repeated > 1) parts.push(`(×${entry.repeated})`);
          if (entry.route) parts.push(`at ${oneLine(entry.route)}`);
          if (who) parts.push(who.trim());
          if (entry.stack) parts.push(`stack: ${stackLine(entry.stack)}`);
          options.write(parts.join(' '));
          return { logged: true };
        },
        close: sayOwnDrops,
      };
    },
  };
}
