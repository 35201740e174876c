// The service's log: one line per event on stderr, as text for a person or JSON for a log
// collector. The sync status is logged when its state, error or backlog changes — not on every
// acknowledged push, which during a large push would be thousands of lines.
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
