// Signing out ends the session on the central server: the refresh token is revoked at once when
// the server answers, and at the next chance when it does not (the clerk may sign out offline).
// Against the project's real central server process, stopped and restarted on the same port.
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS, type AuthTokens } from '../../core/sync';
import { releaseWorkstation } from '../sync/test-support/central-server';
import { ANA, LUIS, temporaryFolder } from '../sync/test-support/council';
import type { SecretBox } from '../mail';
import { AppService } from './app-service';
import { mailSecretBoxes } from './mail/shell-secrets';
import { readTokens } from './host-state';
import { plainSessionVault } from './session-vault';
import { councilServer } from './test-support/council-server';
import { ProtocolClient, until } from './test-support/protocol-client';
import { TokenRevocations } from './token-revocation';

const central = councilServer('sign-out');
const { services, folders } = central;

afterEach(async () => {
  if (!central.server.running) await central.server.restart();
});

/** A workstation service on a data folder (a new one unless given), and a screen on it. */
function workstation(dataDir?: string, secrets?: (folder: string) => SecretBox) {
  let folder = dataDir;
  if (!folder) {
    const made = temporaryFolder('ventanilla-sign-out-');
    folders.push(made);
    folder = made.folder;
  }
  const service = new AppService({ dataDir: folder, mail: false, ...(secrets && { secrets }), revocation: { retryMs: 200, maxRetryMs: 400, timeoutMs: 2_000 } });
  services.push(service);
  const holder: { screen?: ProtocolClient } = {};
  const connection = service.connect({ send: (text) => holder.screen!.receive(text), close: () => undefined });
  const screen = new ProtocolClient((text) => connection.receive(text));
  holder.screen = screen;
  return { service, screen, dataDir: folder };
}

/** Signs in from the screen and answers the tokens the workstation keeps. */
async function signIn(screen: ProtocolClient, dataDir: string, credentials: { email: string; password: string }): Promise<AuthTokens> {
  const answer = await screen.call('session:sign-in', { serverUrl: central.server.url, ...credentials });
  if (!answer.ok || answer.value.state !== 'signed-in') throw new Error(`not signed in: ${JSON.stringify(answer)}`);
  const tokens = readTokens(plainSessionVault(dataDir), answer.value.user.id);
  if (!tokens) throw new Error('no tokens kept');
  return tokens;
}

/** What the server answers to a refresh with this token: 200 while the session lives, 401 once revoked. */
async function refreshStatus(refreshToken: string): Promise<number> {
  const response = await fetch(`${central.server.url}${API_PATHS.refresh}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
  await response.body?.cancel();
  return response.status;
}

const pendingFile = (dataDir: string) => path.join(dataDir, 'pending-revocations.json');

describe('signing out', () => {
  it('revokes the refresh token on the server when online, and forgets the tokens here', async () => {
    const { screen, dataDir } = workstation();
    const tokens = await signIn(screen, dataDir, ANA);

    expect(await screen.call('session:sign-out', {})).toMatchObject({ ok: true, value: { state: 'signed-out' } });
    // The answer came after the server revoked it: no waiting here.
    expect(await refreshStatus(tokens.refreshToken)).toBe(401);
    expect(existsSync(path.join(dataDir, 'session-tokens.json'))).toBe(false);
    expect(existsSync(pendingFile(dataDir))).toBe(false);
  });

  it('keeps the token when the server cannot be reached, and revokes it as soon as the server is back', async () => {
    const { screen, dataDir } = workstation();
    const tokens = await signIn(screen, dataDir, ANA);
    await central.server.stop();

    expect(await screen.call('session:sign-out', {})).toMatchObject({ ok: true, value: { state: 'signed-out' } });
    expect(existsSync(path.join(dataDir, 'session-tokens.json'))).toBe(false);
    await until(() => existsSync(pendingFile(dataDir)), 5_000, 'the revocation kept for later');

    await central.server.restart();
    await until(() => !existsSync(pendingFile(dataDir)), 15_000, 'the kept revocation sent');
    expect(await refreshStatus(tokens.refreshToken)).toBe(401);
  });

  it('sends at the next start a sign-out that could not reach the server before the workstation stopped', async () => {
    const first = workstation();
    const tokens = await signIn(first.screen, first.dataDir, ANA);
    await central.server.stop();
    await first.screen.call('session:sign-out', {});
    await first.service.stop();
    services.splice(services.indexOf(first.service), 1);
    expect(existsSync(pendingFile(first.dataDir))).toBe(true);

    await central.server.restart();
    // The token would still work: nothing has revoked it yet.
    const again = workstation(first.dataDir);
    await again.service.start();
    await until(() => !existsSync(pendingFile(first.dataDir)), 15_000, 'the revocation sent at start');
    expect(await refreshStatus(tokens.refreshToken)).toBe(401);
    expect(await again.screen.call('session:get', {})).toMatchObject({ ok: true, value: { state: 'signed-out' } });
  });

  it('ends the session of the clerk before when another clerk signs in on the same workstation', async () => {
    const { screen, dataDir } = workstation();
    const ana = await signIn(screen, dataDir, ANA);
    const luis = await signIn(screen, dataDir, LUIS);
    // Checked once: a refresh that succeeds spends the token, so polling would pass by itself.
    expect(await refreshStatus(ana.refreshToken)).toBe(401);
    expect(existsSync(pendingFile(dataDir))).toBe(false);
    // Luis's session is his own and lives on (a refresh spends his token, so sign him out after).
    expect(await refreshStatus(luis.refreshToken)).toBe(200);
  });
});

describe('the session tokens sealed with the keychain key (the app)', () => {
  const boxes = (key: Buffer) => mailSecretBoxes({ type: 'mail-secrets', key: key.toString('base64') }, () => undefined);
  const onDisk = (dataDir: string) =>
    readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.endsWith('.sqlite') && !entry.name.includes('.sqlite-'))
      .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'latin1'))
      .join('\n');
  const syncState = async (screen: ProtocolClient) => {
    const answer = await screen.call('sync:status', {});
    return answer.ok ? answer.value.state : 'error';
  };

  it('reopens the session at the next start with the same key, with no token in the clear on disk', async () => {
    const key = randomBytes(32);
    const first = workstation(undefined, boxes(key));
    const answer = await first.screen.call('session:sign-in', { serverUrl: central.server.url, ...ANA });
    if (!answer.ok || answer.value.state !== 'signed-in') throw new Error(`not signed in: ${JSON.stringify(answer)}`);
    expect(existsSync(path.join(first.dataDir, 'session-tokens.json'))).toBe(false);
    const tokens = readTokens(first.service.session.vault, answer.value.user.id);
    if (!tokens) throw new Error('no tokens kept');
    expect(onDisk(first.dataDir)).not.toContain(tokens.refreshToken);
    await first.service.stop();
    services.splice(services.indexOf(first.service), 1);

    const again = workstation(first.dataDir, boxes(key));
    await again.service.start();
    await until(async () => (await syncState(again.screen)) === 'online', 20_000, 'the sync online again with the sealed tokens');
  });

  it('asks the clerk to sign in again when the key has changed, and never fails to start; the id the lost key proved waits for an administrator', async () => {
    const first = workstation(undefined, boxes(randomBytes(32)));
    const signedIn = await first.screen.call('session:sign-in', { serverUrl: central.server.url, ...ANA });
    if (!signedIn.ok || signedIn.value.state !== 'signed-in') throw new Error(`not signed in: ${JSON.stringify(signedIn)}`);
    const databaseName = signedIn.value.databaseName;
    await first.service.stop();
    services.splice(services.indexOf(first.service), 1);

    // The keychain was reset: the shell made a new key.
    const again = workstation(first.dataDir, boxes(randomBytes(32)));
    await again.service.start();
    // The sign-in screen, with the server's address filled in; the replica waits on disk.
    expect(await again.screen.call('session:get', {})).toMatchObject({ ok: true, value: { state: 'signed-out', lastServerUrl: central.server.url } });
    // The secret that proved this workstation's id was sealed with the lost key, so this is, for
    // the server, another installation claiming the id (server/auth/workstation-proof.ts): refused,
    // saying what to do, until an administrator releases the id.
    expect(await again.screen.call('session:sign-in', { serverUrl: central.server.url, ...ANA })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringContaining(`Pida al administrador que libere el identificador del puesto (${again.service.session.workstationId})`) },
    });
    await releaseWorkstation(central.serverDataDir, again.service.session.workstationId);
    expect(await again.screen.call('session:sign-in', { serverUrl: central.server.url, ...ANA })).toMatchObject({ ok: true, value: { state: 'signed-in', databaseName } });
    await until(async () => (await syncState(again.screen)) === 'online', 20_000, 'the sync online after signing in again');
  });
});

describe('the revocations kept for later', () => {
  let oldServer: Server;
  let oldServerUrl: string;
  beforeAll(async () => {
    // A central server of an earlier version, with no sign-out call: it answers 404.
    oldServer = createServer((_request, response) => response.writeHead(404, { 'content-type': 'application/json' }).end('{"ok":false,"error":{"code":"not_found","message":"no such route"}}'));
    await new Promise<void>((resolve) => oldServer.listen(0, '127.0.0.1', resolve));
    oldServerUrl = `http://127.0.0.1:${(oldServer.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => oldServer.close(resolve)));

  const revocations = (dataDir: string, clock: () => number = Date.now, log: (line: string) => void = () => undefined) =>
    new TokenRevocations({ dataDir, fetch: (input, init) => fetch(input, init), clock, log, retryMs: 60_000, timeoutMs: 2_000 });
  const token = (refreshToken: string, refreshTokenExpiresAt: number) => ({ refreshToken, refreshTokenExpiresAt });

  it('drops a token once it has expired: the server refuses it by itself by then', async () => {
    const made = temporaryFolder('ventanilla-revocations-');
    folders.push(made);
    let now = Date.now();
    const kept = revocations(made.folder, () => now);
    await central.server.stop();
    await kept.revoke(central.server.url, token('a-refresh-token-of-a-day', now + 24 * 60 * 60_000), { wait: true });
    expect(kept.pending()).toHaveLength(1);
    now += 25 * 60 * 60_000;
    expect(kept.pending()).toEqual([]);
    await kept.flush();
    expect(existsSync(pendingFile(made.folder))).toBe(false);
    kept.stop();
  });

  it('gives up on a server that has no sign-out call, and says the token expires by itself', async () => {
    const made = temporaryFolder('ventanilla-revocations-');
    folders.push(made);
    const lines: string[] = [];
    const kept = revocations(made.folder, Date.now, (line) => lines.push(line));
    await kept.revoke(oldServerUrl, token('a-refresh-token-of-an-old-server', Date.now() + 60_000), { wait: true });
    expect(kept.pending()).toEqual([]);
    expect(lines.join('\n')).toMatch(/refused to revoke the session .* expires by itself on \d{4}-/);
    kept.stop();
  });

  it('keeps every token of several sign-outs made offline, and never writes them readable by others', async () => {
    const made = temporaryFolder('ventanilla-revocations-');
    folders.push(made);
    const kept = revocations(made.folder);
    await central.server.stop();
    await Promise.all([
      kept.revoke(central.server.url, token('first-refresh-token-0001', Date.now() + 60_000), { wait: true }),
      kept.revoke(central.server.url, token('second-refresh-token-002', Date.now() + 60_000), { wait: true }),
    ]);
    expect(kept.pending().map((entry) => entry.refreshToken).sort()).toEqual(['first-refresh-token-0001', 'second-refresh-token-002']);
    expect(statSync(pendingFile(made.folder)).mode & 0o077).toBe(0);
    kept.stop();
  });
});
