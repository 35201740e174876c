// The workstation service as the screens reach it — the app API and the remote storage over the
// protocol — against the project's real central server on loopback.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../core/app-api';
import { freePort } from './central-server-process';
import { ANA, COUNCIL, ticket, temporaryFolder } from '../sync/test-support/council';
import { AppService } from './app-service';
import { councilServer } from './test-support/council-server';
import { ProtocolClient, until } from './test-support/protocol-client';

const central = councilServer('host');
const { services, folders } = central;
let notVentanilla: Server;
let notVentanillaUrl: string;

beforeAll(async () => {
  // A web server that is not Ventanilla: what a mistyped address often reaches.
  notVentanilla = createServer((_request, response) => response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>'));
  await new Promise<void>((resolve) => notVentanilla.listen(0, '127.0.0.1', resolve));
  notVentanillaUrl = `http://127.0.0.1:${(notVentanilla.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => notVentanilla?.close(resolve));
});

/** A service on a data folder, and a screen connected to it in the same process. */
function workstation(dataDir?: string): { service: AppService; screen: ProtocolClient; dataDir: string } {
  let folder = dataDir;
  if (!folder) {
    const made = temporaryFolder('ventanilla-host-');
    folders.push(made);
    folder = made.folder;
  }
  const service = new AppService({ dataDir: folder });
  services.push(service);
  const holder: { screen?: ProtocolClient } = {};
  const connection = service.connect({ send: (text) => holder.screen!.receive(text), close: () => undefined });
  const screen = new ProtocolClient((text) => connection.receive(text));
  holder.screen = screen;
  return { service, screen, dataDir: folder };
}

const signedIn = (session: Session) => session.state === 'signed-in';

describe('signing in from the sign-in screen', () => {
  it('signs in against the central server, and the screen sees the replica fill through the remote storage', async () => {
    const { screen } = workstation();
    const answer = await screen.call('session:sign-in', { serverUrl: `${central.server.url}/`, ...ANA });
    expect(answer.ok).toBe(true);
    if (!answer.ok || answer.value.state !== 'signed-in') throw new Error('not signed in');
    expect(answer.value).toMatchObject({ mode: 'central', serverUrl: central.server.url, user: { email: ANA.email, name: 'Ana Pérez', role: 'clerk', departmentIds: ['urbanismo'] } });
    await screen.nextEvent('session', signedIn);

    const db = await screen.openDatabase(answer.value.databaseName);
    try {
      await until(async () => (await db.users.count().exec()) === COUNCIL.users.length, 30_000, 'the users replicated');
      // A write of the screen goes through the service to the central.server.
      await db.tickets.insert(ticket('t-from-screen', Date.now(), { subject: 'Cita para empadronamiento' }));
      await screen.nextEvent('sync:status', (status) => status.state === 'online' && status.pendingPushes === 0);
      // The search index follows committed changes from its own thread: searchable shortly after.
      const found = async () => {
        const hits = await screen.call('search:tickets', { text: 'empadronamiento' });
        return hits.ok ? hits.value.map((hit) => hit.ticketId) : [];
      };
      await until(async () => (await found()).length > 0, 30_000, 'the ticket searchable');
      expect(await found()).toEqual(['t-from-screen']);
    } finally {
      await db.close();
    }
  });

  it('says the password is wrong when the server refuses it', async () => {
    const { screen } = workstation();
    const answer = await screen.call('session:sign-in', { serverUrl: central.server.url, email: ANA.email, password: 'no es esta' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
    expect((await screen.call('session:get', {})).ok && (await screen.call('session:get', {}))).toMatchObject({ value: { state: 'signed-out' } });
  });

  it('says the address is wrong when it is not a server address or answers as something else', async () => {
    const { screen } = workstation();
    const malformed = await screen.call('session:sign-in', { serverUrl: 'ftp://ayto.example', ...ANA });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'bad_server_address' } });
    const other = await screen.call('session:sign-in', { serverUrl: notVentanillaUrl, ...ANA });
    expect(other).toMatchObject({ ok: false, error: { code: 'bad_server_address' } });
    if (!other.ok) expect(other.error.message).toContain('no es un servidor de Ventanilla');
  });

  it('says the server cannot be reached when nothing answers', async () => {
    const { screen } = workstation();
    const answer = await screen.call('session:sign-in', { serverUrl: `http://127.0.0.1:${await freePort()}`, ...ANA });
    expect(answer).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
  });

  it('starts where the clerk left off: the next start reopens the session without the password, and sign-out remembers the server', async () => {
    const first = workstation();
    const signIn = await first.screen.call('session:sign-in', { serverUrl: central.server.url, ...ANA });
    expect(signIn.ok).toBe(true);
    await first.service.stop();
    services.splice(services.indexOf(first.service), 1);

    const again = workstation(first.dataDir);
    await again.service.start();
    const session = await again.screen.call('session:get', {});
    expect(session).toMatchObject({ ok: true, value: { state: 'signed-in', mode: 'central', user: { email: ANA.email } } });
    await until(async () => {
      const status = await again.screen.call('sync:status', {});
      return status.ok && status.value.state === 'online';
    }, 30_000, 'the reopened session syncing');

    const out = await again.screen.call('session:sign-out', {});
    expect(out).toEqual({ ok: true, value: { state: 'signed-out', lastServerUrl: central.server.url } });
    expect(await again.screen.call('sync:status', {})).toMatchObject({ ok: true, value: { state: 'signed-out' } });
  });

  it('works on this PC only, with no server: the clerk is in their own database and nothing syncs', async () => {
    const { screen } = workstation();
    const answer = await screen.call('session:work-locally', { name: 'Oficina de Valdelobos', email: 'oficina@valdelobos.example' });
    if (!answer.ok || answer.value.state !== 'signed-in') throw new Error(`not signed in: ${JSON.stringify(answer)}`);
    expect(answer.value.mode).toBe('local');
    expect(await screen.call('sync:status', {})).toMatchObject({ ok: true, value: { state: 'local-only' } });
    const db = await screen.openDatabase(answer.value.databaseName);
    try {
      expect((await db.users.findOne(answer.value.user.id).exec())?.name).toBe('Oficina de Valdelobos');
    } finally {
      await db.close();
    }
  });
});

describe('what the service accepts from a screen', () => {
  it('refuses an unknown channel and an argument that breaks its schema, saying why', async () => {
    const { screen } = workstation();
    expect(await screen.rawCall('session:delete-everything', {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const extra = await screen.rawCall('session:sign-in', { serverUrl: central.server.url, ...ANA, admin: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('"admin"') } });
    const secret = await screen.rawCall('session:sign-in', { serverUrl: central.server.url, email: ANA.email, password: 42 });
    if (secret.ok) throw new Error('accepted');
    expect(secret.error.message).not.toContain('42');
    expect(await screen.rawCall('search:tickets', { text: 'x', limit: 100_000 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await screen.rawCall('search:tickets', { text: 'licencia' })).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
  });

  it('hangs up on a screen that keeps sending malformed messages', async () => {
    const folder = temporaryFolder('ventanilla-host-');
    folders.push(folder);
    const service = new AppService({ dataDir: folder.folder });
    services.push(service);
    let hungUp = '';
    const connection = service.connect({ send: () => undefined, close: (reason) => (hungUp = reason) });
    for (let i = 0; i < 25; i++) connection.receive(i % 2 ? '{"t":"call"}' : 'not json');
    expect(hungUp).toBe('too many malformed messages');
  });

  it('refuses remove, cleanup and unknown collections over the remote storage, and the data stays', async () => {
    const { screen } = workstation();
    const answer = await screen.call('session:work-locally', { name: 'Ana', email: 'ana@local.example' });
    if (!answer.ok || answer.value.state !== 'signed-in') throw new Error('not signed in');
    const name = answer.value.databaseName;
    const db = await screen.openDatabase(name);
    try {
      await db.tickets.insert(ticket('t-keep', Date.now()));
      const instance = db.tickets.storageInstance;
      await expect(instance.cleanup(0)).rejects.toThrow(/does not let the screens call cleanup/);
      // RxDB's remove() sends `remove` over the channel; the service refuses it.
      const channel = screen.storageChannel();
      const answers: unknown[] = [];
      const subscription = channel.messages$.subscribe((message) => answers.push(message));
      channel.send({ connectionId: 'c1', requestId: 'r1', method: 'remove', version: 'x', params: [] } as never);
      channel.send({ connectionId: 'c1', requestId: 'r2', method: 'create', version: 'x', params: { databaseName: name, collectionName: 'secrets' } } as never);
      await until(() => answers.length === 2, 5_000, 'two answers');
      subscription.unsubscribe();
      expect(answers).toMatchObject([
        { answerTo: 'r1', error: { message: expect.stringContaining('remove') } },
        { answerTo: 'r2', error: { message: expect.stringContaining('no collection "secrets"') } },
      ]);
      expect(await db.tickets.count().exec()).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('refuses a document that breaks its schema, written by a screen over the remote storage', async () => {
    const { screen } = workstation();
    const answer = await screen.call('session:work-locally', { name: 'Ana', email: 'ana@local.example' });
    if (!answer.ok || answer.value.state !== 'signed-in') throw new Error('not signed in');
    const db = await screen.openDatabase(answer.value.databaseName);
    try {
      // The screens run without RxDB's validation (no ajv under their CSP): the service validates.
      await expect(db.tickets.insert({ ...ticket('t-bad', Date.now()), status: 'perdido' as never })).rejects.toThrow();
      expect(await db.tickets.count().exec()).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('ends the storage channels when the clerk signs out, so no screen keeps a dead database', async () => {
    const { screen } = workstation();
    const answer = await screen.call('session:work-locally', { name: 'Ana', email: 'ana@local.example' });
    if (!answer.ok || answer.value.state !== 'signed-in') throw new Error('not signed in');
    const db = await screen.openDatabase(answer.value.databaseName);
    await screen.call('session:sign-out', {});
    expect(screen.closedChannels.length).toBeGreaterThan(0);
    expect(screen.closedChannels[0]!.reason).toMatch(/database of the session changed/);
    await db.close().catch(() => undefined);
  });
});
