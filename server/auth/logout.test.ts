// Signing out on the server (`POST /api/v1/auth/logout`): the refresh token stops working at once,
// a repeat is no error, and a malformed call is refused with a reason that never repeats the token.
import { describe, expect, it } from 'vitest';
import { API_PATHS, type LoginResponse } from '../../core/sync/replication-protocol';
import { sqliteEngine } from '../test-support/server-databases';
import { addUser, apiClient, useTestServers } from '../test-support/test-server';

async function logout(url: string, body: unknown) {
  const response = await fetch(`${url}${API_PATHS.logout}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

describe('signing out', () => {
  const engine = sqliteEngine();
  const start = useTestServers(engine);

  it('revokes the refresh token, so it can no longer refresh, and audits who signed out', async () => {
    const server = await start();
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const client = apiClient(server.url);
    const login = (await client.login(clerk)).body as LoginResponse;

    const answer = await logout(server.url, { refreshToken: login.refreshToken });
    expect(answer).toMatchObject({ status: 200, body: { revoked: true } });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await client.refresh(login.refreshToken)).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await server.db.audit.query({ action: 'logout' })).toMatchObject([{ userId: 'ana', outcome: 'ok' }]);
  });

  it('needs no access token, so a workstation that signed out offline can revoke days later', async () => {
    let now = Date.now();
    const server = await start({ clock: () => now });
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const login = (await apiClient(server.url).login(clerk)).body as LoginResponse;
    now += 3 * 24 * 60 * 60_000;
    expect(await logout(server.url, { refreshToken: login.refreshToken })).toMatchObject({ status: 200, body: { revoked: true } });
  });

  it('ends only the session it names: the same clerk on another workstation keeps theirs', async () => {
    const server = await start();
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const client = apiClient(server.url);
    const here = (await client.login(clerk)).body as LoginResponse;
    const there = (await client.login(clerk)).body as LoginResponse;
    await logout(server.url, { refreshToken: here.refreshToken });
    expect((await client.refresh(there.refreshToken)).status).toBe(200);
  });

  it('answers revoked: false for a token already spent, unknown or expired, so a retry is no error', async () => {
    let now = Date.now();
    const server = await start({ clock: () => now });
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const client = apiClient(server.url);
    const login = (await client.login(clerk)).body as LoginResponse;
    await logout(server.url, { refreshToken: login.refreshToken });
    expect(await logout(server.url, { refreshToken: login.refreshToken })).toMatchObject({ status: 200, body: { revoked: false } });
    expect(await logout(server.url, { refreshToken: 'a-token-this-server-never-issued' })).toMatchObject({ status: 200, body: { revoked: false } });

    const later = (await client.login(clerk)).body as LoginResponse;
    now = later.refreshTokenExpiresAt;
    expect(await logout(server.url, { refreshToken: later.refreshToken })).toMatchObject({ status: 200, body: { revoked: false } });
    expect(await server.db.audit.query({ action: 'logout' })).toHaveLength(1);
  });

  it('refuses a malformed sign-out with a reason, without repeating the token', async () => {
    const server = await start();
    const short = await logout(server.url, { refreshToken: 'corto' });
    expect(short).toMatchObject({ status: 400, body: { ok: false, error: { code: 'bad_request' } } });
    expect(JSON.stringify(short.body)).not.toContain('corto');
    expect(await logout(server.url, { refreshToken: 'a-long-enough-token-value', userId: 'ana' })).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
  });
});
