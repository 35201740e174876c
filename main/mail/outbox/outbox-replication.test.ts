// The outbox on a clerk's real local database, replicating with the project's central server (run
// from its command line): a reply sent while the central server is down reaches the server as
// `sent` once it is back, and the other workstations never send it.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../core/schemas/messages';
import { ticket } from '../../sync/test-support/council';
import { serverCopy, useCentralServerOutbox } from './test-support/central-outbox';
import { replyIn, waitForDocument } from './test-support/outbox-fixtures';

const bed = useCentralServerOutbox({ workstationId: 'ws-oac-centro-3' });

describe('the outbox with the central server', () => {
  it('sends while the central server is down, and the server learns it was sent once it is back', async () => {
    const { server, smtp, local, sync } = bed;
    const outbox = bed.openOutbox();
    await local.db.tickets.insert(ticket('tkt-vado', Date.now(), { subject: 'Vado en la calle Real' }));
    await sync.awaitInSync();
    await server.stop();

    const queued = await outbox.queueReply(replyIn({ id: 'tkt-vado', subject: 'Vado en la calle Real' }, { authorId: 'usr-ana' }));
    await smtp.waitFor(1);
    await waitForDocument(local.db.messages, queued.id, (message) => message.outbox?.state === 'sent');

    await server.restart();
    const copy = await serverCopy<Message>(server.url, 'messages', queued.id, (message) => message.outbox?.state === 'sent');
    expect(copy.outbox).toMatchObject({ state: 'sent', workstationId: 'ws-oac-centro-3', attempts: 1 });
    expect(smtp.received).toHaveLength(1);
  });

  it('replicates each change of a reply\'s state, not only its first', async () => {
    const { server, smtp, local } = bed;
    const outbox = bed.openOutbox();
    await local.db.tickets.insert(ticket('tkt-ruido', Date.now()));
    await smtp.stop();
    const queued = await outbox.queueReply(replyIn({ id: 'tkt-ruido', subject: 'Ruido' }, { text: 'Hemos avisado a la Policía Local.' }));
    const waiting = await serverCopy<Message>(server.url, 'messages', queued.id, (message) => message.outbox?.state === 'queued' && (message.outbox.error ?? '').startsWith('No se puede conectar'));
    expect(waiting.outbox?.attempts).toBeGreaterThanOrEqual(1);
    await smtp.start();
    await serverCopy<Message>(server.url, 'messages', queued.id, (message) => message.outbox?.state === 'sent');
  });
});
