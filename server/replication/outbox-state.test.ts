// A reply queued before its ticket was routed to another department still leaves from its
// workstation's outbox; that workstation may then push its delivery state — only that — although
// the ticket is no longer in the clerk's departments (rights.ts `outboxStateWrite`), and each such
// write is audited. The session says which workstation it is on: the workstation id sent at
// sign-in, bound to its tokens (server/auth). Over HTTP, on the server's databases.
import { describe, expect, it } from 'vitest';
import { buildReplyMessage } from '../../core/mail/outgoing';
import type { Message } from '../../core/schemas';
import { pullQueryString, type PullResponse } from '../../core/sync/replication-protocol';
import { insertRow, ticketDoc, updateRow } from '../test-support/council-documents';
import { databaseEngines } from '../test-support/server-databases';
import { addUser, apiClient, tokenFor, useTestServers, type TestServer, type TestUser } from '../test-support/test-server';

const T0 = Date.UTC(2026, 10, 2, 9, 0);
const WORKSTATION = 'ws-oac-centro-3';
/** Another workstation of the council (the same clerk's at home, or a colleague's). */
const OTHER_WORKSTATION = 'ws-oac-norte-1';

type Stored = Message & { _deleted: boolean };

/** A reply of `authorId` (or an automatic answer) in ticket t1, queued in WORKSTATION's outbox. */
function reply(id: string, authorId?: string): Stored {
  const message = buildReplyMessage({
    id,
    ticket: { id: 't1', reference: '2026-7KQ4-M2XD', citizenId: '', subject: 'Vado en la calle Real' },
    to: [{ address: 'ana.ruiz@correo.test' }],
    from: { address: 'registro@ayto.test' },
    mailDomain: 'ayto.test',
    text: 'Su solicitud de vado está en trámite.',
    auto: authorId === undefined,
    ...(authorId !== undefined && { authorId }),
    createdAt: T0,
    workstationId: WORKSTATION,
  });
  return { ...message, _deleted: false };
}

const sent = (message: Stored, changes: Partial<NonNullable<Message['outbox']>> = {}): Stored => ({
  ...message,
  outbox: { ...message.outbox!, state: 'sent', attempts: 1, sentAt: T0 + 60_000, changedAt: message.outbox!.changedAt + 60_000, ...changes },
});

describe.each(databaseEngines())('a reply’s delivery state outside the clerk’s departments, on $name', (engine) => {
  const start = useTestServers(engine);
  let server: TestServer | undefined;

  /**
   * Ana (clerk, urbanismo) wrote replies in t1 on WORKSTATION, which the administrator then routed
   * to padrón. `ana` and `luis` are sessions on WORKSTATION; `anaElsewhere` is Ana's on another.
   */
  async function routedAway(...replies: Stored[]) {
    server = await start();
    const admin = tokenFor(await addUser(server.db, 'admin', 'admin'));
    const anaUser = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const luisUser = await addUser(server.db, 'luis', 'clerk', ['urbanismo']);
    const ana = tokenFor(anaUser, undefined, WORKSTATION);
    const anaElsewhere = tokenFor(anaUser, undefined, OTHER_WORKSTATION);
    const luis = tokenFor(luisUser, undefined, WORKSTATION);
    const eva = tokenFor(await addUser(server.db, 'eva', 'supervisor', ['padron']));
    const client = apiClient(server.url);
    const ticket = ticketDoc('t1', 'urbanismo');
    expect((await client.push(ana, 'tickets', [insertRow(ticket)])).status).toBe(200);
    expect((await client.push(ana, 'messages', replies.map((message) => insertRow(message)))).status).toBe(200);
    expect((await client.push(admin, 'tickets', [updateRow(ticket, { ...ticket, departmentId: 'padron' })])).status).toBe(200);
    return { server, client, ana, anaElsewhere, luis, eva, users: { ana: anaUser, luis: luisUser } };
  }

  /** Signs `user` in for real, as a workstation does: `workstationId` is bound to the session's tokens. */
  async function signIn(user: TestUser, workstationId?: string): Promise<{ accessToken: string; refreshToken: string }> {
    const answer = await apiClient(server!.url).login(user, 'OAC', workstationId);
    expect(answer.status).toBe(200);
    return answer.body as { accessToken: string; refreshToken: string };
  }

  const refusal = (id: string, why = '') => ({
    ok: false,
    error: { code: 'forbidden', message: `push refused, nothing was stored: message "${id}" is in department "padron", which is not one of yours${why}` },
  });
  const ELSEWHERE = '; its delivery state is written only from the workstation that sends it, and this session is on another one';
  const UNBOUND = '; its delivery state is written only from the workstation that sends it, and this session does not say which workstation it is on: sign in again on that workstation';

  async function storedMessage(id: string): Promise<Stored> {
    const [row] = await server!.db.getDocuments('messages', [id]);
    return JSON.parse(row!.body) as Stored;
  }

  it('lets the author push that their reply was sent from its workstation, for the new department to see, and audits it', async () => {
    const queued = reply('m-reply', 'ana');
    const { server, client, ana, eva } = await routedAway(queued);
    expect(await client.push(ana, 'messages', [updateRow(queued, sent(queued))])).toMatchObject({ status: 200, body: [] });
    expect(await storedMessage('m-reply')).toEqual(sent(queued));

    const pulled = await client.pull(eva, 'messages', pullQueryString({ checkpoint: null, limit: 10 }));
    expect((pulled.body as PullResponse).documents).toEqual([sent(queued)]);
    const [entry] = await server.db.audit.query({ action: 'write', collection: 'messages' });
    expect(entry).toMatchObject({ userId: 'ana', documentId: 'm-reply', outcome: 'ok', detail: { rule: 'outbox-state', state: 'sent', workstationId: WORKSTATION, role: 'clerk', via: 'http' } });
  });

  it('refuses anything else: another field, another owner, an older state, a deletion, another clerk, another workstation', async () => {
    const queued = reply('m-reply', 'ana');
    const { server, client, ana, anaElsewhere, luis } = await routedAway(queued);
    const refusedPushes: [string, string, Stored, string][] = [
      ['the text', ana, { ...sent(queued), text: 'Otro texto' }, ''],
      ['the recipients', ana, { ...sent(queued), email: { ...queued.email!, to: [{ address: 'otro@correo.test' }] } }, ''],
      ['the owner', ana, sent(queued, { workstationId: 'ws-otro' }), ''],
      ['an older state', ana, sent(queued, { changedAt: queued.outbox!.changedAt }), ''],
      ['a deletion', ana, { ...sent(queued), _deleted: true }, ''],
      ['another clerk on its workstation', luis, sent(queued), ''],
      ['the author on another workstation', anaElsewhere, sent(queued), ELSEWHERE],
    ];
    for (const [what, token, pushed, why] of refusedPushes) {
      const answer = await client.push(token, 'messages', [updateRow(queued, pushed)]);
      expect({ what, status: answer.status, body: answer.body }).toEqual({ what, status: 403, body: refusal('m-reply', why) });
    }
    expect(await storedMessage('m-reply')).toEqual(queued);
    expect(await server.db.audit.query({ action: 'write', collection: 'messages' })).toEqual([]);
    // Nor does it reach the ticket.
    const ticket = ticketDoc('t1', 'padron');
    expect((await client.push(ana, 'tickets', [updateRow(ticket, { ...ticket, status: 'resolved' })])).status).toBe(403);
  });

  it('hands the owner the stored reply when their push assumed another state, so they can push on top of it', async () => {
    const queued = reply('m-reply', 'ana');
    const { client, ana } = await routedAway(queued);
    const sending = { ...queued, outbox: { ...queued.outbox!, state: 'sending' as const, attempts: 1, changedAt: queued.outbox!.changedAt + 1_000 } };
    // Assumed `sending` (this workstation's last state), while the server still has `queued`.
    expect(await client.push(ana, 'messages', [updateRow(sending, sent(queued))])).toMatchObject({ status: 200, body: [queued] });
    expect(await client.push(ana, 'messages', [updateRow(queued, sent(queued))])).toMatchObject({ status: 200, body: [] });
    expect(await storedMessage('m-reply')).toEqual(sent(queued));
  });

  it('lets only the workstation that ingested the mail move an automatic answer’s state: not another of the same clerk, nor another clerk', async () => {
    const acknowledgement = reply('m-ack');
    const { server, client, users } = await routedAway(acknowledgement);
    // Real sign-ins: Luis on the workstation that sends it and on another one, Ana on another
    // one, and Luis in a session that does not say its workstation (an older client).
    const luisHere = await signIn(users.luis, WORKSTATION);
    const luisElsewhere = await signIn(users.luis, OTHER_WORKSTATION);
    const anaElsewhere = await signIn(users.ana, OTHER_WORKSTATION);
    const luisUnbound = await signIn(users.luis);
    const push = (token: string) => client.push(token, 'messages', [updateRow(acknowledgement, sent(acknowledgement))]);

    expect(await push(luisElsewhere.accessToken)).toEqual(expect.objectContaining({ status: 403, body: refusal('m-ack', ELSEWHERE) }));
    expect(await push(anaElsewhere.accessToken)).toEqual(expect.objectContaining({ status: 403, body: refusal('m-ack', ELSEWHERE) }));
    expect(await push(luisUnbound.accessToken)).toEqual(expect.objectContaining({ status: 403, body: refusal('m-ack', UNBOUND) }));
    expect(await storedMessage('m-ack')).toEqual(acknowledgement);
    // The refusals name the workstation each came from.
    const refused = await server.db.audit.query({ action: 'push', outcome: 'refused', documentId: 'm-ack' });
    expect(refused.map((entry) => [entry.userId, (entry.detail as { workstationId?: string }).workstationId ?? null])).toEqual([
      ['luis', OTHER_WORKSTATION],
      ['ana', OTHER_WORKSTATION],
      ['luis', null],
    ]);

    expect(await push(luisHere.accessToken)).toMatchObject({ status: 200, body: [] });
    expect(await storedMessage('m-ack')).toEqual(sent(acknowledgement));
    const [written] = await server.db.audit.query({ action: 'write', collection: 'messages' });
    expect(written).toMatchObject({ userId: 'luis', documentId: 'm-ack', detail: { rule: 'outbox-state', state: 'sent', workstationId: WORKSTATION } });
  });

  it('takes the state from a session signed in before it said its workstation once its refresh names it', async () => {
    const acknowledgement = reply('m-ack');
    const { client, users } = await routedAway(acknowledgement);
    const unbound = await signIn(users.luis);
    const refreshed = await client.refresh(unbound.refreshToken, WORKSTATION);
    expect(refreshed.status).toBe(200);
    const { accessToken } = refreshed.body as { accessToken: string };
    expect(await client.push(accessToken, 'messages', [updateRow(acknowledgement, sent(acknowledgement))])).toMatchObject({ status: 200, body: [] });
    expect(await storedMessage('m-ack')).toEqual(sent(acknowledgement));
  });
});
