// A session is bound to the workstation it was signed in on: the stable id the workstation sends
// at sign-in goes into every access token of the session (claim `wks`) and stays with its refresh
// token, so refreshes keep it. Sessions that never said it keep working, and are bound at their
// first refresh that names one. What it is for: server/replication/rights.ts `outboxStateCheck`.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LoginResponse, RefreshResponse } from '../../core/sync/replication-protocol';
import { databaseEngines } from '../test-support/server-databases';
import { addUser, apiClient, TEST_SECRET, useTestServers } from '../test-support/test-server';
import { createTokenSigner } from './tokens';

const WORKSTATION = 'ws-oac-centro-3';
const T0 = Date.UTC(2026, 10, 2, 9, 0);

/** The claims of an access token, read without checking it (the server checks it). */
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('the workstation of an access token', () => {
  const signer = createTokenSigner(TEST_SECRET);
  const ana = { userId: 'ana', role: 'clerk' as const, departmentIds: ['urbanismo'] };

  it('carries the workstation it was signed for, and reads a token without one as a session that never said it', () => {
    const bound = signer.verify(signer.sign({ ...ana, workstationId: WORKSTATION }, T0, 60_000).token, T0);
    expect(bound).toMatchObject({ ok: true, claims: { userId: 'ana', workstationId: WORKSTATION } });
    const unbound = signer.verify(signer.sign(ana, T0, 60_000).token, T0);
    expect(unbound.ok).toBe(true);
    expect(unbound.ok && 'workstationId' in unbound.claims).toBe(false);
  });

  it('refuses a signed token whose workstation is not a name', () => {
    // Signed with the server's key, as a bug in a future version could: still refused.
    const key = createHmac('sha256', TEST_SECRET).update('ventanilla access token v1').digest();
    for (const wks of ['', 42, null]) {
      const body = `v1.${Buffer.from(JSON.stringify({ sub: 'ana', role: 'clerk', dep: [], iat: T0, exp: T0 + 60_000, jti: 'x', wks })).toString('base64url')}`;
      const token = `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
      expect({ wks, check: signer.verify(token, T0) }).toEqual({ wks, check: { ok: false, reason: 'malformed' } });
    }
  });
});

describe.each(databaseEngines())('a session bound to its workstation, on $name', (engine) => {
  const start = useTestServers(engine);

  async function signedIn(workstationId?: string) {
    const server = await start();
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const client = apiClient(server.url);
    const answer = await client.login(clerk, 'OAC Centro, puesto 3', workstationId);
    expect(answer.status).toBe(200);
    return { server, client, clerk, login: answer.body as LoginResponse };
  }

  it('binds the workstation named at sign-in to the session, through every refresh, and audits it', async () => {
    const { server, client, login } = await signedIn(WORKSTATION);
    expect(claimsOf(login.accessToken).wks).toBe(WORKSTATION);
    // A refresh that does not name it (an older client) keeps it; one that names it, too.
    const first = (await client.refresh(login.refreshToken)).body as RefreshResponse;
    const second = (await client.refresh(first.refreshToken, WORKSTATION)).body as RefreshResponse;
    expect([claimsOf(first.accessToken).wks, claimsOf(second.accessToken).wks]).toEqual([WORKSTATION, WORKSTATION]);
    const [entry] = await server.db.audit.query({ action: 'login' });
    expect(entry).toMatchObject({ userId: 'ana', outcome: 'ok', detail: { workstation: 'OAC Centro, puesto 3', workstationId: WORKSTATION } });
  });

  it('refuses to refresh the session from another workstation, ending it, and audits why', async () => {
    const { server, client, login } = await signedIn(WORKSTATION);
    const copied = await client.refresh(login.refreshToken, 'ws-otro-puesto');
    expect(copied).toMatchObject({
      status: 401,
      body: { ok: false, error: { code: 'unauthenticated', message: 'this session was signed in on another workstation: sign in again on this one' } },
    });
    // The token was spent by the attempt: the session is over for its own workstation too.
    expect((await client.refresh(login.refreshToken, WORKSTATION)).status).toBe(401);
    const refused = await server.db.audit.query({ action: 'refresh', outcome: 'refused' });
    expect(refused[0]).toMatchObject({ userId: 'ana', reason: `the session belongs to workstation ${WORKSTATION}, not to ws-otro-puesto`, detail: { workstationId: 'ws-otro-puesto' } });
  });

  it('keeps a session that never said its workstation working, and binds it at the first refresh that names one', async () => {
    const { server, client, login } = await signedIn();
    expect(claimsOf(login.accessToken)).not.toHaveProperty('wks');
    expect((await client.pull(login.accessToken, 'tickets')).status).toBe(200);
    const still = (await client.refresh(login.refreshToken)).body as RefreshResponse;
    expect(claimsOf(still.accessToken)).not.toHaveProperty('wks');

    const bound = (await client.refresh(still.refreshToken, WORKSTATION)).body as RefreshResponse;
    expect(claimsOf(bound.accessToken).wks).toBe(WORKSTATION);
    // From then on it is that workstation's.
    const later = (await client.refresh(bound.refreshToken)).body as RefreshResponse;
    expect(claimsOf(later.accessToken).wks).toBe(WORKSTATION);
    expect((await client.refresh(later.refreshToken, 'ws-otro-puesto')).status).toBe(401);
    const entries = await server.db.audit.query({ action: 'refresh' });
    expect(entries.map((entry) => [entry.outcome, entry.reason])).toEqual([
      ['ok', 'session bound to its workstation'],
      ['refused', `the session belongs to workstation ${WORKSTATION}, not to ws-otro-puesto`],
    ]);
  });

  it('refuses a sign-in whose workstation id is not one', async () => {
    const server = await start();
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    for (const workstationId of ['', 'x'.repeat(41)]) {
      const response = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: clerk.email, password: clerk.password, workstationId }),
      });
      expect({ status: response.status, body: await response.json() }).toEqual({
        status: 400,
        body: { ok: false, error: { code: 'bad_request', message: expect.stringMatching(/^login\.workstationId must be a workstation id of 1 to 40 characters/) } },
      });
    }
  });
});
