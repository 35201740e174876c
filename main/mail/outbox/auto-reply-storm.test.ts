// An auto-reply storm: two mailboxes that answer each other automatically. With real SMTP
// (one test server carrying every mailbox), real outboxes on real local databases, and an
// "ingester" that does what main/mail's does with each mail that arrives: store it, and ask the
// outbox for an acknowledgement. The loop rules (core/mail/loops.ts) and the daily cap stop it.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { addressIn, headerValues, parseHeaderBlock } from '../../../core/mail/loops';
import { AUTO_REPLIES_PER_SENDER_PER_DAY } from '../../../core/mail/loops';
import type { Message } from '../../../core/schemas/messages';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../test-support/smtp';
import { Outbox } from './outbox';
import { messageIdOf, openWorkstationMessages, smtpAccount, temporaryFolder, type TestWorkstation } from './test-support/outbox-fixtures';

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

type Council = { address: string; domain: string; workstation: TestWorkstation; outbox: Outbox };

describe('an auto-reply storm', () => {
  let smtp: TestSmtpServer;
  let temp: { folder: string; remove: () => void };
  const councils: Council[] = [];
  const work = new Set<Promise<unknown>>();
  /** What each automatic responder outside the council does with a mail it gets. */
  const responders = new Map<string, (mail: ReceivedMail) => Promise<void>>();

  async function openCouncil(address: string): Promise<Council> {
    const domain = address.split('@')[1]!;
    const workstation = await openWorkstationMessages(temp.folder, domain.replace(/\W/g, '_'));
    const outbox = new Outbox({
      messages: workstation.messages,
      workstationId: `ws-${domain}`,
      journalFile: workstation.journalFile,
      smtpAccountOf: () => smtpAccount(smtp.port),
    });
    outbox.start();
    const council = { address, domain, workstation, outbox };
    councils.push(council);
    return council;
  }

  /** What the ingester does with a mail that reached a council's mailbox. */
  async function ingest(council: Council, mail: ReceivedMail): Promise<void> {
    const headers = parseHeaderBlock(mail.raw);
    const sender = addressIn(headerValues(headers, 'From')[0] ?? '') ?? mail.from;
    const messageId = messageIdOf(mail);
    const inbound: Message = {
      id: hash(messageId).slice(0, 40),
      kind: 'email_in',
      ticketId: `tkt-${hash(sender).slice(0, 30)}`,
      citizenId: `cit-${hash(sender).slice(0, 30)}`,
      subject: headerValues(headers, 'Subject')[0] ?? '',
      text: '',
      email: { messageId, references: [], from: { address: sender }, to: [{ address: council.address }], cc: [], mailbox: council.address },
      attachments: [],
      createdAt: Date.now(),
      auto: false,
    };
    await council.workstation.messages.insert(inbound);
    await council.outbox.queueAcknowledgement({
      inbound,
      headers,
      ticket: { id: inbound.ticketId, reference: '2026-7KQ4-M2XD', citizenId: inbound.citizenId, subject: inbound.subject ?? '' },
      from: { address: council.address },
      mailDomain: council.domain,
      text: 'Hemos recibido su escrito.',
      ownAddresses: [council.address],
    });
  }

  function track(promise: Promise<unknown>): void {
    work.add(promise);
    void promise.finally(() => work.delete(promise));
  }

  /** Waits until no mail is in flight anywhere: every ingest, responder and outbox has gone quiet. */
  async function quiet(): Promise<void> {
    for (;;) {
      const before = smtp.received.length;
      await Promise.all([...work]);
      await Promise.all(councils.map((council) => council.outbox.idle()));
      if (work.size === 0 && smtp.received.length === before) return;
    }
  }

  /** A mail from outside sent straight over SMTP (a citizen, or another system's responder). */
  async function sendFromOutside(from: string, to: string, subject: string, headers: Record<string, string> = {}, inReplyTo?: string): Promise<void> {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true });
    await transport.sendMail({ from, to, subject, text: 'Respuesta automática.', headers, ...(inReplyTo && { inReplyTo: `<${inReplyTo}>` }) });
    transport.close();
  }

  beforeEach(async () => {
    smtp = await startTestSmtpServer();
    temp = temporaryFolder();
    smtp.onMail((mail) => {
      for (const recipient of mail.to) {
        const council = councils.find((candidate) => candidate.address === recipient);
        if (council) track(ingest(council, mail));
        const responder = responders.get(recipient);
        if (responder) track(responder(mail));
      }
    });
  });

  afterEach(async () => {
    await Promise.all(councils.splice(0).map(async (council) => {
      await council.outbox.stop();
      await council.workstation.close();
    }));
    responders.clear();
    await smtp.close();
    temp.remove();
  });

  const acknowledgements = () => smtp.received.filter((mail) => mail.headers.get('auto-submitted') === 'auto-replied');

  it('stops at once between two councils that both acknowledge mail: an acknowledgement is never acknowledged', async () => {
    const a = await openCouncil('registro@ayto-a.es');
    await openCouncil('registro@ayto-b.es');
    // A clerk of B writes to A by hand; A acknowledges; B receives an automatic mail and stays silent.
    await sendFromOutside('registro@ayto-b.es', 'registro@ayto-a.es', 'Consulta sobre un expediente compartido');
    await quiet();
    expect(smtp.received.map((mail) => mail.to[0])).toEqual(['registro@ayto-a.es', 'registro@ayto-b.es']);
    expect(acknowledgements()).toHaveLength(1);
    expect(acknowledgements()[0]!.from).toBe(a.address);
  });

  it('stops at once against a responder that marks its answers as automatic', async () => {
    await openCouncil('registro@ayto-a.es');
    // An out-of-office that (wrongly) answers even automatic mail, but says it is automatic.
    responders.set('ana@correo.example', (mail) =>
      sendFromOutside('ana@correo.example', 'registro@ayto-a.es', `Fuera de la oficina: ${mail.headers.get('subject')}`, { 'Auto-Submitted': 'auto-replied' }, messageIdOf(mail)),
    );
    await sendFromOutside('ana@correo.example', 'registro@ayto-a.es', 'Solicitud de vado');
    await quiet();
    // The citizen's mail, our acknowledgement, the out-of-office: nothing more.
    expect(smtp.received).toHaveLength(3);
    expect(acknowledgements()).toHaveLength(2);
    expect(acknowledgements().filter((mail) => mail.from === 'registro@ayto-a.es')).toHaveLength(1);
  });

  it(`stops after ${AUTO_REPLIES_PER_SENDER_PER_DAY} acknowledgements against a responder that hides what it is`, async () => {
    await openCouncil('registro@ayto-a.es');
    // The worst case: a responder that answers everything and marks nothing.
    responders.set('buzon@empresa.example', (mail) =>
      sendFromOutside('buzon@empresa.example', 'registro@ayto-a.es', `Re: ${mail.headers.get('subject')}`, {}, messageIdOf(mail)),
    );
    await sendFromOutside('buzon@empresa.example', 'registro@ayto-a.es', 'Boletín de ofertas');
    await quiet();
    const ours = smtp.received.filter((mail) => mail.from === 'registro@ayto-a.es');
    expect(ours).toHaveLength(AUTO_REPLIES_PER_SENDER_PER_DAY);
    // Each of ours answered once by the responder, plus its first mail.
    expect(smtp.received).toHaveLength(2 * AUTO_REPLIES_PER_SENDER_PER_DAY + 1);
  });
});
