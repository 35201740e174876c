// The workstation's sync against the real central server (server/cli.ts in a child process),
// each workstation in its own process (test-support/workstation-process.ts).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pushAs, serverDocuments, setPassword } from './test-support/central-server';
import { ADMIN, ANA, LUIS, ticket } from './test-support/council';
import { startWorkstation } from './test-support/workstation-process';
import { fastRetries, useSyncFixture } from './test-support/sync-fixture';

const fixture = useSyncFixture('ventanilla-sync-');
const workstations = fixture.workstations;

const workstation = (name: string, credentials: { email: string; password: string }) => fixture.workstation(name, credentials);

describe('the sync of a workstation', () => {
  it('pushes a new ticket to the server and another workstation receives it live', async () => {
    const ana = await workstation('ana', ANA);
    const luis = await workstation('luis', LUIS);
    await ana.waitForStatus((status) => status.state === 'online' && status.liveUpdates, 20_000, 'Ana online');
    await luis.waitForStatus((status) => status.state === 'online' && status.liveUpdates, 20_000, 'Luis online');
    // The users and the department arrive by replication.
    expect((await ana.dump('departments')).map((department) => department.id)).toEqual(['padron', 'urbanismo']);

    const now = Date.now();
    await ana.insert('tickets', [ticket('t-0001', now)]);
    await ana.awaitPushed('tickets', ['t-0001']);
    const started = Date.now();
    for (;;) {
      const tickets = await luis.dump('tickets');
      if (tickets.length === 1) break;
      if (Date.now() - started > 10_000) throw new Error('Luis never received the ticket');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await luis.dump('tickets')).toEqual(await ana.dump('tickets'));
    const onServer = await serverDocuments(fixture.server.url, ADMIN, 'tickets');
    expect(onServer.map(({ _deleted, ...body }) => ({ ...body, _deleted }))).toEqual((await ana.dump('tickets')).map((body) => ({ ...body, _deleted: false })));
  }, 60_000);
});

describe('checkpoints', () => {
  it('pages a first replica through checkpoints whose ids need escaping in a URL', async () => {
    const ana = await workstation('ana', ANA);
    await ana.waitForStatus((status) => status.state === 'online', 20_000, 'online');
    const ids = ['a&b=c', 'año-ñu', 'dos palabras', 'emoji-😀', 'hash#1', 'mas+menos', 'pregunta?x', 'slash/barra', 'ü%20'];
    const now = Date.now();
    // One write: the server gives all of them one updatedAt, so the ids alone order the pages.
    await ana.insert('tickets', ids.map((id) => ticket(id, now)));
    await ana.awaitPushed('tickets', ids);
    const luis = await startWorkstation({ dataDir: path.join(fixture.folder, 'luis'), serverUrl: fixture.server.url, ...LUIS, ...fastRetries, pullBatchSize: 2 });
    workstations.push(luis);
    await luis.waitForStatus((status) => status.state === 'online' && status.liveUpdates, 20_000, 'online');
    await luis.awaitInSync();
    expect((await luis.dump('tickets')).map((document) => document.id)).toEqual([...ids].sort());
  }, 60_000);
});

describe('the sync status', () => {
  it('says offline since when, counts the changes waiting, and comes back online by itself', async () => {
    const ana = await workstation('ana', ANA);
    await ana.waitForStatus((status) => status.state === 'online' && status.liveUpdates, 20_000, 'online');
    const before = Date.now();
    await fixture.server.stop();
    const offline = await ana.waitForStatus((status) => status.state === 'offline' && status.offlineSince !== undefined, 20_000, 'offline');
    expect(offline.offlineSince).toBeGreaterThanOrEqual(before);
    expect(offline.liveUpdates).toBe(false);
    // A server that is shutting down answers 503 for a moment; one that is gone, nothing.
    expect(['unavailable', 'network']).toContain(offline.lastErrorCode);
    expect(offline.lastError).toMatch(/servidor central/);

    const now = Date.now();
    await ana.insert('tickets', [ticket('t-1', now), ticket('t-2', now), ticket('t-3', now)]);
    await ana.editTicket('t-1', { status: 'open' }, now + 1, ana.userId);
    const waiting = await ana.waitForStatus((status) => status.pendingPushes === 3, 10_000, 'three changes waiting');
    expect(waiting).toMatchObject({ state: 'offline', offlineSince: offline.offlineSince });

    await fixture.server.restart();
    const back = await ana.waitForStatus((status) => status.state === 'online' && status.pendingPushes === 0 && status.liveUpdates, 20_000, 'back online');
    expect(back.offlineSince).toBeUndefined();
    expect(back.lastSyncAt).toBeGreaterThan(now);
    const held = (await serverDocuments(fixture.server.url, ADMIN, 'tickets')).map((document) => `${String(document.id)} ${String(document.status)}`);
    expect(held.sort()).toEqual(['t-1 open', 't-2 new', 't-3 new']);
  }, 60_000);

  it('sets aside a change the server refuses, says so, and lets the others through', async () => {
    const ana = await workstation('ana', ANA);
    await ana.waitForStatus((status) => status.state === 'online', 20_000, 'online');
    const now = Date.now();
    // Departments are written by administrators only: the server refuses Ana's (403).
    await ana.insert('departments', [{ id: 'padron', name: 'Padrón', code: 'PAD', mailAliases: [], sla: {}, assignmentMode: 'manual', active: true, createdAt: now, updatedAt: now }]);
    await ana.insert('tickets', [ticket('t-after', now)]);
    const refused = await ana.waitForStatus((status) => status.refusedPushes === 1, 20_000, 'the refusal');
    expect(refused.lastErrorCode).toBe('forbidden');
    expect(refused.lastError).toMatch(/fuera de sus permisos/);
    expect(await ana.refused()).toEqual([{ collection: 'departments', id: 'padron', code: 'forbidden' }]);
    await ana.awaitPushed('tickets', ['t-after']);
    await ana.waitForStatus((status) => status.state === 'online' && status.pendingPushes === 0, 20_000, 'nothing left waiting');
    expect((await serverDocuments(fixture.server.url, ADMIN, 'tickets')).map((document) => document.id)).toEqual(['t-after']);
    expect((await serverDocuments(fixture.server.url, ADMIN, 'departments')).map((document) => document.id).sort()).toEqual(['padron', 'urbanismo']);
  }, 60_000);

  it("sets aside the edit of a ticket that left the clerk's department while she was offline, and pushes her other work", async () => {
    const dataDir = path.join(fixture.folder, 'ana');
    let ana = await workstation('ana', ANA);
    await ana.waitForStatus((status) => status.state === 'online', 20_000, 'online');
    const t0 = Date.now();
    await ana.insert('tickets', [ticket('t-moved', t0)]);
    await ana.awaitPushed('tickets', ['t-moved']);

    await fixture.server.stop();
    await ana.waitForStatus((status) => status.state === 'offline', 20_000, 'offline');
    await ana.editTicket('t-moved', { status: 'open' }, t0 + 1_000, ana.userId);
    await ana.insert('tickets', [1, 2, 3, 4, 5].map((n) => ticket(`t-new-${n}`, t0 + n)));
    await ana.waitForStatus((status) => status.pendingPushes === 6, 10_000, 'six changes waiting');
    await ana.stop();
    workstations.splice(workstations.indexOf(ana), 1);

    // Meanwhile an administrator routes the ticket to Padrón, out of Ana's reach.
    await fixture.server.restart();
    const [stored] = (await serverDocuments(fixture.server.url, ADMIN, 'tickets')).filter((document) => document.id === 't-moved');
    await pushAs(fixture.server.url, ADMIN, 'tickets', [{ assumedMasterState: stored!, newDocumentState: { ...stored!, departmentId: 'padron', updatedAt: t0 + 500 } }]);

    ana = await startWorkstation({ dataDir, serverUrl: fixture.server.url, ...ANA, ...fastRetries });
    workstations.push(ana);
    await ana.waitForStatus((status) => status.refusedPushes === 1 && status.pendingPushes === 0 && status.state === 'online', 30_000, 'the refusal set aside');
    expect(await ana.refused()).toEqual([{ collection: 'tickets', id: 't-moved', code: 'forbidden' }]);
    const held = await serverDocuments(fixture.server.url, ADMIN, 'tickets');
    expect(held.map((document) => document.id).sort()).toEqual(['t-moved', 't-new-1', 't-new-2', 't-new-3', 't-new-4', 't-new-5']);
    expect(held.find((document) => document.id === 't-moved')).toMatchObject({ departmentId: 'padron', status: 'new' });
  }, 90_000);

  it('signs out when the server refuses the session and the password, and resumes after a new sign-in', async () => {
    const ana = await workstation('ana', ANA);
    await ana.waitForStatus((status) => status.state === 'online', 20_000, 'online');
    // An administrator changes Ana's password (which ends her sessions) while the server is
    // down; her access token is refused after the restart (a new secret), her refresh token was
    // revoked, and her old password no longer works.
    await fixture.server.stop();
    await setPassword(path.join(fixture.folder, 'server'), ANA.email, 'la nueva contraseña de Ana');
    await fixture.server.restart('another-secret-for-the-sync-tests-0123456789');
    const signedOut = await ana.waitForStatus((status) => status.state === 'signed-out', 20_000, 'signed out');
    expect(signedOut.lastErrorCode).toBe('invalid_credentials');
    expect(signedOut.lastError).toMatch(/Vuelva a iniciar sesión/);

    // The clerk keeps working, and signs in again.
    await ana.insert('tickets', [ticket('t-meanwhile', Date.now())]);
    await ana.signIn('la nueva contraseña de Ana');
    await ana.waitForStatus((status) => status.state === 'online' && status.pendingPushes === 0, 20_000, 'online again');
    expect((await serverDocuments(fixture.server.url, ADMIN, 'tickets')).map((document) => document.id)).toEqual(['t-meanwhile']);
  }, 60_000);
});
