// The proof of issue 3, against real processes on loopback: the central server (server/cli.ts)
// and each workstation (the headless service) in their own process.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../core/schemas';
import { serverDocuments, startCentralServer } from './test-support/central-server';
import { ADMIN, ANA, LUIS, ticket } from './test-support/council';
import type { Workstation } from './test-support/workstation-process';
import { useSyncFixture } from './test-support/sync-fixture';

const fixture = useSyncFixture('ventanilla-convergence-');
const workstation = (name: string, credentials: { email: string; password: string }) => fixture.workstation(name, credentials, { online: true });

const online = (status: { state: string; pendingPushes: number; liveUpdates: boolean }) => status.state === 'online' && status.pendingPushes === 0 && status.liveUpdates;

/** Waits until every workstation holds the same tickets as the server, and returns them. */
async function converged(stations: Workstation[], timeoutMs = 30_000): Promise<Ticket[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dumps = await Promise.all(stations.map((station) => station.dump<Ticket>('tickets')));
    const onServer = (await serverDocuments(fixture.server.url, ADMIN, 'tickets'))
      .map(({ _deleted: _, ...body }) => body as unknown as Ticket)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const texts = [...dumps, onServer].map((tickets) => JSON.stringify(tickets.map(sortKeys)));
    if (texts.every((text) => text === texts[0])) return onServer;
    if (Date.now() > deadline) {
      throw new Error(`no convergence within ${timeoutMs} ms:\n${texts.map((text) => `${text.slice(0, 400)}… (${text.length} characters)`).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}

describe('offline work converges', () => {
  it('keeps every edit when two clerks change the same ticket and new ones while the server is down', async () => {
    const ana = await workstation('ana', ANA);
    const luis = await workstation('luis', LUIS);
    const t0 = Date.now();
    await ana.insert('tickets', [ticket('t-shared', t0, { subject: 'Licencia de obra menor' })]);
    await converged([ana, luis]);

    // The server goes away: both notice, and keep working.
    await fixture.server.stop();
    await Promise.all([ana, luis].map((station) => station.waitForStatus((status) => status.state === 'offline' && status.offlineSince !== undefined, 20_000, 'offline')));

    // Ana changes the subject and the status; Luis the priority (another field) and, later, the
    // status too (the same field): his status wins, hers goes to the history.
    await ana.editTicket('t-shared', { subject: 'Licencia de obra menor (reforma de cocina)', status: 'open' }, t0 + 1_000, ana.userId);
    await luis.editTicket('t-shared', { priority: 'high', tags: ['urgente'] }, t0 + 1_500, luis.userId);
    await luis.editTicket('t-shared', { status: 'pending' }, t0 + 2_000, luis.userId);
    await ana.editTicket('t-shared', { tags: ['vecinos'] }, t0 + 2_500, ana.userId);
    await ana.insert('tickets', [ticket('t-ana-1', t0 + 100), ticket('t-ana-2', t0 + 200)]);
    await ana.editTicket('t-ana-1', { assigneeId: ana.userId }, t0 + 300, ana.userId);
    await luis.insert('tickets', [ticket('t-luis-1', t0 + 400)]);
    await ana.waitForStatus((status) => status.pendingPushes === 3, 10_000, 'Ana: 3 changes waiting');
    await luis.waitForStatus((status) => status.pendingPushes === 2, 10_000, 'Luis: 2 changes waiting');
    expect(ana.status).toMatchObject({ state: 'offline', lastErrorCode: 'network' });

    await fixture.server.restart();
    await Promise.all([ana, luis].map((station) => station.waitForStatus(online, 30_000, 'back online with nothing waiting')));
    const tickets = await converged([ana, luis]);

    expect(tickets.map((t) => t.id)).toEqual(['t-ana-1', 't-ana-2', 't-luis-1', 't-shared']);
    const shared = tickets.find((t) => t.id === 't-shared')!;
    expect(shared).toMatchObject({
      subject: 'Licencia de obra menor (reforma de cocina)',
      priority: 'high',
      status: 'pending',
      tags: ['urgente', 'vecinos'],
      fieldBy: { subject: ana.userId, priority: luis.userId, status: luis.userId },
    });
    // Ana's status lost to Luis's later one, and is kept in the ticket's history, with its author.
    expect(shared.history).toContainEqual({ field: 'status', value: 'open', clock: t0 + 1_000, by: ana.userId, overwrittenAt: t0 + 2_000 });
    expect(tickets.find((t) => t.id === 't-ana-1')!.assigneeId).toBe(ana.userId);
  }, 120_000);
});

describe('a server that crashes', () => {
  it('loses no acknowledged write and stores each once when killed in the middle of a large push', async () => {
    const ana = await workstation('ana', ANA);
    const t0 = Date.now();
    const count = 3_000;
    const tickets = Array.from({ length: count }, (_, i) => ticket(`t-${String(i).padStart(5, '0')}`, t0 + i, { subject: `Solicitud número ${i} ${'x'.repeat(400)}` }));
    // Written in several steps, as a clerk (or the mail ingestion) does: RxDB pushes the first
    // while the others pile up, then those in one large push of many parallel requests.
    await ana.insert('tickets', tickets, 100);
    // SIGKILL once the server has acknowledged part of the push, and before it has all of it.
    const deadline = Date.now() + 30_000;
    while ((await ana.acknowledged('tickets')).length === 0) {
      if (Date.now() > deadline) throw new Error('no push was acknowledged');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await fixture.server.kill();
    const acknowledgedBeforeKill = await ana.acknowledged('tickets');
    const waiting = await ana.waitForStatus((status) => status.state === 'offline', 20_000, 'offline after the kill');
    expect(acknowledgedBeforeKill.length).toBeGreaterThan(0);
    expect(acknowledgedBeforeKill.length).toBeLessThan(count);
    expect(waiting.pendingPushes).toBeGreaterThan(0);

    await fixture.server.restart();
    await ana.waitForStatus(online, 60_000, 'every ticket pushed after the restart');
    const onServer = await serverDocuments(fixture.server.url, ADMIN, 'tickets');
    const ids = onServer.map((document) => document.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(tickets.map((t) => t.id));
    // Every write acknowledged before the kill is there, exactly as pushed: the client never
    // pushes an acknowledged write again, so one lost by the server would be missing here.
    const held = new Map(onServer.map(({ _deleted: _, ...body }) => [body.id as string, body]));
    for (const id of acknowledgedBeforeKill) expect(held.get(id)).toEqual(tickets.find((t) => t.id === id));
    expect(await converged([ana])).toHaveLength(count);
  }, 180_000);
});

describe('the session', () => {
  it('renews a refused access token in the middle of a sync without the clerk noticing', async () => {
    const ana = await workstation('ana', ANA);
    const luis = await workstation('luis', LUIS);
    const t0 = Date.now();
    await ana.insert('tickets', Array.from({ length: 500 }, (_, i) => ticket(`t-a-${String(i).padStart(4, '0')}`, t0 + i)));
    // A restart with a new secret invalidates every access token it signed (as their expiry
    // does); refresh tokens live in its database and still work.
    await fixture.server.stop();
    await fixture.server.restart('another-secret-for-the-sync-tests-0123456789');
    const second = Array.from({ length: 500 }, (_, i) => ticket(`t-b-${String(i).padStart(4, '0')}`, t0 + i));
    await ana.insert('tickets', second);
    await ana.awaitPushed('tickets', second.map((t) => t.id));
    await Promise.all([ana, luis].map((station) => station.waitForStatus(online, 30_000, 'in sync with new tokens')));
    expect(await converged([ana, luis])).toHaveLength(1_000);
    for (const station of [ana, luis]) expect(station.statuses.some((status) => status.state === 'signed-out')).toBe(false);
  }, 120_000);

  // The server's command line takes the access tokens' life from VENTANILLA_ACCESS_TOKEN_TTL_MS.
  it('keeps syncing, without signing out, while access tokens expire every two seconds', async () => {
    await fixture.server.stop();
    fixture.server = await startCentralServer({ dataDir: path.join(fixture.folder, 'server'), accessTokenTtlMs: 2_000 });
    const ana = await workstation('ana', ANA);
    const luis = await workstation('luis', LUIS);
    const t0 = Date.now();
    for (let i = 0; i < 16; i++) {
      await ana.insert('tickets', [ticket(`t-${String(i).padStart(3, '0')}`, t0 + i)]);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await Promise.all([ana, luis].map((station) => station.waitForStatus(online, 30_000, 'in sync')));
    expect(await converged([ana, luis])).toHaveLength(16);
    for (const station of [ana, luis]) expect(station.statuses.some((status) => status.state === 'signed-out' || status.state === 'error')).toBe(false);
  }, 120_000);
});
