// Two workstations that ingest the same citizen's mail while both are cut off from the central
// server each write its acknowledgement (same id, same Message-ID). What the outbox can do
// without the central server: not send one the mailbox's Sent folder already holds (real
// Dovecot); and when nothing could stop the second copy, notice it once replication meets the
// two records (real central server). docs/mail.md, "Two workstations, one acknowledgement".
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseHeaderBlock } from '../../../core/mail/loops';
import { outgoingMessageId } from '../../../core/mail/outgoing';
import type { Collections } from '../../../core/schemas';
import type { Message } from '../../../core/schemas/messages';
import type { RxDatabase } from 'rxdb';
import { startSync, type SyncHandle } from '../../sync/index';
import { prepareCouncil, pushAs, startCentralServer, type CentralServer } from '../../sync/test-support/central-server';
import { ADMIN, ANA, COUNCIL, LUIS, ticket } from '../../sync/test-support/council';
import { useDovecot, waitUntil } from '../test-support/mail-fixture';
import { startTestSmtpServer, type TestSmtpServer } from '../test-support/smtp';
import { acknowledgementIdOf, type QueueAcknowledgementInput } from './acknowledgements';
import { Outbox } from './outbox';
import { imapSentCopyLookup } from './sent-folder';
import { messageIdOf, openWorkstationMessages, smtpAccount, temporaryFolder, useOutboxWorkstation, waitForDocument, type TestWorkstation } from './test-support/outbox-fixtures';

const MAILBOX = { user: 'registro@ayto-villanueva.es', password: 'secreto-de-registro' };

const citizenMail: Message = {
  id: '7d1e0c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d',
  kind: 'email_in',
  ticketId: 'tkt-vado',
  citizenId: 'cit-0002',
  subject: 'Solicitud de vado en la calle Real',
  text: 'Solicito licencia de vado para el garaje del número 12.',
  email: {
    messageId: 'CAJ9x=vado-12@mail.gmail.com',
    references: [],
    from: { address: 'marta.ruiz@gmail.com', name: 'Marta Ruiz' },
    to: [{ address: MAILBOX.user }],
    cc: [],
    mailbox: MAILBOX.user,
  },
  attachments: [],
  createdAt: Date.now() - 60_000,
  auto: false,
};

const acknowledgement: QueueAcknowledgementInput = {
  inbound: citizenMail,
  headers: parseHeaderBlock(`From: Marta Ruiz <marta.ruiz@gmail.com>\nTo: ${MAILBOX.user}\nSubject: Solicitud de vado en la calle Real`),
  ticket: { id: 'tkt-vado', reference: '2026-7KQ4-M2XD', citizenId: 'cit-0002', subject: 'Solicitud de vado en la calle Real' },
  from: { address: MAILBOX.user, name: 'Urbanismo' },
  mailDomain: 'ayto-villanueva.es',
  text: 'Hemos recibido su solicitud. Su referencia es 2026-7KQ4-M2XD.',
};
const ACK_MESSAGE_ID = outgoingMessageId(acknowledgementIdOf(citizenMail.id), 'ayto-villanueva.es');

describe('an acknowledgement another workstation already sent', () => {
  const mailbox = useDovecot({ users: [MAILBOX], folders: ['Enviados'] });
  const bed = useOutboxWorkstation();

  it('is not sent again when the mailbox\'s Sent folder holds it, and a reply of a clerk is not held up by the check', async () => {
    const { dovecot } = mailbox;
    // The other workstation's copy, filed by the submission server as Exchange or Gmail do.
    await dovecot.append([`From: ${MAILBOX.user}\r\nTo: marta.ruiz@gmail.com\r\nSubject: Re: Solicitud de vado [#2026-7KQ4-M2XD]\r\nMessage-ID: <${ACK_MESSAGE_ID}>\r\nAuto-Submitted: auto-replied\r\n\r\nHemos recibido su solicitud.\r\n`], { folder: 'Enviados' });
    const outbox = bed.openOutbox({
      workstationId: 'ws-registro-2',
      sentCopyLookup: imapSentCopyLookup(() => ({ host: dovecot.host, port: dovecot.port, security: 'none', user: MAILBOX.user, password: MAILBOX.password, timeoutMs: 5_000 })),
    });
    const outcome = await outbox.queueAcknowledgement(acknowledgement);
    expect(outcome.queued).toBe(true);
    const recorded = await waitForDocument(bed.workstation.messages, acknowledgementIdOf(citizenMail.id), (message) => message.outbox?.state === 'sent');
    expect(recorded.outbox?.error).toMatch(/Ya está en la carpeta de enviados \(lo envió otro puesto/);
    // A clerk's reply is sent whatever the Sent folder holds: only automatic answers are shared.
    const reply = await outbox.queueReply({ ticket: acknowledgement.ticket, answering: citizenMail, from: acknowledgement.from, mailDomain: 'ayto-villanueva.es', text: 'Le llamaremos para la visita.', authorId: 'usr-ana' });
    await waitForDocument(bed.workstation.messages, reply.id, (message) => message.outbox?.state === 'sent');
    expect(bed.smtp.received.map(messageIdOf)).toEqual([reply.email!.messageId]);
  });
});

describe('an acknowledgement two workstations sent while cut off from the central server', () => {
  let council: Awaited<ReturnType<typeof prepareCouncil>>;
  let temp: { folder: string; remove(): void };
  let server: CentralServer;
  let smtp: TestSmtpServer;
  const opened: { workstation: TestWorkstation; outbox: Outbox; sync?: SyncHandle }[] = [];

  beforeAll(async () => {
    council = await prepareCouncil(COUNCIL);
  }, 120_000);
  afterAll(() => council.remove());
  beforeEach(async () => {
    temp = temporaryFolder();
    council.copyTo(path.join(temp.folder, 'server'));
    server = await startCentralServer({ dataDir: path.join(temp.folder, 'server') });
    smtp = await startTestSmtpServer();
  }, 60_000);
  afterEach(async () => {
    for (const { workstation, outbox, sync } of opened.splice(0)) {
      await outbox.stop();
      await sync?.stop();
      await workstation.close();
    }
    await server.stop();
    await smtp.close();
    temp.remove();
  }, 60_000);

  it('is noticed, once, by the workstation whose record replication replaced, naming the other', async () => {
    const at = Date.now();
    await pushAs(server.url, ADMIN, 'tickets', [{ newDocumentState: { ...ticket('tkt-vado', at), _deleted: false } }]);
    for (const id of ['ws-registro-1', 'ws-registro-2']) {
      const workstation = await openWorkstationMessages(path.join(temp.folder), id);
      const outbox = new Outbox({ messages: workstation.messages, workstationId: id, journalFile: workstation.journalFile, smtpAccountOf: () => smtpAccount(smtp.port) });
      outbox.start();
      opened.push({ workstation, outbox });
      await outbox.queueAcknowledgement(acknowledgement);
    }
    // Nothing could stop the second copy: no central server, no Sent folder. Same Message-ID twice.
    expect((await smtp.waitFor(2)).map(messageIdOf)).toEqual([ACK_MESSAGE_ID, ACK_MESSAGE_ID]);

    const credentials = [ANA, LUIS];
    for (const [index, entry] of opened.entries()) {
      entry.sync = await startSync({ db: entry.workstation.db as unknown as RxDatabase<Collections>, serverUrl: server.url, credentials: credentials[index]!, collections: ['messages'], backoff: { initialMs: 100, maxMs: 500 } });
    }
    const id = acknowledgementIdOf(citizenMail.id);
    const owners = async () => Promise.all(opened.map(async ({ workstation }) => (await workstation.messages.findOne(id).exec(true)).outbox!.workstationId));
    await waitUntil(async () => new Set(await owners()).size === 1, 'both replicas agreeing on one owner', 30_000);
    const [kept] = await owners();
    // The replicas' databases are named after their workstations.
    const loser = opened.find((entry) => entry.workstation.db.name !== kept)!;
    await waitUntil(() => loser.outbox.doubleSends().length === 1, 'the double send noticed', 10_000);
    expect(loser.outbox.doubleSends()).toEqual([{ id, otherWorkstation: kept, sentAt: expect.any(Number), detectedAt: expect.any(Number) }]);
    const winner = opened.find((entry) => entry !== loser)!;
    expect(winner.outbox.doubleSends()).toEqual([]);
    expect(smtp.received).toHaveLength(2);
  }, 90_000);
});
