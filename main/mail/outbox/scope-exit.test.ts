// A reply whose ticket is routed to another department before it leaves: the ticket and its
// messages leave the clerk's replica (the central server sends them as deletions), and the
// reply must still reach the citizen, once, and its state must reach the server — which takes a
// reply's delivery state from its owner outside their departments — so the other department
// sees it sent. Real central server (run from its command line), real SMTP server.
import { describe, expect, it } from 'vitest';
import { firstValueFrom, filter } from 'rxjs';
import type { Message } from '../../../core/schemas/messages';
import type { Ticket } from '../../../core/schemas';
import { isSyncError } from '../../sync/sync-errors';
import { pushAs } from '../../sync/test-support/central-server';
import { ADMIN, ticket } from '../../sync/test-support/council';
import { waitUntil } from '../test-support/mail-fixture';
import { centralServerPublisher, type AwayStatePublisher } from './away-states';
import { OUTBOX_BACKOFF } from './outbox';
import { serverCopy, useCentralServerOutbox } from './test-support/central-outbox';
import { manualTime, messageIdOf, replyIn, waitForDocument } from './test-support/outbox-fixtures';

const WORKSTATION = 'ws-oac-centro-3';
const bed = useCentralServerOutbox({ workstationId: WORKSTATION });

/** The administrator routes a ticket to another department on the server. */
async function route(url: string, ticketId: string, departmentId: string): Promise<void> {
  const held = await serverCopy<Ticket & { _deleted: boolean }>(url, 'tickets', ticketId, () => true);
  const { _deleted: _unused, ...stored } = held;
  await pushAs(url, ADMIN, 'tickets', [{ assumedMasterState: held, newDocumentState: { ...stored, departmentId, updatedAt: Date.now(), _deleted: false } }]);
}

describe('a reply whose ticket leaves the clerk\'s departments before it is sent', () => {
  it('still leaves once the mail server is back, its state reaches the server while away, and the document when the ticket returns', async () => {
    const { server, smtp, local, sync } = bed;
    let outbox = bed.openOutbox();
    await local.db.tickets.insert(ticket('tkt-vado', Date.now(), { subject: 'Vado en la calle Real' }));
    await sync.awaitInSync();
    await smtp.stop();
    const anaId = bed.session.userId;

    const queued = await outbox.queueReply(
      replyIn({ id: 'tkt-vado', subject: 'Vado en la calle Real' }, { text: 'Su solicitud de vado está en trámite; le llamaremos para la visita técnica.', authorId: anaId }),
    );
    await waitForDocument(local.db.messages, queued.id, (message) => message.outbox?.state === 'queued' && message.outbox.attempts >= 1);
    await serverCopy<Message>(server.url, 'messages', queued.id, (message) => message.outbox?.state === 'queued');

    // Urbanismo hands the ticket to Padrón: it leaves Ana's replica with its messages.
    await route(server.url, 'tkt-vado', 'padron');
    await waitUntil(async () => (await local.db.messages.findOne(queued.id).exec()) === null, 'the reply gone from the replica', 20_000);
    await waitUntil(async () => (await local.db.tickets.findOne('tkt-vado').exec()) === null, 'the ticket gone from the replica', 20_000);
    // Still in this workstation's outbox, waiting for the mail server.
    const waiting = await firstValueFrom(outbox.outboxStatus$.pipe(filter((status) => status.items.some((item) => item.id === queued.id))));
    expect(waiting.items.find((item) => item.id === queued.id)).toMatchObject({ state: 'queued', to: ['ana.ruiz@gmail.com'] });

    await smtp.start();
    await outbox.sendNow();
    const [received] = await smtp.waitFor(1);
    expect(messageIdOf(received!)).toBe(queued.email!.messageId);
    expect(received!.to).toEqual(['ana.ruiz@gmail.com']);
    expect(received!.headers.get('subject')).toContain('[#2026-7KQ4-M2XD]');
    await firstValueFrom(outbox.outboxStatus$.pipe(filter((status) => status.items.every((item) => item.id !== queued.id))));
    // Padrón sees it sent, though the ticket is not Ana's any more.
    const onPadron = await serverCopy<Message>(server.url, 'messages', queued.id, (message) => message.outbox?.state === 'sent');
    expect(onPadron.outbox).toMatchObject({ state: 'sent', workstationId: WORKSTATION });
    expect(onPadron.text).toBe(queued.text);

    // A restart while the ticket is away sends nothing again.
    await outbox.stop();
    bed.forgetOutboxes();
    outbox = bed.openOutbox();
    await outbox.sendNow();

    // Padrón sends the ticket back: the reply returns with the state the server has (sent),
    // and the outbox does not send it again.
    await route(server.url, 'tkt-vado', 'urbanismo');
    const back = await waitForDocument(local.db.messages, queued.id, (message) => message.outbox?.state === 'sent', 20_000);
    expect(back.outbox).toMatchObject({ state: 'sent', workstationId: WORKSTATION });
    // The failed attempts while the mail server was down, and the one that went out while away.
    expect(back.outbox!.attempts).toBeGreaterThanOrEqual(2);
    expect(back.outbox!.sentAt).toBeGreaterThan(queued.createdAt);
    await serverCopy<Message>(server.url, 'messages', queued.id, (message) => message.outbox?.state === 'sent');
    await outbox.sendNow();
    expect(smtp.received).toHaveLength(1);
  }, 90_000);

  it('waits out an unreachable central server with its backoff, and pushes the state at once when the server is back', async () => {
    const { server, smtp, local, sync } = bed;
    // The real push route, watched: what each push met. The waits are the test's (manualTime).
    const time = manualTime();
    const failures: unknown[] = [];
    const central = centralServerPublisher({ serverUrl: server.url, accessToken: () => Promise.resolve(bed.session.accessToken) });
    const publishAwayState: AwayStatePublisher = (reply) =>
      central(reply).catch((error: unknown) => {
        failures.push(error);
        throw error;
      });
    const outbox = bed.openOutbox({ publishAwayState, backoff: OUTBOX_BACKOFF, random: () => 1, setAlarm: time.setAlarm });
    await local.db.tickets.insert(ticket('tkt-vado', Date.now(), { subject: 'Vado en la calle Real' }));
    await sync.awaitInSync();
    await smtp.stop();
    const queued = await outbox.queueReply(replyIn({ id: 'tkt-vado', subject: 'Vado en la calle Real' }, { authorId: bed.session.userId }));
    await serverCopy<Message>(server.url, 'messages', queued.id, (message) => message.outbox?.state === 'queued' && message.outbox.attempts >= 1);
    await route(server.url, 'tkt-vado', 'padron');
    await waitUntil(async () => (await local.db.messages.findOne(queued.id).exec()) === null, 'the reply gone from the replica', 20_000);

    // The central server goes down, the mail server comes back: the reply leaves, its state waits.
    await server.stop();
    await smtp.start();
    await outbox.sendNow();
    expect(smtp.received).toHaveLength(1);
    // One push met the server down (then the rounds after it waited, rather than knock again).
    expect(failures).toHaveLength(1);
    expect(isSyncError(failures[0]) && failures[0].kind).toBe('offline');
    expect(time.waiting).toBeDefined();

    // Back: the sync says so, and the state goes without waiting for the backoff to end.
    await server.restart();
    outbox.centralServerOnline();
    await outbox.idle();
    const onPadron = await serverCopy<Message>(server.url, 'messages', queued.id, (message) => message.outbox?.state === 'sent');
    expect(onPadron.outbox).toMatchObject({ state: 'sent', workstationId: WORKSTATION });
    expect(failures).toHaveLength(1);
    expect(time.waiting).toBeUndefined();
  }, 90_000);
});
