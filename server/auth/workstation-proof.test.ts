// A workstation proves it is the one it says (trust on first use): the first sign-in or refresh
// that sends its id with a secret registers them, and from then on the id is refused without that
// secret, wrong or missing alike, audited. Workstations from before the server asked register at
// their next sign-in or refresh; an administrator releases an id; other clients that send no id
// are not concerned. Against the real server, on SQLite and PostgreSQL.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WORKSTATION_REFUSED_MESSAGE, type LoginResponse, type RefreshResponse } from '../../core/sync/replication-protocol';
import { releaseWorkstation } from '../admin/workstation-actions';
import { databaseEngines, rawSql } from '../test-support/server-databases';
import { addUser, useTestServers, type TestUser } from '../test-support/test-server';
import { hashRefreshToken } from './tokens';
import { hashWorkstationSecret } from './workstation-proof';

const WORKSTATION = 'ws-oac-centro-3';
const newSecret = () => randomBytes(32).toString('base64url');
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; wks?: string };
const REFUSED = { status: 403, body: { ok: false, error: { code: 'forbidden', message: WORKSTATION_REFUSED_MESSAGE } } };

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/api/v1/auth/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as unknown };
}


describe.each(databaseEngines())('a workstation proving its id, on $name', (engine) => {
  const start = useTestServers(engine);

  async function serverWithClerk() {
    const server = await start();
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const login = (body: Record<string, unknown> = {}, who: TestUser = clerk) => post(server.url, 'login', { email: who.email, password: who.password, ...body });
    const refresh = (refreshToken: string, body: Record<string, unknown> = {}) => post(server.url, 'refresh', { refreshToken, ...body });
    return { server, clerk, login, refresh };
  }

  it('registers the id with the secret of its first sign-in, keeping only a hash, and audits it', async () => {
    const { server, login } = await serverWithClerk();
    const secret = newSecret();
    const answer = await login({ workstationId: WORKSTATION, workstationSecret: secret });
    expect(answer.status).toBe(200);
    expect(claimsOf((answer.body as LoginResponse).accessToken).wks).toBe(WORKSTATION);
    const registered = await server.db.workstations.byId(WORKSTATION);
    expect(registered).toMatchObject({ workstationId: WORKSTATION, secretHash: hashWorkstationSecret(secret), registeredBy: 'ana' });
    expect(registered!.secretHash).not.toContain(secret);
    expect(await server.db.audit.query({ action: 'workstation:register' })).toMatchObject([
      { userId: 'ana', outcome: 'ok', detail: { workstationId: WORKSTATION, via: 'login' } },
    ]);
  });

  it('accepts the same secret at every later sign-in and refresh, from any clerk on that workstation', async () => {
    const { server, login, refresh } = await serverWithClerk();
    const luis = await addUser(server.db, 'luis', 'clerk', ['urbanismo']);
    const proof = { workstationId: WORKSTATION, workstationSecret: newSecret() };
    expect((await login(proof)).status).toBe(200);
    const again = await login(proof, luis);
    expect(again.status).toBe(200);
    const refreshed = await refresh((again.body as LoginResponse).refreshToken, proof);
    expect(refreshed.status).toBe(200);
    expect(claimsOf((refreshed.body as RefreshResponse).accessToken)).toMatchObject({ sub: 'luis', wks: WORKSTATION });
    expect(await server.db.audit.query({ action: 'workstation:register' })).toHaveLength(1);
  });

  it('refuses a wrong secret and a missing one with the same answer, after the password, and audits why', async () => {
    const { server, login } = await serverWithClerk();
    expect((await login({ workstationId: WORKSTATION, workstationSecret: newSecret() })).status).toBe(200);

    const wrong = await login({ workstationId: WORKSTATION, workstationSecret: newSecret() });
    const missing = await login({ workstationId: WORKSTATION });
    expect([wrong, missing]).toEqual([REFUSED, REFUSED]);
    // Without the password there is nothing to learn about the workstation.
    expect(await login({ password: 'not the password', workstationId: WORKSTATION, workstationSecret: newSecret() })).toMatchObject({ status: 401, body: { error: { code: 'invalid_credentials' } } });
    const refused = await server.db.audit.query({ action: 'login', outcome: 'refused' });
    expect(refused.map((entry) => [entry.userId, entry.reason, (entry.detail as { workstationId?: string }).workstationId])).toEqual([
      ['ana', `workstation ${WORKSTATION} is registered, and the secret presented is not its own`, WORKSTATION],
      ['ana', `workstation ${WORKSTATION} is registered, and no secret was presented`, WORKSTATION],
      ['ana', 'wrong password', WORKSTATION],
    ]);
  });

  it('counts a refused workstation as a failed sign-in: guessing secrets with a stolen password is rate-limited', async () => {
    const server = await start({ loginLimits: { perAccount: { max: 2, windowMs: 60_000 }, perIp: { max: 100, windowMs: 60_000 } } });
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const login = (workstationSecret: string) => post(server.url, 'login', { email: clerk.email, password: clerk.password, workstationId: WORKSTATION, workstationSecret });
    const secret = newSecret();
    expect((await login(secret)).status).toBe(200);
    expect([(await login(newSecret())).status, (await login(newSecret())).status, (await login(newSecret())).status]).toEqual([403, 403, 429]);
    // The limit holds for the right secret too, until the window passes.
    expect((await login(secret)).status).toBe(429);
  });

  it('refuses to refresh a session of a registered workstation without its secret, ending the session', async () => {
    const { server, login, refresh } = await serverWithClerk();
    const proof = { workstationId: WORKSTATION, workstationSecret: newSecret() };
    const session = (await login(proof)).body as LoginResponse;
    // A copy of the refresh token (a backup of the data folder, whose sealed secret does not open elsewhere).
    expect(await refresh(session.refreshToken, { workstationId: WORKSTATION, workstationSecret: newSecret() })).toEqual(REFUSED);
    expect((await refresh(session.refreshToken, proof)).status).toBe(401);
    // Naming it without the secret is refused too.
    const other = (await login(proof)).body as LoginResponse;
    expect(await refresh(other.refreshToken, { workstationId: WORKSTATION })).toEqual(REFUSED);
    expect((await server.db.audit.query({ action: 'refresh', outcome: 'refused' })).map((entry) => entry.reason)).toEqual([
      `workstation ${WORKSTATION} is registered, and the secret presented is not its own`,
      'unknown, spent or expired refresh token',
      `workstation ${WORKSTATION} is registered, and no secret was presented`,
    ]);
  });

  it('lets a refresh that does not name a registered workstation go on for the clerk, no longer bound to it, until one proves it again', async () => {
    const { server, login, refresh } = await serverWithClerk();
    const proof = { workstationId: WORKSTATION, workstationSecret: newSecret() };
    const session = (await login(proof)).body as LoginResponse;
    // The refresh token alone (a client that does not say its workstation) proves the session, not the workstation.
    const unbound = (await refresh(session.refreshToken)).body as RefreshResponse;
    expect(claimsOf(unbound.accessToken).wks).toBeUndefined();
    expect(await server.db.audit.query({ action: 'refresh', outcome: 'ok' })).toMatchObject([
      { userId: 'ana', reason: `session unbound from workstation ${WORKSTATION}: the refresh did not name it, and it is registered` },
    ]);
    const rebound = (await refresh(unbound.refreshToken, proof)).body as RefreshResponse;
    expect(claimsOf(rebound.accessToken).wks).toBe(WORKSTATION);
  });

  it('lets exactly one of two first sign-ins racing with one id and different secrets register it', async () => {
    const { server, login } = await serverWithClerk();
    const secrets = [newSecret(), newSecret()];
    const answers = await Promise.all(secrets.map((workstationSecret) => login({ workstationId: WORKSTATION, workstationSecret })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 403]);
    const winner = secrets[answers.findIndex((answer) => answer.status === 200)]!;
    expect((await server.db.workstations.byId(WORKSTATION))?.secretHash).toBe(hashWorkstationSecret(winner));
  });

  it('keeps a workstation that never sent a secret working as before, and registers it at its first sign-in that sends one', async () => {
    const { server, login } = await serverWithClerk();
    // A workstation not yet upgraded: its id is a label, as it was.
    expect((await login({ workstationId: WORKSTATION })).status).toBe(200);
    expect(await server.db.workstations.byId(WORKSTATION)).toBeNull();
    const secret = newSecret();
    expect((await login({ workstationId: WORKSTATION, workstationSecret: secret })).status).toBe(200);
    expect(await login({ workstationId: WORKSTATION })).toEqual(REFUSED);
  });

  it('upgrades a database and a session from before migration 0003: the next refresh registers the workstation, with no password', async () => {
    const { db, where } = await engine.open();
    await addUser(db, 'ana', 'clerk', ['urbanismo']);
    const refreshToken = randomBytes(32).toString('base64url');
    await db.refreshTokens.insert({ tokenHash: hashRefreshToken(refreshToken), userId: 'ana', createdAt: Date.now(), expiresAt: Date.now() + 86_400_000, workstationId: WORKSTATION });
    await db.close();
    // As migration 0002 left it: the workstation's session, and no table of registered workstations.
    await rawSql(where, 'DROP TABLE workstations; DELETE FROM schema_migrations WHERE version = 3;');

    const server = await start({ where });
    const proof = { workstationId: WORKSTATION, workstationSecret: newSecret() };
    const refreshed = await post(server.url, 'refresh', { refreshToken, ...proof });
    expect(refreshed.status).toBe(200);
    expect(claimsOf((refreshed.body as RefreshResponse).accessToken).wks).toBe(WORKSTATION);
    expect(await server.db.workstations.byId(WORKSTATION)).toMatchObject({ registeredBy: 'ana' });
    expect(await server.db.audit.query({ action: 'workstation:register' })).toMatchObject([{ userId: 'ana', detail: { workstationId: WORKSTATION, via: 'refresh' } }]);
    // From then on the secret is asked for.
    expect(await post(server.url, 'refresh', { refreshToken: (refreshed.body as RefreshResponse).refreshToken, workstationId: WORKSTATION })).toEqual(REFUSED);
  });

  it('binds and registers at one refresh a session signed in before workstations said their id', async () => {
    const { server, login, refresh } = await serverWithClerk();
    const session = (await login()).body as LoginResponse;
    expect(claimsOf(session.accessToken).wks).toBeUndefined();
    const refreshed = await refresh(session.refreshToken, { workstationId: WORKSTATION, workstationSecret: newSecret() });
    expect(refreshed.status).toBe(200);
    expect(claimsOf((refreshed.body as RefreshResponse).accessToken).wks).toBe(WORKSTATION);
    expect(await server.db.workstations.byId(WORKSTATION)).not.toBeNull();
  });

  it('lets an administrator release the id, ending its sessions, audited; the next installation registers its own secret', async () => {
    const { server, login, refresh } = await serverWithClerk();
    const old = { workstationId: WORKSTATION, workstationSecret: newSecret() };
    const oldSession = (await login(old)).body as LoginResponse;
    // The PC's keychain was reset: its new secret is refused until the id is released.
    const fresh = { workstationId: WORKSTATION, workstationSecret: newSecret() };
    expect(await login(fresh)).toEqual(REFUSED);

    const env = { db: server.db, log: server.app.log, actor: { userId: 'admin-marta', role: 'admin' as const, departmentIds: [] } };
    expect(await releaseWorkstation(env, WORKSTATION)).toMatchObject({ released: { registeredBy: 'ana' }, sessionsEnded: 1 });
    expect(await server.db.audit.query({ action: 'workstation:release' })).toMatchObject([
      { userId: 'admin-marta', outcome: 'ok', detail: { workstationId: WORKSTATION, registeredBy: 'ana', sessionsEnded: 1 } },
    ]);
    // The old installation's session cannot take the id back at its next refresh.
    expect((await refresh(oldSession.refreshToken, old)).status).toBe(401);

    expect((await login(fresh)).status).toBe(200);
    expect((await server.db.workstations.byId(WORKSTATION))?.secretHash).toBe(hashWorkstationSecret(fresh.workstationSecret));
    expect(await login(old)).toEqual(REFUSED);
    await expect(releaseWorkstation(env, 'ws-never-seen')).rejects.toThrow('no workstation is registered with the id "ws-never-seen"');
  });

  it('leaves clients that send no workstation id unbound and unregistered, and refuses a secret without an id', async () => {
    const { server, login, refresh } = await serverWithClerk();
    const session = (await login()).body as LoginResponse;
    const refreshed = await refresh(session.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(claimsOf((refreshed.body as RefreshResponse).accessToken).wks).toBeUndefined();
    expect(await server.db.workstations.list()).toEqual([]);

    const secretAlone = await login({ workstationSecret: newSecret() });
    expect(secretAlone).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: expect.stringContaining('a workstationSecret only beside a workstationId') } } });
    const short = await login({ workstationId: WORKSTATION, workstationSecret: 'abc' });
    expect(short).toMatchObject({ status: 400, body: { error: { message: 'login.workstationSecret must be a workstation secret of 43 to 128 base64url characters (32 random bytes or more)' } } });
  });
});
