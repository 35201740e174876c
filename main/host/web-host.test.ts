// The web host relays the protocol between a page's WebSocket and the service process, serves
// the built screens, and refuses the rest (the browser-level refusals are e2e/security.spec.ts).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SECRET_SUBPROTOCOL_PREFIX, WEB_SUBPROTOCOL } from '../../core/app-api/protocol';
import { temporaryFolder } from '../sync/test-support/council';
import { ProtocolClient, until } from './test-support/protocol-client';
import { nodeBundleConfig, projectFile, SERVICE_INPUT } from './node-bundle';
import { startWebHost, upgradeRefusal, type WebHost, type WebHostOptions } from './web-host';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const hosts: WebHost[] = [];
const folders: { remove(): void }[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const folder of folders.splice(0)) folder.remove();
});

async function host(options: Partial<WebHostOptions> = {}): Promise<WebHost> {
  const folder = temporaryFolder('ventanilla-web-host-');
  folders.push(folder);
  const renderer = path.join(folder.folder, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Ventanilla</title>');
  writeFileSync(path.join(renderer, 'assets', 'app-1.js'), 'console.log(1)');
  const started = await startWebHost({ dataDir: path.join(folder.folder, 'data'), rendererDir: renderer, ...options });
  hosts.push(started);
  return started;
}

function connect(started: WebHost): Promise<{ client: ProtocolClient; socket: WebSocket }> {
  const socket = new WebSocket(`ws://127.0.0.1:${started.port}/ws`, [WEB_SUBPROTOCOL, `${SECRET_SUBPROTOCOL_PREFIX}${started.secret}`], { origin: started.origin });
  const client = new ProtocolClient((text) => socket.send(text));
  socket.on('message', (data) => client.receive(data.toString()));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ client, socket }));
    socket.once('error', reject);
  });
}

const request = (headers: Record<string, string>, url = '/ws') => ({ headers, url }) as unknown as IncomingMessage;

describe('the web host', () => {
  it('lets a WebSocket through only with its Host, its Origin, the subprotocol and the secret', () => {
    const ok = { host: '127.0.0.1:4780', origin: 'http://127.0.0.1:4780', 'sec-websocket-protocol': `${WEB_SUBPROTOCOL}, ${SECRET_SUBPROTOCOL_PREFIX}s3cret` };
    expect(upgradeRefusal(request(ok), 4780, 's3cret')).toBeUndefined();
    expect(upgradeRefusal(request({ ...ok, host: 'localhost:4780', origin: 'http://localhost:4780' }), 4780, 's3cret')).toBeUndefined();
    expect(upgradeRefusal(request({ ...ok, host: 'rebound.example:4780' }), 4780, 's3cret')?.status).toBe(421);
    expect(upgradeRefusal(request({ ...ok, origin: 'http://localhost:4780' }), 4780, 's3cret')?.status).toBe(403);
    expect(upgradeRefusal(request({ ...ok, 'sec-websocket-protocol': `${WEB_SUBPROTOCOL}, ${SECRET_SUBPROTOCOL_PREFIX}other` }), 4780, 's3cret')?.status).toBe(401);
    expect(upgradeRefusal(request({ ...ok, 'sec-websocket-protocol': `${SECRET_SUBPROTOCOL_PREFIX}s3cret` }), 4780, 's3cret')?.status).toBe(400);
    expect(upgradeRefusal(request(ok, '/other'), 4780, 's3cret')?.status).toBe(404);
  });

  it('serves the screens, the app for any route, and nothing outside their folder', async () => {
    const started = await host();
    const page = await fetch(`${started.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<title>Ventanilla</title>');
    expect((await fetch(`${started.origin}/inbox/mine`)).status).toBe(200);
    expect((await fetch(`${started.origin}/assets/app-1.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${started.origin}/assets/..%2f..%2fdata%2fworkstation-host.json`)).status).toBe(403);
    expect((await fetch(`${started.origin}/`, { method: 'POST' })).status).toBe(405);
  });

  it('carries app calls and the remote storage between a page and the service process', async () => {
    const started = await host();
    const { client, socket } = await connect(started);
    const session = await client.call('session:work-locally', { name: 'Ana', email: 'ana@local.example' });
    if (!session.ok || session.value.state !== 'signed-in') throw new Error('not signed in');
    const db = await client.openDatabase(session.value.databaseName);
    await db.users.findOne(session.value.user.id).exec();
    expect((await db.users.findOne(session.value.user.id).exec())?.name).toBe('Ana');
    await db.close();
    socket.close();
  });

  it('closes the pages sockets at once when the service process dies, and starts a new service they can reconnect to', async () => {
    const started = await host();
    const { socket } = await connect(started);
    let closed: number | undefined;
    socket.on('close', (code) => (closed = code));
    const first = started.servicePid!;
    process.kill(first, 'SIGKILL');
    await until(() => closed !== undefined, 10_000, 'the socket closing');
    expect(closed).toBe(1011);
    await until(() => started.servicePid !== first, 30_000, 'a new service');
    let again: Awaited<ReturnType<typeof connect>> | undefined;
    await until(async () => (again = await connect(started).catch(() => undefined)) !== undefined, 30_000, 'reconnecting');
    expect(await again!.client.call('session:get', {})).toEqual({ ok: true, value: { state: 'signed-out' } });
    again!.socket.close();
  });

  it('runs the built service under plain node, without a TypeScript loader, as on a clerk PC', async () => {
    // Inside the project, as out/host is: the bundle finds its packages in node_modules from there.
    mkdirSync(path.join(ROOT, 'out'), { recursive: true });
    const folder = mkdtempSync(path.join(ROOT, 'out', 'host-test-'));
    const bundle = { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
    folders.push(bundle);
    await build({ ...nodeBundleConfig({ outDir: bundle.folder, input: { 'web-host.cli': projectFile('main/host/web-host.cli.ts'), ...SERVICE_INPUT } }), logLevel: 'silent' });
    const started = await host({ serviceFrom: 'bundle', serviceBundleDir: bundle.folder });
    expect(started.serviceFrom).toBe('bundle');
    const command = readFileSync(`/proc/${started.servicePid}/cmdline`, 'utf8').split('\0');
    expect(command).toContain(path.join(bundle.folder, 'service-process.js'));
    expect(command.join(' ')).not.toMatch(/tsx/);
    const { client, socket } = await connect(started);
    const session = await client.call('session:work-locally', { name: 'Ana', email: 'ana@local.example' });
    expect(session).toMatchObject({ ok: true, value: { state: 'signed-in' } });
    socket.close();
  }, 60_000);
});
