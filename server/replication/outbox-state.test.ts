// A reply queued before its ticket was routed to another department still leaves from its
// workstation's outbox; its owner may then push its delivery state — only that — although the
// ticket is no longer in their departments (rights.ts `outboxStateWrite`), and each such write is
// audited. Over HTTP, on the server's databases.
import { describe, expect, it } from 'vitest';
import { buildReplyMessage } from '../../core/mail/outgoing';
import type { Message } from '../../core/schemas';
import { pullQueryString, type PullResponse } from '../../core/sync/replication-protocol';
import { insertRow, ticketDoc, updateRow } from '../test-support/council-documents';
import { databaseEngines } from '../test-support/server-databases';
import { addUser, apiClient, tokenFor, useTestServers, type TestServer } from '../test-support/test-server';

const T0 = Date.UTC(2026, 10, 2, 9, 0);
const WORKSTATION = 'ws-oac-centro-3';

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

  /** Ana (clerk, urbanismo) wrote replies in t1, which the administrator then routed to padrón. */
  async function routedAway(...replies: Stored[]) {
    server = await start();
    const admin = tokenFor(await addUser(server.db, 'admin', 'admin'));
    const ana = tokenFor(await addUser(server.db, 'ana', 'clerk', ['urbanismo']));
    const luis = tokenFor(await addUser(server.db, 'luis', 'clerk', ['urbanismo']));
    const eva = tokenFor(await addUser(server.db, 'eva', 'supervisor', ['padron']));
    const client = apiClient(server.url);
    const ticket = ticketDoc('t1', 'urbanismo');
    expect((await client.push(ana, 'tickets', [insertRow(ticket)])).status).toBe(200);
    expect((await client.push(ana, 'messages', replies.map((message) => insertRow(message)))).status).toBe(200);
    expect((await client.push(admin, 'tickets', [updateRow(ticket, { ...ticket, departmentId: 'padron' })])).status).toBe(200);
    return { server, client, ana, luis, eva };
  }

  async function storedMessage(id: string): Promise<Stored> {
    const [row] = await server!.db.getDocuments('messages', [id]);
    return JSON.parse(row!.body) as Stored;
  }

  it('lets the author push that their reply was sent, for the new department to see, and audits it', async () => {
    const queued = reply('m-reply', 'ana');
    const { server, client, ana, eva } = await routedAway(queued);
    expect(await client.push(ana, 'messages', [updateRow(queued, sent(queued))])).toMatchObject({ status: 200, body: [] });
    expect(await storedMessage('m-reply')).toEqual(sent(queued));

    const pulled = await client.pull(eva, 'messages', pullQueryString({ checkpoint: null, limit: 10 }));
    expect((pulled.body as PullResponse).documents).toEqual([sent(queued)]);
    const [entry] = await server.db.audit.query({ action: 'write', collection: 'messages' });
    expect(entry).toMatchObject({ userId: 'ana', documentId: 'm-reply', outcome: 'ok', detail: { rule: 'outbox-state', state: 'sent', workstationId: WORKSTATION, role: 'clerk', via: 'http' } });
  });

  it('refuses anything else: another field, another owner, an older state, a deletion, another clerk', async () => {
    const queued = reply('m-reply', 'ana');
    const { server, client, ana, luis } = await routedAway(queued);
    const refusedPushes: [string, string, Stored][] = [
      ['the text', ana, { ...sent(queued), text: 'Otro texto' }],
      ['the recipients', ana, { ...sent(queued), email: { ...queued.email!, to: [{ address: 'otro@correo.test' }] } }],
      ['the owner', ana, sent(queued, { workstationId: 'ws-otro' })],
      ['an older state', ana, sent(queued, { changedAt: queued.outbox!.changedAt })],
      ['a deletion', ana, { ...sent(queued), _deleted: true }],
      ['another clerk', luis, sent(queued)],
    ];
    for (const [what, token, pushed] of refusedPushes) {
      const answer = await client.push(token, 'messages', [updateRow(queued, pushed)]);
      expect({ what, status: answer.status, body: answer.body }).toEqual({
        what,
        status: 403,
        body: { ok: false, error: { code: 'forbidden', message: 'push refused, nothing was stored: message "m-reply" is in department "padron", which is not one of yours' } },
      });
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

  it('lets whoever ingested the mail push the state of an automatic answer, which has no author', async () => {
    const acknowledgement = reply('m-ack');
    const { client, luis } = await routedAway(acknowledgement);
    expect(await client.push(luis, 'messages', [updateRow(acknowledgement, sent(acknowledgement))])).toMatchObject({ status: 200, body: [] });
    expect(await storedMessage('m-ack')).toEqual(sent(acknowledgement));
  });
});
