// Whether the search index has caught up, as the screens reach it through the app API: the
// `search:status` call (asked at each search) and event (the inbox's "results may be incomplete"
// hint). A standalone office's session: the index is the same as on a replicating workstation.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryFolder, ticket } from '../sync/test-support/council';
import { AppService } from './app-service';
import { ProtocolClient, until } from './test-support/protocol-client';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function workstation(): { service: AppService; screen: ProtocolClient; dataDir: string } {
  const data = temporaryFolder('ventanilla-search-status-');
  cleanups.push(() => data.remove());
  const service = new AppService({ dataDir: data.folder, mail: false });
  cleanups.push(() => service.stop());
  const holder: { screen?: ProtocolClient } = {};
  const connection = service.connect({ send: (text) => holder.screen!.receive(text), close: () => undefined });
  const screen = new ProtocolClient((text) => connection.receive(text));
  holder.screen = screen;
  return { service, screen, dataDir: data.folder };
}

/** The session's search index file, wherever the service keeps its replicas. */
function searchIndexFile(dataDir: string): string {
  const files = (readdirSync(dataDir, { recursive: true }) as string[]).filter((file) => file.endsWith('.search.sqlite'));
  if (files.length !== 1) throw new Error(`expected one search index in ${dataDir}, found ${JSON.stringify(files)}`);
  return path.join(dataDir, files[0]!);
}

describe('the search index’s status through the app API', () => {
  it('is caught up while signed out and in a fresh session, and refuses an argument', async () => {
    const { screen } = workstation();
    expect(await screen.call('search:status', {})).toEqual({ ok: true, value: { caughtUp: true } });
    expect(await screen.rawCall('search:status', { full: true })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const session = await screen.call('session:work-locally', { name: 'Oficina de Valdelobos', email: 'oficina@valdelobos.example' });
    expect(session.ok).toBe(true);
    expect(await screen.call('search:status', {})).toEqual({ ok: true, value: { caughtUp: true } });
  });

  it('tells the screens when the index falls behind the replica and when it has caught up again', async () => {
    const { service, screen, dataDir } = workstation();
    const session = await screen.call('session:work-locally', { name: 'Oficina de Valdelobos', email: 'oficina@valdelobos.example' });
    if (!session.ok) throw new Error(JSON.stringify(session));
    const db = service.session.database!;
    // Another connection holds the index's write lock: the writer cannot index (as on a full
    // disk, or while it is hours behind), and the change waits.
    const lock = new Database(searchIndexFile(dataDir));
    cleanups.push(() => {
      if (lock.open) lock.close();
    });
    lock.exec('BEGIN IMMEDIATE');
    const before = Date.now();
    const behind = screen.nextEvent('search:status', (status) => !status.caughtUp, 20_000);
    await db.tickets.insert(ticket('t-buscar-0001', before, { subject: 'Volante de empadronamiento' }));
    expect(await behind).toMatchObject({ caughtUp: false, behindSince: expect.any(Number) });
    const asked = await screen.call('search:status', {});
    if (!asked.ok) throw new Error(JSON.stringify(asked));
    expect(asked.value.caughtUp).toBe(false);
    expect(asked.value.behindSince).toBeGreaterThanOrEqual(before);
    // The search answers with what is indexed so far, and the screens know that it may be incomplete.
    expect(await screen.call('search:tickets', { text: 'empadronamiento' })).toEqual({ ok: true, value: [] });

    lock.exec('ROLLBACK');
    lock.close();
    const caughtUp = screen.nextEvent('search:status', (status) => status.caughtUp, 20_000);
    await db.tickets.insert(ticket('t-buscar-0002', Date.now(), { subject: 'Certificado de empadronamiento' }));
    expect(await caughtUp).toEqual({ caughtUp: true });
    expect(await screen.call('search:status', {})).toEqual({ ok: true, value: { caughtUp: true } });
    await until(async () => {
      const found = await screen.call('search:tickets', { text: 'empadronamiento' });
      return found.ok && found.value.length === 2;
    }, 10_000, 'both tickets found');
  });

  it('tells the screens it is caught up when the session ends', async () => {
    const { screen } = workstation();
    await screen.call('session:work-locally', { name: 'Oficina de Valdelobos', email: 'oficina@valdelobos.example' });
    const signedOut = screen.nextEvent('search:status');
    await screen.call('session:sign-out', {});
    expect(await signedOut).toEqual({ caughtUp: true });
  });
});
