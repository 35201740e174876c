// The workstation's session names the workstation (its stable id, main/host/workstation-id.ts) at
// every sign-in and refresh, and the central server binds the session to it: only the session of
// the workstation that sends a reply may push the reply's delivery state once its ticket has left
// the clerk's departments. Here an automatic acknowledgement — which has no author, so the
// workstation is all that owns it — against the project's own server, through the sync's
// AuthSession as the workstation signs in.
import { describe, expect, it } from 'vitest';
import { buildReplyMessage } from '../../core/mail/outgoing';
import type { Message } from '../../core/schemas';
import { API_PATHS, WORKSTATION_REFUSED_MESSAGE, parseLoginResponse, type AuthTokens, type PushRow } from '../../core/sync';
import { plainSessionVault } from '../host/session-vault';
import { workstationIdOf, workstationSecretOf } from '../host/workstation-id';
import { AuthSession } from './auth-session';
import { SyncError } from './sync-errors';
import { pushAs, serverDocuments } from './test-support/central-server';
import { ADMIN, ANA, LUIS, temporaryFolder, ticket } from './test-support/council';
import { useSyncFixture } from './test-support/sync-fixture';

const fixture = useSyncFixture('ventanilla-workstation-binding-');
const fetchFunction = (input: string, init: RequestInit) => fetch(input, init);

/** The workstation that ingested the mail and queued the acknowledgement, and another one. */
const INGESTING = 'ws-oac-centro-3';
const OTHER = 'ws-oac-norte-1';

function acknowledgement(at: number): Message & { _deleted: boolean } {
  const message = buildReplyMessage({
    id: 'm-ack',
    ticket: { id: 't-vado', reference: 'URB-t-vado', citizenId: '', subject: 'Vado en la calle Real' },
    to: [{ address: 'ana.ruiz@correo.test' }],
    from: { address: 'registro@ayto.test' },
    mailDomain: 'ayto.test',
    text: 'Hemos recibido su solicitud.',
    auto: true,
    createdAt: at,
    workstationId: INGESTING,
  });
  return { ...message, _deleted: false };
}

describe('the delivery state of an automatic answer whose ticket left the clerk’s departments', () => {
  it('moves only from the workstation that sends it: not another of the same clerk, nor another clerk', async () => {
    const url = fixture.server.url;
    const sessions: AuthSession[] = [];
    const session = (credentials: { email: string; password: string }, workstationId: string) => {
      const started = new AuthSession({ serverUrl: url, fetch: fetchFunction, credentials, workstationId });
      sessions.push(started);
      return started;
    };
    const push = async (on: AuthSession, rows: PushRow[]) => {
      const response = await fetch(`${url}${API_PATHS.push('messages')}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await on.accessToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify(rows),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    try {
      const now = Date.now();
      const queued = acknowledgement(now);
      const sent = { ...queued, outbox: { ...queued.outbox!, state: 'sent' as const, attempts: 1, sentAt: now + 1_000, changedAt: now + 1_000 } };
      const anaHere = session(ANA, INGESTING);
      await pushAs(url, ADMIN, 'tickets', [{ newDocumentState: { ...ticket('t-vado', now), _deleted: false } }]);
      expect(await push(anaHere, [{ newDocumentState: queued }])).toEqual({ status: 200, body: [] });
      // Urbanismo routes the ticket to Padrón: the acknowledgement leaves Ana's and Luis's scope.
      await pushAs(url, ADMIN, 'tickets', [{ assumedMasterState: { ...ticket('t-vado', now), _deleted: false }, newDocumentState: { ...ticket('t-vado', now, { departmentId: 'padron' }), _deleted: false } }]);

      const update: PushRow[] = [{ assumedMasterState: queued, newDocumentState: sent }];
      for (const [who, on] of [
        ['Ana on another workstation', session(ANA, OTHER)],
        ['Luis on another workstation', session(LUIS, OTHER)],
      ] as const) {
        const answer = await push(on, update);
        expect({ who, ...answer }).toEqual({
          who,
          status: 403,
          body: {
            ok: false,
            error: {
              code: 'forbidden',
              message:
                'push refused, nothing was stored: message "m-ack" is in department "padron", which is not one of yours; its delivery state is written only from the workstation that sends it, and this session is on another one',
            },
          },
        });
      }
      expect((await serverDocuments(url, ADMIN, 'messages')).find((message) => message.id === 'm-ack')).toMatchObject({ outbox: { state: 'queued' } });

      // The workstation that sends it, whoever is signed in on it.
      expect(await push(session(LUIS, INGESTING), update)).toEqual({ status: 200, body: [] });
      expect((await serverDocuments(url, ADMIN, 'messages')).find((message) => message.id === 'm-ack')).toMatchObject({ outbox: { state: 'sent', workstationId: INGESTING } });
    } finally {
      for (const started of sessions) started.stop();
    }
  }, 60_000);

  it('takes it from a session kept from before the server asked, once its refresh has named the workstation', async () => {
    const url = fixture.server.url;
    // Tokens as an older workstation kept them: signed in without naming the workstation.
    const login = await fetch(`${url}${API_PATHS.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ANA) });
    const kept = parseLoginResponse(await login.json());
    if (!kept.ok) throw new Error(kept.error.message);
    const { user: _user, ...tokens } = kept.value;
    const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { wks?: string };
    expect(claimsOf(tokens.accessToken).wks).toBeUndefined();

    const session = new AuthSession({ serverUrl: url, fetch: fetchFunction, tokens, workstationId: INGESTING });
    try {
      // Its next refresh (forced here, as a 401 on any call would) names the workstation, which binds the session.
      await session.tokenRefused(tokens.accessToken);
      expect(claimsOf(await session.accessToken()).wks).toBe(INGESTING);
    } finally {
      session.stop();
    }
  }, 60_000);
});

describe('a workstation proving its id with its secret', () => {
  it('registers it at its first sign-in; another installation claiming the id is signed out, saying why, and the workstation goes on', async () => {
    const url = fixture.server.url;
    const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { wks?: string };
    const here = temporaryFolder('ventanilla-workstation-here-');
    const elsewhere = temporaryFolder('ventanilla-workstation-elsewhere-');
    const sessions: AuthSession[] = [];
    const session = (options: ConstructorParameters<typeof AuthSession>[0]) => {
      const started = new AuthSession(options);
      sessions.push(started);
      return started;
    };
    try {
      // The workstation's id and secret, as the app keeps them in its data folder.
      const workstationId = workstationIdOf(here.folder);
      const proof = () => ({ workstationId, workstationSecret: workstationSecretOf(plainSessionVault(here.folder)) });
      let kept: AuthTokens | undefined;
      const ana = session({ serverUrl: url, fetch: fetchFunction, credentials: ANA, ...proof(), onTokens: (tokens) => (kept = tokens) });
      expect(claimsOf(await ana.accessToken()).wks).toBe(workstationId);

      // Someone who read the id (every reply carries it) and has Luis's password, with a secret of their own.
      const impostor = session({ serverUrl: url, fetch: fetchFunction, credentials: LUIS, workstationId, workstationSecret: workstationSecretOf(plainSessionVault(elsewhere.folder)) });
      const refused = await impostor.accessToken().catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(SyncError);
      expect(refused).toMatchObject({ kind: 'signed-out', code: 'forbidden', message: WORKSTATION_REFUSED_MESSAGE });
      expect(impostor.state$.value).toBe('signed-out');

      // The workstation itself refreshes as before, and so does the next start of the app, from its kept tokens and secret.
      await ana.tokenRefused(await ana.accessToken());
      ana.stop();
      const restarted = session({ serverUrl: url, fetch: fetchFunction, tokens: kept!, ...proof() });
      await restarted.tokenRefused(kept!.accessToken);
      expect(claimsOf(await restarted.accessToken()).wks).toBe(workstationId);
    } finally {
      for (const started of sessions) started.stop();
      here.remove();
      elsewhere.remove();
    }
  }, 60_000);
});
