import { afterEach, describe, expect, it } from 'vitest';
import { AuthSession } from './auth-session';
import { SyncError } from './sync-errors';
import { sendError, sendJson, startStubServer, STUB_USER, stubTokens, until, type StubServer } from './test-support/stub-server';

const credentials = { email: 'ana@ayto.test', password: 'una contraseña larga' };
const fetchFunction = (input: string, init: RequestInit) => fetch(input, init);

let server: StubServer | undefined;
let session: AuthSession | undefined;
afterEach(async () => {
  session?.stop();
  await server?.close();
  server = session = undefined;
});

/** A server that signs in with `credentials` and refreshes any token it issued and not spent. */
async function authServer(options: { lifeMs: number; refreshDelayMs?: number; refuseRefresh?: boolean; refuseLogin?: boolean }) {
  let serial = 0;
  const live = new Set<string>();
  server = await startStubServer(async (request, response) => {
    if (request.path === '/api/v1/auth/login') {
      if (options.refuseLogin) return sendError(response, 401, 'invalid_credentials', 'wrong e-mail or password');
      const tokens = stubTokens(++serial, options.lifeMs);
      live.add(tokens.refreshToken);
      return sendJson(response, 200, { ...tokens, user: STUB_USER });
    }
    if (request.path === '/api/v1/auth/refresh') {
      await new Promise((resolve) => setTimeout(resolve, options.refreshDelayMs ?? 0));
      const { refreshToken } = request.body as { refreshToken: string };
      if (options.refuseRefresh || !live.delete(refreshToken)) return sendError(response, 401, 'unauthenticated', 'refresh token spent');
      const tokens = stubTokens(++serial, options.lifeMs);
      live.add(tokens.refreshToken);
      return sendJson(response, 200, tokens);
    }
    sendError(response, 404, 'not_found');
  });
  return server;
}

const calls = (stub: StubServer, path: string) => stub.requests.filter((request) => request.path === path).length;

describe('the session with the central server', () => {
  it('signs in once and hands the same token to every request while it is valid', async () => {
    const stub = await authServer({ lifeMs: 600_000 });
    session = new AuthSession({ serverUrl: stub.url, fetch: fetchFunction, credentials });
    const tokens = await Promise.all([session.accessToken(), session.accessToken(), session.accessToken()]);
    expect(new Set(tokens)).toEqual(new Set(['access-token-number-1']));
    expect(calls(stub, '/api/v1/auth/login')).toBe(1);
    expect(session.user).toEqual(STUB_USER);
    expect(session.state$.value).toBe('signed-in');
  });

  it('refreshes the access token before it expires, without a request having to fail first', async () => {
    const stub = await authServer({ lifeMs: 1_000 });
    const seen: string[] = [];
    session = new AuthSession({ serverUrl: stub.url, fetch: fetchFunction, credentials, onTokens: (tokens) => seen.push(tokens.accessToken) });
    await session.accessToken();
    await until(() => calls(stub, '/api/v1/auth/refresh') >= 1, 3_000, 'a refresh ahead of expiry');
    await until(() => seen.length === 2);
    expect(await session.accessToken()).toBe('access-token-number-2');
  });

  it('sends one refresh when many requests are refused at once, and all of them get the new token', async () => {
    const stub = await authServer({ lifeMs: 600_000, refreshDelayMs: 100 });
    session = new AuthSession({ serverUrl: stub.url, fetch: fetchFunction, credentials });
    const first = await session.accessToken();
    await Promise.all(Array.from({ length: 20 }, () => session!.tokenRefused(first)));
    // A refusal of the old token after the refresh changes nothing: the new one is already there.
    await session.tokenRefused(first);
    expect(calls(stub, '/api/v1/auth/refresh')).toBe(1);
    expect(await session.accessToken()).toBe('access-token-number-2');
  });

  it('signs in again with the password when the refresh token is refused', async () => {
    const stub = await authServer({ lifeMs: 600_000, refuseRefresh: true });
    session = new AuthSession({ serverUrl: stub.url, fetch: fetchFunction, credentials });
    const first = await session.accessToken();
    await session.tokenRefused(first);
    expect(calls(stub, '/api/v1/auth/login')).toBe(2);
    expect(session.state$.value).toBe('signed-in');
  });

  it('signs out, saying why, when the refresh token is refused and there is no password', async () => {
    const stub = await authServer({ lifeMs: 600_000, refuseRefresh: true });
    session = new AuthSession({ serverUrl: stub.url, fetch: fetchFunction, tokens: stubTokens(7, 600_000) });
    await expect(session.tokenRefused('access-token-number-7')).rejects.toMatchObject({ kind: 'signed-out', code: 'session_expired' });
    expect(session.state$.value).toBe('signed-out');
    await expect(session.accessToken()).rejects.toMatchObject({ kind: 'signed-out' });
    // A person signs in again, as the same user: the session resumes.
    await session.signIn(credentials);
    expect(session.state$.value).toBe('signed-in');
  });

  it('signs out when the server refuses the password', async () => {
    const stub = await authServer({ lifeMs: 600_000, refuseLogin: true });
    session = new AuthSession({ serverUrl: stub.url, fetch: fetchFunction, credentials });
    await expect(session.accessToken()).rejects.toMatchObject({ kind: 'signed-out', code: 'invalid_credentials' });
    expect(session.state$.value).toBe('signed-out');
  });

  it('keeps its tokens and says "offline" when the server cannot be reached', async () => {
    const stub = await authServer({ lifeMs: 600_000 });
    const url = stub.url;
    await stub.close();
    server = undefined;
    session = new AuthSession({ serverUrl: url, fetch: fetchFunction, tokens: stubTokens(1, 600_000) });
    await expect(session.tokenRefused('access-token-number-1')).rejects.toMatchObject({ kind: 'offline', code: 'network' });
    expect(session.state$.value).toBe('signed-in');
  });

  it('refuses a sign-in answer that breaks the protocol', async () => {
    server = await startStubServer((_request, response) => sendJson(response, 200, { accessToken: 'x' }));
    session = new AuthSession({ serverUrl: server.url, fetch: fetchFunction, credentials });
    const error = await session.accessToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ kind: 'server', code: 'invalid_answer' });
  });

  it('names this workstation at every sign-in and refresh, so the server binds the session to it', async () => {
    const stub = await authServer({ lifeMs: 600_000 });
    const bodies = (path: string) => stub.requests.filter((request) => request.path === path).map((request) => request.body as Record<string, unknown>);
    session = new AuthSession({ serverUrl: stub.url, fetch: fetchFunction, credentials, workstationId: 'ws-oac-centro-3' });
    await session.tokenRefused(await session.accessToken());
    expect(bodies('/api/v1/auth/login')).toEqual([{ ...credentials, workstationId: 'ws-oac-centro-3' }]);
    expect(bodies('/api/v1/auth/refresh')).toEqual([{ refreshToken: 'refresh-token-number-1', workstationId: 'ws-oac-centro-3' }]);
    session.stop();

    // Tokens kept from before the server asked: the next refresh names the workstation, which binds them.
    session = new AuthSession({ serverUrl: stub.url, fetch: fetchFunction, tokens: stubTokens(2, 600_000), workstationId: 'ws-oac-centro-3' });
    await session.tokenRefused('access-token-number-2');
    expect(bodies('/api/v1/auth/refresh').at(-1)).toEqual({ refreshToken: 'refresh-token-number-2', workstationId: 'ws-oac-centro-3' });
  });

  it('sends the secret that proves the workstation beside its id, at every sign-in and refresh, and never without the id', async () => {
    const stub = await authServer({ lifeMs: 600_000 });
    const bodies = (path: string) => stub.requests.filter((request) => request.path === path).map((request) => request.body as Record<string, unknown>);
    const proof = { workstationId: 'ws-oac-centro-3', workstationSecret: 'S'.repeat(43) };
    session = new AuthSession({ serverUrl: stub.url, fetch: fetchFunction, credentials, ...proof });
    await session.tokenRefused(await session.accessToken());
    expect(bodies('/api/v1/auth/login')).toEqual([{ ...credentials, ...proof }]);
    expect(bodies('/api/v1/auth/refresh')).toEqual([{ refreshToken: 'refresh-token-number-1', ...proof }]);
    session.stop();

    // A secret with no id proves nothing, and the server would refuse the request: it stays home.
    session = new AuthSession({ serverUrl: stub.url, fetch: fetchFunction, credentials, workstationSecret: proof.workstationSecret });
    await session.accessToken();
    expect(bodies('/api/v1/auth/login').at(-1)).toEqual(credentials);
  });

  it('refuses to sign in as another clerk on a replica that belongs to someone else', async () => {
    const stub = await authServer({ lifeMs: 600_000 });
    session = new AuthSession({ serverUrl: stub.url, fetch: fetchFunction, credentials, user: { ...STUB_USER, id: 'user-luis', email: 'luis@ayto.test' } });
    await expect(session.accessToken()).rejects.toMatchObject({ kind: 'signed-out', code: 'forbidden' });
  });
});
