// The service's log: one line per event on stderr, as text for a person or JSON for a log
// collector. The sync status is logged when its state, error or backlog changes — not on every
// acknowledged push, which during a large push would be thousands of lines. The screens' own
// lines (`log:write`) come through `createScreenLog`, rate-limited.
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
 * How many screen lines the service writes: a burst of `burst`, then `perMinute` a minute. A
 * screen caught in a loop (an effect that fails on every render, a rejected promise per row)
 * would otherwise write thousands of lines a second; what is dropped is counted and said once
 * the screen may write again. One budget for every screen of the service: in the app that is one
 * window, in the web host the tabs of one clerk.
 */
export type ScreenLogOptions = { write: (line: string) => void; clock?: () => number; burst?: number; perMinute?: number };

export type ScreenLog = { write(entry: ScreenLogEntry): ScreenLogAnswer };

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

export function createScreenLog(options: ScreenLogOptions): ScreenLog {
  const clock = options.clock ?? Date.now;
  const burst = options.burst ?? 20;
  const perMs = (options.perMinute ?? 30) / 60_000;
  let tokens = burst;
  let refilledAt = clock();
  let dropped = 0;
  let droppedSince = 0;
  return {
    write(entry) {
      const now = clock();
      tokens = Math.min(burst, tokens + (now - refilledAt) * perMs);
      refilledAt = now;
      if (tokens < 1) {
        if (dropped === 0) droppedSince = now;
        dropped++;
        return { logged: false };
      }
      tokens--;
      if (dropped > 0) {
        options.write(`screen warn [screen-log] ${dropped} line(s) of the screens dropped since ${new Date(droppedSince).toISOString()}: more than ${options.perMinute ?? 30} a minute`);
        dropped = 0;
      }
      const parts = [`screen ${entry.level} [${oneLine(entry.source)}] ${oneLine(entry.message)}`];
      if (entry.repeated !== undefined && entry.repeated > 1) parts.push(`(×${entry.repeated})`);
      if (entry.route) parts.push(`at ${oneLine(entry.route)}`);
      if (entry.stack) parts.push(`stack: ${stackLine(entry.stack)}`);
      options.write(parts.join(' '));
      return { logged: true };
    },
  };
}
