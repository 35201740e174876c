import { describe, expect, it } from 'vitest';
import { firstValueFrom, filter } from 'rxjs';
import type { Message } from '../../../core/schemas/messages';
import { parseHeaderBlock } from '../../../core/mail/loops';
import { buildReplyMessage } from '../../../core/mail/outgoing';
import type { QueueReplyInput } from './outbox';
import { messageIdOf, smtpAccount, useOutboxWorkstation, waitForDocument } from './test-support/outbox-fixtures';
import { waitUntil } from '../test-support/mail-fixture';
import type { SmtpAccount } from './smtp-transport';
import { BlobStore } from '../../blobs/blob-store';

const citizenMail: Message = {
  id: '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
  kind: 'email_in',
  ticketId: 'tkt-ruido',
  citizenId: 'cit-0001',
  subject: 'Ruido nocturno en la calle Mayor',
  text: 'Desde hace dos semanas el bar tiene música hasta las 3:00.',
  email: {
    messageId: 'CAFx3k9=abc123@mail.gmail.com',
    references: [],
    from: { address: 'ana.ruiz@gmail.com', name: 'Ana Ruiz Gómez' },
    to: [{ address: 'registro@ayto-villanueva.es' }],
    cc: [],
    mailbox: 'registro@ayto-villanueva.es',
  },
  attachments: [],
  createdAt: Date.UTC(2026, 2, 10, 8),
  auto: false,
};

const clerkReply: QueueReplyInput = {
  ticket: { id: 'tkt-ruido', reference: '2026-7KQ4-M2XD', citizenId: 'cit-0001', subject: 'Ruido nocturno' },
  answering: citizenMail,
  from: { address: 'registro@ayto-villanueva.es', name: 'Ayuntamiento de Villanueva' },
  mailDomain: 'ayto-villanueva.es',
  text: 'Buenos días: hemos trasladado su queja a la Policía Local.',
  html: '<p>Buenos días: hemos trasladado su queja a la <b>Policía Local</b>.</p>',
  authorId: 'usr-lucia',
};

const bed = useOutboxWorkstation();

describe('outbox', () => {
  it('sends a clerk\'s reply with its threading headers and the reference in the subject, with no central server anywhere', async () => {
    const outbox = bed.openOutbox();
    const queued = await outbox.queueReply(clerkReply);
    expect(queued.outbox).toMatchObject({ state: 'queued', workstationId: 'ws-oac-centro-3', attempts: 0 });

    const [mail] = await bed.smtp.waitFor(1);
    const sent = await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.state === 'sent');
    expect(sent.outbox).toMatchObject({ attempts: 1 });
    expect(mail!.to).toEqual(['ana.ruiz@gmail.com']);
    expect(messageIdOf(mail!)).toBe(`ventanilla.${queued.id}@ayto-villanueva.es`);
    expect(mail!.headers.get('in-reply-to')).toBe('<CAFx3k9=abc123@mail.gmail.com>');
    expect(mail!.headers.get('references')).toBe('<CAFx3k9=abc123@mail.gmail.com>');
    expect(mail!.headers.get('subject')).toContain('[#2026-7KQ4-M2XD]');
    expect(mail!.headers.has('auto-submitted')).toBe(false);
    expect(mail!.raw).toContain('multipart/alternative');
  });

  it('attaches files from the blob store as they stream from disk', async () => {
    const blobs = await BlobStore.open(`${bed.workstation.folder}/blobs`);
    const pdf = Buffer.from('%PDF-1.7\nresolución de la licencia de obra menor\n%%EOF');
    const { sha256, size } = await blobs.putBytes(pdf);
    const outbox = bed.openOutbox({ openAttachment: (attachment) => blobs.open(attachment.sha256) });
    await outbox.queueReply({ ...clerkReply, attachments: [{ sha256, size, name: 'Resolución 2026-123.pdf', mimeType: 'application/pdf' }] });
    const [mail] = await bed.smtp.waitFor(1);
    expect(mail!.raw).toMatch(/Content-Type: application\/pdf;\r\n name="=\?UTF-8\?Q\?Resoluci=C3=B3n_2026-123=2Epdf\?="/);
    expect(mail!.raw.replace(/\r\n/g, '')).toContain(pdf.toString('base64'));
  });

  it('keeps a reply queued while the mail server is down, backs off, and sends it once when the server is back', async () => {
    await bed.smtp.stop();
    const outbox = bed.openOutbox();
    const queued = await outbox.queueReply(clerkReply);
    const waiting = await waitForDocument(bed.workstation.messages, queued.id, (message) => (message.outbox?.attempts ?? 0) >= 2 && message.outbox?.state === 'queued');
    expect(waiting.outbox?.error).toMatch(/No se puede conectar con el servidor de correo 127\.0\.0\.1/);
    expect(waiting.outbox?.nextAttemptAt).toBeGreaterThan(waiting.outbox!.changedAt - 1);
    const status = await firstValueFrom(outbox.outboxStatus$.pipe(filter((s) => s.mailServer === 'unreachable' && s.queued === 1)));
    expect(status.items[0]?.error).toMatch(/No se puede conectar/);

    await bed.smtp.start();
    await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.state === 'sent');
    await outbox.sendNow();
    expect(bed.smtp.received).toHaveLength(1);
    expect(messageIdOf(bed.smtp.received[0]!)).toBe(`ventanilla.${queued.id}@ayto-villanueva.es`);
  });

  it('brings the states of a reply that left the replica to the central server, again after a failure, and then forgets it', async () => {
    await bed.smtp.stop();
    // Stands for the central server's push route (away-states.ts; server/replication/outbox-state.test.ts
    // for the server's side): refused the first time, as when it cannot be reached.
    const pushed: Message[] = [];
    let refusals = 1;
    const publishAwayState = (reply: Message) => {
      if (refusals-- > 0) return Promise.reject(new Error('el servidor central no responde'));
      pushed.push(reply);
      return Promise.resolve('stored' as const);
    };
    const outbox = bed.openOutbox({ publishAwayState });
    const queued = await outbox.queueReply(clerkReply);
    await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.state === 'queued' && message.outbox.attempts >= 1);
    // The ticket is routed to another department: the replica keeps the reply as deleted.
    await (await bed.workstation.messages.findOne(queued.id).exec(true)).remove();

    await bed.smtp.start();
    await outbox.sendNow();
    await bed.smtp.waitFor(1);
    await waitUntil(() => pushed.some((reply) => reply.outbox?.state === 'sent'), 'the sent state pushed');
    const last = pushed.at(-1)!;
    expect(last.outbox).toMatchObject({ state: 'sent', workstationId: 'ws-oac-centro-3' });
    // Only the outbox part moved: the rest is the reply as it was written.
    expect({ ...last, outbox: undefined }).toEqual({ ...queued, outbox: undefined });
    expect(refusals).toBeLessThan(0);
    await waitUntil(async () => (await firstValueFrom(outbox.outboxStatus$)).items.length === 0, 'the reply gone from the outbox');

    // Nothing to send or push again after a restart.
    const count = pushed.length;
    const again = await bed.restart({ publishAwayState });
    await again.sendNow();
    expect(bed.smtp.received).toHaveLength(1);
    expect(pushed).toHaveLength(count);
  });

  it('reconnects after the mail server drops its kept connection between two replies', async () => {
    const outbox = bed.openOutbox();
    const first = await outbox.queueReply(clerkReply);
    await waitForDocument(bed.workstation.messages, first.id, (message) => message.outbox?.state === 'sent');
    await bed.smtp.stop();
    const second = await outbox.queueReply({ ...clerkReply, text: 'Segunda respuesta.' });
    await waitForDocument(bed.workstation.messages, second.id, (message) => message.outbox?.state === 'queued' && message.outbox.attempts >= 1);
    await bed.smtp.start();
    await waitForDocument(bed.workstation.messages, second.id, (message) => message.outbox?.state === 'sent');
    expect(bed.smtp.received.map(messageIdOf)).toEqual([first.email!.messageId, second.email!.messageId]);
  });

  it('tries an unreachable mail server once per round, not once per waiting reply', async () => {
    await bed.smtp.stop();
    const outbox = bed.openOutbox({ backoff: { initialMs: 60_000, maxMs: 60_000 } }, false);
    const first = await outbox.queueReply(clerkReply);
    const second = await outbox.queueReply({ ...clerkReply, text: 'Segunda respuesta.' });
    outbox.start();
    await outbox.idle();
    const attempts = async (id: string) => (await bed.workstation.messages.findOne(id).exec(true)).outbox?.attempts;
    expect([await attempts(first.id), await attempts(second.id)]).toEqual([1, 0]);
    const status = await firstValueFrom(outbox.outboxStatus$);
    expect(status).toMatchObject({ queued: 2, mailServer: 'unreachable' });

    await bed.smtp.start();
    await outbox.sendNow();
    expect(bed.smtp.received).toHaveLength(2);
  });

  it('adopts a reply the screens wrote straight into the database, once, and never puts back in line one it sent', async () => {
    const outbox = bed.openOutbox();
    const written = buildReplyMessage({ ...clerkReply, id: '019c0000-0000-7000-8000-00000000a001', createdAt: Date.now(), workstationId: 'ws-oac-centro-3', auto: false });
    await bed.workstation.messages.insert(written);
    await waitForDocument(bed.workstation.messages, written.id, (message) => message.outbox?.state === 'sent');
    // The same queued document seen again (a replication echo, a ticket routed back): nothing new.
    expect(outbox.adopt(written)).toBe(false);
    // Someone else's reply is not this outbox's to send.
    expect(outbox.adopt({ ...written, id: '019c0000-0000-7000-8000-00000000a002', outbox: { ...written.outbox!, workstationId: 'ws-otro' } })).toBe(false);
    await outbox.sendNow();
    expect(bed.smtp.received.map(messageIdOf)).toEqual([written.email!.messageId]);
  });

  it('sends nothing again after a restart once the sent state is recorded', async () => {
    const outbox = bed.openOutbox();
    const queued = await outbox.queueReply(clerkReply);
    await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.state === 'sent');
    const again = await bed.restart();
    await again.sendNow();
    expect(bed.smtp.received).toHaveLength(1);
  });

  it('records as sent, without a second copy, a reply interrupted after SMTP took it when the Sent folder holds it', async () => {
    const outbox = bed.openOutbox({ faults: { afterSmtpAccepted: () => new Promise(() => undefined) } });
    const queued = await outbox.queueReply(clerkReply);
    await bed.smtp.waitFor(1);
    const lookups: string[] = [];
    const again = await bed.restart({
      // Stands for the IMAP Sent folder: the copies the mail server filed.
      sentCopyLookup: async (_mailbox, messageId) => {
        lookups.push(messageId);
        return bed.smtp.received.some((mail) => messageIdOf(mail) === messageId);
      },
    });
    const sent = await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.state === 'sent');
    await again.sendNow();
    expect(lookups).toEqual([`ventanilla.${queued.id}@ayto-villanueva.es`]);
    expect(sent.outbox?.error).toMatch(/carpeta de enviados/);
    expect(bed.smtp.received).toHaveLength(1);
  });

  it('sends an interrupted reply again, with the same Message-ID, when no Sent folder can prove it left', async () => {
    const outbox = bed.openOutbox({ faults: { afterSmtpAccepted: () => new Promise(() => undefined) } });
    const queued = await outbox.queueReply(clerkReply);
    await bed.smtp.waitFor(1);
    expect((await bed.workstation.messages.findOne(queued.id).exec(true)).outbox?.state).toBe('sending');
    await bed.restart();
    await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.state === 'sent');
    expect(bed.smtp.received.map(messageIdOf)).toEqual([`ventanilla.${queued.id}@ayto-villanueva.es`, `ventanilla.${queued.id}@ayto-villanueva.es`]);
    expect(bed.smtp.received[1]!.headers.get('date')).toBe(bed.smtp.received[0]!.headers.get('date'));
  });

  it('fails a reply the mail server refuses for good, says why, and sends it when a clerk retries', async () => {
    bed.smtp.refuseRecipients(/ana\.ruiz@/, { code: 550, message: '5.1.1 Mailbox does not exist' });
    const outbox = bed.openOutbox();
    const queued = await outbox.queueReply(clerkReply);
    const failed = await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.state === 'failed');
    expect(failed.outbox).toMatchObject({ attempts: 1 });
    expect(failed.outbox?.error).toMatch(/El servidor de correo rechazó el mensaje: .*Mailbox does not exist/);
    await firstValueFrom(outbox.outboxStatus$.pipe(filter((s) => s.failed === 1)));

    bed.smtp.refuseRecipients(undefined);
    await outbox.retry(queued.id);
    await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.state === 'sent');
    expect(bed.smtp.received).toHaveLength(1);
  });

  it('sends to the recipients the server takes and names the ones it refused', async () => {
    bed.smtp.refuseRecipients(/^no-existe@/, { code: 550, message: '5.1.1 User unknown' });
    const outbox = bed.openOutbox();
    const queued = await outbox.queueReply({ ...clerkReply, to: [{ address: 'ana.ruiz@gmail.com' }, { address: 'no-existe@gmail.com' }] });
    const sent = await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.state === 'sent');
    expect(sent.outbox?.error).toBe('El servidor de correo rechazó a: no-existe@gmail.com');
    expect(bed.smtp.received[0]!.to).toEqual(['ana.ruiz@gmail.com']);
  });

  it('gives up on a reply still failing after the give-up time, with the last error in words', async () => {
    await bed.smtp.stop();
    let now = Date.UTC(2026, 2, 10, 9);
    const outbox = bed.openOutbox({ clock: () => now, giveUpAfterMs: 60_000 });
    const queued = await outbox.queueReply(clerkReply);
    await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.attempts === 1 && message.outbox.state === 'queued');
    now += 61_000;
    await outbox.sendNow();
    const failed = await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.state === 'failed');
    expect(failed.outbox?.error).toMatch(/^No se pudo enviar en .* Último error: No se puede conectar/);
  });

  it('leaves to its owner a reply that replication gave to another workstation', async () => {
    let account: SmtpAccount | undefined = undefined; // no SMTP account yet: the reply waits
    const outbox = bed.openOutbox({ smtpAccountOf: () => account });
    const queued = await outbox.queueReply(clerkReply);
    await waitForDocument(bed.workstation.messages, queued.id, (message) => message.outbox?.error?.startsWith('No hay cuenta de envío') === true);
    // What a pull writes when the server kept the other workstation's copy.
    const doc = await bed.workstation.messages.findOne(queued.id).exec(true);
    await doc.incrementalModify((current) => ({ ...current, outbox: { ...current.outbox!, workstationId: 'ws-registro-1', changedAt: current.outbox!.changedAt + 1 } }));
    account = smtpAccount(bed.smtp.port);
    await outbox.sendNow();
    expect(bed.smtp.received).toHaveLength(0);
    expect((await firstValueFrom(outbox.outboxStatus$)).items).toEqual([]);
  });

  it('acknowledges a citizen\'s new mail once, marked as automatic, however often the ingester asks', async () => {
    const outbox = bed.openOutbox();
    const headers = parseHeaderBlock('From: Ana Ruiz <ana.ruiz@gmail.com>\nTo: registro@ayto-villanueva.es\nSubject: Ruido nocturno en la calle Mayor');
    const input = {
      inbound: citizenMail,
      headers,
      ticket: clerkReply.ticket,
      from: clerkReply.from,
      mailDomain: 'ayto-villanueva.es',
      text: 'Hemos recibido su escrito. Su referencia es 2026-7KQ4-M2XD.',
    };
    const first = await outbox.queueAcknowledgement(input);
    const second = await outbox.queueAcknowledgement(input);
    expect(first.queued && second.queued && first.message.id === second.message.id).toBe(true);
    const [mail] = await bed.smtp.waitFor(1);
    await outbox.sendNow();
    expect(bed.smtp.received).toHaveLength(1);
    expect(mail!.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail!.headers.get('x-auto-response-suppress')).toBe('All');
  });
});
