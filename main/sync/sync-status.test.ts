import { describe, expect, it } from 'vitest';
import { SyncError } from './sync-errors';
import { SyncStatusTracker } from './sync-status';

function tracker() {
  let now = 1_000;
  const status = new SyncStatusTracker(() => now);
  return { status, tick: (ms: number) => (now += ms) };
}

const offline = new SyncError('offline', 'network', 'ECONNREFUSED');
const broken = new SyncError('server', 'internal', 'the server failed', 500);

describe('the sync status', () => {
  it('is offline, without a time, until the server first answers', () => {
    const { status } = tracker();
    expect(status.status).toEqual({ state: 'offline', pendingPushes: 0, liveUpdates: false, refusedPushes: 0 });
    status.succeeded('tickets:pull');
    expect(status.status).toMatchObject({ state: 'online', lastSyncAt: 1_000 });
  });

  it('keeps the time the server was first missed while it stays unreachable', () => {
    const { status, tick } = tracker();
    status.succeeded('tickets:pull');
    tick(500);
    status.failed('tickets:push', offline);
    tick(500);
    status.failed('stream', offline);
    expect(status.status).toMatchObject({ state: 'offline', offlineSince: 1_500, lastErrorCode: 'network', lastErrorDetail: 'ECONNREFUSED' });
    expect(status.status.lastError).toMatch(/^No se puede conectar/);
    status.succeeded('tickets:push');
    expect(status.status.state).toBe('online');
    expect(status.status.offlineSince).toBeUndefined();
    // The last error stays, with its time, for whoever wants to know what happened.
    expect(status.status).toMatchObject({ lastErrorCode: 'network', lastErrorAt: 2_000 });
  });

  it('is in error while a channel fails with an answer from the server, until that channel succeeds', () => {
    const { status } = tracker();
    status.failed('tickets:pull', broken);
    status.succeeded('messages:pull');
    expect(status.status.state).toBe('error');
    status.succeeded('tickets:pull');
    expect(status.status.state).toBe('online');
  });

  it('says signed out above anything else, and adds up what waits in every collection', () => {
    const { status } = tracker();
    status.setPending('tickets', 3);
    status.setPending('messages', 2);
    status.setPending('tickets', 1);
    status.setSignedOut(true, new SyncError('signed-out', 'session_expired', 'refresh refused'));
    expect(status.status).toMatchObject({ state: 'signed-out', pendingPushes: 3, lastErrorCode: 'session_expired' });
    status.setSignedOut(false);
    expect(status.status.state).toBe('offline');
  });

  it('emits only when something changed', () => {
    const { status } = tracker();
    const seen: string[] = [];
    status.status$.subscribe((value) => seen.push(value.state));
    status.setPending('tickets', 0);
    status.liveUpdates(false);
    expect(seen).toEqual(['offline']);
  });
});
