// A conversation as it really arrives: ten messages from one citizen through different clients
// (Gmail, Outlook, Thunderbird, Apple Mail, a German Outlook), some without In-Reply-To, some with
// the reference only in the subject, one with the tag mangled — one ticket. Someone else quoting
// the subject opens a new one; a bounce goes to the ticket of what it returns. Against Dovecot.
import { newId } from '../../core/ids';
import { outgoingMessageId } from '../../core/mail';
import type { Message, Ticket } from '../../core/schemas';
import { ingested, useMailWorkstation } from './test-support/mail-fixture';

const CITIZEN = 'Ana Ruiz <ana.ruiz@correo.test>';
const SUBJECT = 'Licencia de obra menor en la calle Mayor 5';

function mail(headers: Record<string, string | undefined>, body: string): string {
  const lines = Object.entries({ From: CITIZEN, To: 'registro@ayto.test', 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=utf-8', ...headers })
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}\r\n`;
}

const bed = useMailWorkstation();

async function ticketsOf(messageIds: string[]): Promise<string[]> {
  const messages = (await bed.workstation.local.db.messages.find().exec()).map((document) => document.toJSON() as Message);
  return messageIds.map((id) => messages.find((message) => message.email?.messageId === id)?.ticketId ?? `(no message ${id})`);
}

describe('a reply thread from mixed clients', () => {
  it('lands in one ticket, whatever each client kept of the threading headers', async () => {
    // 1. Gmail: the original.
    await bed.dovecot.append([mail({ Subject: SUBJECT, 'Message-ID': '<CAH1=gmail-original@mail.gmail.com>', Date: 'Mon, 2 Mar 2026 09:00:00 +0100' }, 'Buenos días, quiero pedir una licencia.')]);
    await ingested(bed.workstation.mail, 1);
    const ticket = (await bed.workstation.local.db.tickets.find().exec())[0]!.toJSON() as Ticket;
    const tag = `[#${ticket.reference}]`;
    const ourReply = '<ventanilla.00000000-0000-7000-8000-000000000001@ayto.test>';
    const thread = [
      // 2. Gmail answering our reply (not in this mailbox): References still name the original.
      mail({ Subject: `Re: ${tag} ${SUBJECT}`, 'Message-ID': '<CAH2=gmail@mail.gmail.com>', 'In-Reply-To': ourReply, References: `<CAH1=gmail-original@mail.gmail.com> ${ourReply}` }, 'Adjunto el plano.'),
      // 3. Outlook: In-Reply-To only, Thread-Index, no References.
      mail({ Subject: `RE: ${tag} ${SUBJECT}`, 'Message-ID': '<AM0PR01MB1234@eurprd01.prod.outlook.com>', 'In-Reply-To': '<CAH2=gmail@mail.gmail.com>', 'Thread-Index': 'AQHZabc=' }, 'Perdón, el plano correcto.'),
      // 4. Thunderbird: the full chain in References.
      mail({ Subject: `Re: ${tag} ${SUBJECT}`, 'Message-ID': '<tb-4@correo.test>', 'In-Reply-To': '<AM0PR01MB1234@eurprd01.prod.outlook.com>', References: '<CAH1=gmail-original@mail.gmail.com> <CAH2=gmail@mail.gmail.com> <AM0PR01MB1234@eurprd01.prod.outlook.com>' }, '¿Necesitan algo más?'),
      // 5. A webmail that kept nothing but the subject, forwarding in Spanish.
      mail({ Subject: `RV: ${tag} ${SUBJECT}`, 'Message-ID': '<webmail-5@correo.test>' }, 'Reenvío lo anterior.'),
      // 6. Apple Mail: References without In-Reply-To.
      mail({ Subject: `Re: ${tag} ${SUBJECT}`, 'Message-ID': '<apple-6@icloud.test>', References: '<webmail-5@correo.test>' }, 'Enviado desde mi iPhone'),
      // 7. In-Reply-To only, pointing at the Apple mail.
      mail({ Subject: `Re: ${SUBJECT}`, 'Message-ID': '<only-irt-7@correo.test>', 'In-Reply-To': '<apple-6@icloud.test>' }, 'Gracias.'),
      // 8. German Outlook, subject only.
      mail({ Subject: `AW: ${tag} ${SUBJECT}`, 'Message-ID': '<de-8@correo.test>' }, 'Sigo esperando.'),
      // 9. The tag mangled by a client that re-spaced and lower-cased it.
      mail({ Subject: `RE: RE: [# ${ticket.reference.replaceAll('-', ' ').toLowerCase()}] ${SUBJECT}`, 'Message-ID': '<mangled-9@correo.test>', From: 'ANA RUIZ <Ana.Ruiz@Correo.test>' }, '¿Hay novedades?'),
      // 10. A forward with References to the last one.
      mail({ Subject: `Fwd: ${tag} ${SUBJECT}`, 'Message-ID': '<fwd-10@correo.test>', References: '<mangled-9@correo.test>' }, 'Reenvío.'),
    ];
    await bed.dovecot.append(thread);
    await ingested(bed.workstation.mail, 10);
    const tickets = await ticketsOf(['CAH1=gmail-original@mail.gmail.com', 'CAH2=gmail@mail.gmail.com', 'AM0PR01MB1234@eurprd01.prod.outlook.com', 'tb-4@correo.test', 'webmail-5@correo.test', 'apple-6@icloud.test', 'only-irt-7@correo.test', 'de-8@correo.test', 'mangled-9@correo.test', 'fwd-10@correo.test']);
    expect(new Set(tickets)).toEqual(new Set([ticket.id]));
    const citizens = await bed.workstation.local.db.citizens.find().exec();
    expect(citizens.map((citizen) => citizen.emails)).toEqual([['ana.ruiz@correo.test']]);
  });

  it('opens a new ticket for someone else quoting the old subject with its reference', async () => {
    const [ticket] = (await bed.workstation.local.db.tickets.find().exec()).map((document) => document.toJSON() as Ticket);
    await bed.dovecot.append([mail({ From: 'Otro Vecino <otro@correo.test>', Subject: `RE: [#${ticket!.reference}] ${SUBJECT}`, 'Message-ID': '<otro-11@correo.test>' }, 'Yo también quiero una licencia.')]);
    await ingested(bed.workstation.mail, 11);
    const [other] = await ticketsOf(['otro-11@correo.test']);
    expect(other).not.toBe(ticket!.id);
    expect((await bed.workstation.local.db.tickets.findOne(other!).exec())?.subject).toBe(SUBJECT);
  });

  it('puts a bounce in the ticket of the message it returns, marked as automatic', async () => {
    const [original] = await ticketsOf(['CAH1=gmail-original@mail.gmail.com']);
    const bounce = [
      'From: Mail Delivery System <MAILER-DAEMON@correo.test>',
      'To: registro@ayto.test',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce-12@correo.test>',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      '',
      '--r',
      'Content-Type: text/plain',
      '',
      'This is the mail system. Your message could not be delivered.',
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; correo.test',
      '',
      'Final-Recipient: rfc822; nadie@correo.test',
      'Action: failed',
      'Status: 5.1.1',
      '--r',
      'Content-Type: text/rfc822-headers',
      '',
      'From: Ana Ruiz <ana.ruiz@correo.test>',
      'Message-ID: <CAH1=gmail-original@mail.gmail.com>',
      `Subject: ${SUBJECT}`,
      '--r--',
      '',
    ].join('\r\n');
    await bed.dovecot.append([bounce]);
    await ingested(bed.workstation.mail, 12);
    const messages = (await bed.workstation.local.db.messages.find().exec()).map((document) => document.toJSON() as Message);
    const report = messages.find((message) => message.email?.messageId === 'bounce-12@correo.test')!;
    expect(report.ticketId).toBe(original);
    expect(report.auto).toBe(true);
    expect(report.bounceOf).toBe(messages.find((message) => message.email?.messageId === 'CAH1=gmail-original@mail.gmail.com')!.id);
    expect(report.citizenId).toBe('');
  });

  it('reopens a resolved ticket when its citizen writes again, and only then', async () => {
    const [ticketId] = await ticketsOf(['CAH1=gmail-original@mail.gmail.com']);
    const document = (await bed.workstation.local.db.tickets.findOne(ticketId!).exec())!;
    await document.incrementalPatch({ status: 'resolved' });
    await bed.dovecot.append([mail({ Subject: `Re: ${SUBJECT}`, 'Message-ID': '<again-13@correo.test>', 'In-Reply-To': '<fwd-10@correo.test>' }, 'Una última pregunta.')]);
    await ingested(bed.workstation.mail, 13);
    expect((await bed.workstation.local.db.tickets.findOne(ticketId!).exec())?.status).toBe('open');
  });

  it('threads an answer to one of our replies by the Message-ID our outbox gave it', async () => {
    const [ticketId] = await ticketsOf(['CAH1=gmail-original@mail.gmail.com']);
    const replyId = newId();
    const messageId = outgoingMessageId(replyId, 'ayto.test');
    await bed.workstation.local.db.messages.insert({
      id: replyId,
      kind: 'email_out',
      ticketId: ticketId!,
      citizenId: '',
      subject: `Re: ${SUBJECT}`,
      text: 'Le contestamos.',
      email: { messageId, references: [], from: { address: 'registro@ayto.test' }, to: [{ address: 'ana.ruiz@correo.test' }], cc: [], mailbox: 'registro@ayto.test' },
      attachments: [],
      createdAt: Date.now(),
      auto: false,
    });
    await bed.dovecot.append([mail({ From: 'Asesor <asesor@gestoria.test>', Subject: 'Re: su consulta', 'Message-ID': '<asesor-14@gestoria.test>', 'In-Reply-To': `<${messageId}>` }, 'Respondo en nombre de la interesada.')]);
    await ingested(bed.workstation.mail, 14);
    expect(await ticketsOf(['asesor-14@gestoria.test'])).toEqual([ticketId]);
  });

  it('joins the sender to a citizen a clerk already has with that address', async () => {
    const clerkMade = newId();
    await bed.workstation.local.db.citizens.insert({ id: clerkMade, name: 'Bodega Martínez S.L.', nameKey: 'bodega martinez sl', documentNumber: 'B12345678', documentType: 'cif', emails: ['pedidos@bodega.test', 'info@bodega.test'], phones: [], preferredLanguage: 'es', createdAt: 1, updatedAt: 1 });
    await bed.dovecot.append([mail({ From: 'Bodega <INFO@bodega.test>', Subject: 'Terraza de verano', 'Message-ID': '<bodega-15@bodega.test>' }, 'Solicitamos licencia de terraza.')]);
    await ingested(bed.workstation.mail, 15);
    const message = (await bed.workstation.local.db.messages.find().exec()).find((document) => document.email?.messageId === 'bodega-15@bodega.test')!;
    expect(message.citizenId).toBe(clerkMade);
    expect((await bed.workstation.local.db.tickets.findOne(message.ticketId).exec())?.citizenId).toBe(clerkMade);
    expect((await bed.workstation.local.db.citizens.find().exec()).filter((citizen) => citizen.emails.includes('info@bodega.test'))).toHaveLength(1);
  });

  it('turns the same mail spooled again into nothing new', async () => {
    const before = { tickets: await bed.workstation.local.db.tickets.count().exec(), messages: await bed.workstation.local.db.messages.count().exec() };
    // As after a crash between the documents and the spool's bookkeeping: every row is pending again.
    bed.workstation.mail.spool.db.prepare(`UPDATE spool SET state = 'fetched'`).run();
    await bed.workstation.mail.drained();
    await ingested(bed.workstation.mail, 15);
    expect({ tickets: await bed.workstation.local.db.tickets.count().exec(), messages: await bed.workstation.local.db.messages.count().exec() }).toEqual(before);
    expect(bed.workstation.mail.status().spool.duplicate).toBe(15);
  });
});
