import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseLoginResponse, parseRefreshResponse, type LoginResponse, type RefreshResponse } from '../core/sync/replication-protocol';
import { sqliteEngine } from './test-support/server-databases';
import { addUser, apiClient, useTestServers } from './test-support/test-server';

describe('signing in', () => {
  const engine = sqliteEngine();
  const start = useTestServers(engine);

  it('signs a clerk in and answers their tokens and who they are, as core reads them', async () => {
    const server = await start();
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const answer = await apiClient(server.url).login({ email: 'ANA@ayto-villanueva.example', password: clerk.password }, 'OAC Centro, puesto 3');

    expect(answer.status).toBe(200);
    const parsed = parseLoginResponse(answer.body);
    expect(parsed.ok).toBe(true);
    const login = answer.body as LoginResponse;
    expect(login.user).toEqual({ id: 'ana', name: 'Usuario ana', email: clerk.email, role: 'clerk', departmentIds: ['urbanismo'] });
    expect(login.accessTokenExpiresAt - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(login.accessTokenExpiresAt - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const [entry] = await server.db.audit.query({ action: 'login' });
    expect(entry).toMatchObject({ userId: 'ana', outcome: 'ok', detail: { workstation: 'OAC Centro, puesto 3' } });
  });

  it('refuses a wrong password and an unknown address with the same answer, and audits both', async () => {
    const server = await start();
    await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const client = apiClient(server.url);
    const wrong = await client.login({ email: 'ana@ayto-villanueva.example', password: 'no es esta' });
    const unknown = await client.login({ email: 'nadie@ayto-villanueva.example', password: 'no es esta' });

    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ ok: false, error: { code: 'invalid_credentials', message: 'wrong e-mail address or password' } });
    expect(unknown.body).toEqual(wrong.body);
    const entries = await server.db.audit.query({ action: 'login' });
    expect(entries.map((entry) => [entry.userId, entry.outcome, entry.reason])).toEqual([
      ['ana', 'refused', 'wrong password'],
      [null, 'refused', 'no account for nadie@ayto-villanueva.example'],
    ]);
  });

  it('refuses a malformed sign-in with a reason and never repeats the password', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@ayto-villanueva.example', password: '' }),
    });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(400);
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/^login\.password must be a password of 1 to 1024 characters$/);
  });

  it('answers token_expired once the access token is out of date, and a refresh gives new tokens that work', async () => {
    let now = Date.now();
    const server = await start({ clock: () => now });
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const client = apiClient(server.url);
    const login = (await client.login(clerk)).body as LoginResponse;
    expect((await client.pull(login.accessToken, 'tickets')).status).toBe(200);

    now = login.accessTokenExpiresAt;
    const expired = await client.pull(login.accessToken, 'tickets');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ ok: false, error: { code: 'token_expired' } });

    const refreshed = await client.refresh(login.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(parseRefreshResponse(refreshed.body).ok).toBe(true);
    const tokens = refreshed.body as RefreshResponse;
    expect(tokens.accessTokenExpiresAt).toBe(now + 15 * 60_000);
    expect((await client.pull(tokens.accessToken, 'tickets')).status).toBe(200);
  });

  it('rotates refresh tokens: each works once, and a spent one is refused', async () => {
    const server = await start();
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const client = apiClient(server.url);
    const login = (await client.login(clerk)).body as LoginResponse;

    const first = await client.refresh(login.refreshToken);
    const again = await client.refresh(login.refreshToken);
    expect(first.status).toBe(200);
    expect((first.body as RefreshResponse).refreshToken).not.toBe(login.refreshToken);
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ error: { code: 'unauthenticated' } });
    expect((await client.refresh((first.body as RefreshResponse).refreshToken)).status).toBe(200);
  });

  it('gives the rights an administrator set at the next refresh, and refuses a disabled account', async () => {
    const server = await start();
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const client = apiClient(server.url);
    const login = (await client.login(clerk)).body as LoginResponse;

    await server.db.users.update('ana', { departmentIds: ['padron'] });
    const refreshed = (await client.refresh(login.refreshToken)).body as RefreshResponse;
    const claims = JSON.parse(Buffer.from(refreshed.accessToken.split('.')[1]!, 'base64url').toString()) as { dep: string[] };
    expect(claims.dep).toEqual(['padron']);

    await server.db.users.update('ana', { active: false });
    expect((await client.refresh(refreshed.refreshToken)).status).toBe(401);
    expect((await client.login(clerk)).body).toMatchObject({ error: { code: 'invalid_credentials', message: 'this account is disabled: ask an administrator' } });
  });

  it('refuses calls without a bearer token, with a forged one, or with one signed by another server', async () => {
    const server = await start();
    const other = await start({ secret: 'another-secret-of-at-least-32-characters-xyz' });
    const clerk = await addUser(other.db, 'ana', 'clerk', ['urbanismo']);
    const foreign = await apiClient(other.url).token(clerk);
    const client = apiClient(server.url);
    const [header, claims, signature] = foreign.split('.');
    const forgedClaims = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims!, 'base64url').toString()), role: 'admin' })).toString('base64url');

    const none = await fetch(`${server.url}/api/v1/replication/tickets/pull`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    for (const token of [foreign, `${header}.${forgedClaims}.${signature}`, 'not-a-token']) {
      const answer = await client.pull(token, 'tickets');
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: 'unauthenticated' } });
    }
  });

  it('limits failed sign-ins per address and IP, then answers 429 with Retry-After, and a success gives its attempt back', async () => {
    const server = await start({ loginLimits: { perAccount: { max: 3, windowMs: 60_000 }, perIp: { max: 100, windowMs: 60_000 } } });
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    await addUser(server.db, 'luis', 'clerk', ['padron']);
    const client = apiClient(server.url);

    expect((await client.login(clerk)).status).toBe(200);
    for (let attempt = 0; attempt < 3; attempt++) expect((await client.login({ ...clerk, password: `mal ${attempt}` })).status).toBe(401);
    const limited = await client.login(clerk);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address from the same IP is not locked out.
    expect((await client.login({ email: 'luis@ayto-villanueva.example', password: clerk.password })).status).toBe(200);
    const refused = await server.db.audit.query({ action: 'login', outcome: 'refused' });
    expect(refused.at(-1)?.reason).toBe('too many failed sign-ins for ana@ayto-villanueva.example');
  });

  it('logs requests at info without any password or token', async () => {
    let log = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    const server = await start({ logger: { level: 'info', stream } });
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const client = apiClient(server.url);
    const login = (await client.login(clerk)).body as LoginResponse;
    await client.pull(login.accessToken, 'tickets');
    await client.refresh(login.refreshToken);
    await client.login({ ...clerk, password: 'una contraseña equivocada' });

    expect(log).toContain('"msg":"signed in"');
    expect(log).toContain('/api/v1/replication/tickets/pull');
    for (const secret of [clerk.password, 'una contraseña equivocada', login.accessToken, login.refreshToken]) expect(log).not.toContain(secret);
  });
});
