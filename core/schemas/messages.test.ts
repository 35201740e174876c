import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MangoQuery } from 'rxdb';
import { NO_CITIZEN } from './fields';
import { messageSchema, type Message } from './messages';
import { MINUTE, T0, openTestDatabase, plannedIndex, queryPlan, without, writeError, type TestDatabase } from './test-kit';

const PDF_SHA256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

/** A citizen's mail, with a scanned document attached. */
function mailFromCitizen(overrides: Partial<Message> = {}): Message {
  return {
    id: '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    kind: 'email_in',
    ticketId: 'tkt-ruido',
    citizenId: 'cit-0001',
    subject: 'Ruido nocturno en la calle Mayor',
    text: 'Buenas noches:\n\nDesde hace dos semanas el bar de la calle Mayor 14 tiene música hasta las 3:00.\n\nUn saludo,\nAna Ruiz',
    html: '<p>Buenas noches:</p><p>Desde hace dos semanas…</p>',
    email: {
      messageId: 'CAFx3k9=abc123@mail.gmail.com',
      references: [],
      from: { address: 'ana.ruiz@gmail.com', name: 'Ana Ruiz Gómez' },
      to: [{ address: 'registro@ayto-villanueva.es', name: 'Registro General' }],
      cc: [],
      mailbox: 'registro@ayto-villanueva.es',
      sentAt: T0 - MINUTE,
    },
    attachments: [{ sha256: PDF_SHA256, name: 'denuncia firmada.pdf', mimeType: 'application/pdf', size: 184_320 }],
    createdAt: T0,
    auto: false,
    ...overrides,
  };
}

/** Our automatic acknowledgement, threaded under the citizen's mail. */
function automaticAcknowledgement(): Message {
  return {
    id: '7c1e0f9a2b3d4c5e6f708192a3b4c5d6e7f80912',
    kind: 'email_out',
    ticketId: 'tkt-ruido',
    citizenId: 'cit-0001',
    subject: 'Re: Ruido nocturno en la calle Mayor [2025-000123]',
    text: 'Hemos recibido su escrito. Su referencia es 2025-000123.',
    email: {
      messageId: '01959c7e-2b40-7c3a@ayto-villanueva.es',
      inReplyTo: 'CAFx3k9=abc123@mail.gmail.com',
      references: ['CAFx3k9=abc123@mail.gmail.com'],
      from: { address: 'registro@ayto-villanueva.es', name: 'Ayuntamiento de Villanueva' },
      to: [{ address: 'ana.ruiz@gmail.com' }],
      cc: [],
      mailbox: 'registro@ayto-villanueva.es',
    },
    attachments: [],
    createdAt: T0 + MINUTE,
    auto: true,
  };
}

function otherChannels(): Message[] {
  return [
    {
      id: 'msg-call',
      kind: 'phone_call',
      ticketId: 'tkt-ruido',
      citizenId: 'cit-0001',
      authorId: 'usr-lucia',
      text: 'Llama para saber si ha ido la Policía Local. Le indico que está pendiente.',
      call: { direction: 'inbound', phoneNumber: '+34600123456', durationSeconds: 185 },
      attachments: [],
      createdAt: T0 + 60 * MINUTE,
      auto: false,
    },
    {
      id: 'msg-hidden-caller',
      kind: 'phone_call',
      ticketId: 'tkt-ruido',
      citizenId: 'cit-0001',
      authorId: 'usr-lucia',
      text: 'Número oculto; dice ser la misma vecina.',
      call: { direction: 'inbound' },
      attachments: [],
      createdAt: T0 + 61 * MINUTE,
      auto: false,
    },
    {
      id: 'msg-visit',
      kind: 'visit',
      ticketId: 'tkt-ruido',
      citizenId: 'cit-0001',
      authorId: 'usr-pablo',
      text: 'Entrega en ventanilla copia del DNI y fotos del local.',
      visit: { office: 'OAC Centro', durationSeconds: 600 },
      attachments: [{ sha256: PDF_SHA256, name: 'dni.pdf', mimeType: 'application/pdf', size: 90_112 }],
      createdAt: T0 + 120 * MINUTE,
      auto: false,
    },
    {
      id: 'msg-note',
      kind: 'note',
      ticketId: 'tkt-ruido',
      citizenId: NO_CITIZEN,
      authorId: 'usr-pablo',
      text: 'Pasado a Policía Local para inspección nocturna.',
      attachments: [],
      createdAt: T0 + 121 * MINUTE,
      auto: false,
    },
    {
      id: 'msg-form',
      kind: 'web_form',
      ticketId: 'tkt-ruido',
      citizenId: 'cit-0001',
      subject: 'Queja por ruidos',
      text: 'Nombre: Ana Ruiz Gómez\nDirección: C/ Mayor 12\nMotivo: ruido',
      attachments: [],
      createdAt: T0 + 200 * MINUTE,
      auto: false,
    },
    {
      id: 'msg-chat',
      kind: 'chat',
      ticketId: 'tkt-ruido',
      citizenId: 'cit-0001',
      text: '¿Hay alguna novedad sobre mi queja?',
      attachments: [],
      createdAt: T0 + 300 * MINUTE,
      auto: false,
    },
  ];
}

describe('messages schema', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase(['messages']);
  });
  afterEach(async () => {
    await db.close();
  });

  it('stores a citizen\'s mail with its headers and attachment metadata', async () => {
    await db.messages.insert(mailFromCitizen());
    const stored = await db.messages.findOne('3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39').exec(true);
    expect(stored.attachments[0]?.sha256).toBe(PDF_SHA256);
    expect(stored.email?.from.address).toBe('ana.ruiz@gmail.com');
  });

  it('stores an automatic answer, a bounce of it, and interactions on every other channel', async () => {
    const bounce = mailFromCitizen({
      id: 'msg-bounce',
      email: {
        messageId: '20250310093100.ABC@mx.gmail.com',
        references: [],
        from: { address: 'mailer-daemon@googlemail.com' },
        to: [{ address: 'registro@ayto-villanueva.es' }],
        cc: [],
        mailbox: 'registro@ayto-villanueva.es',
      },
      text: 'Delivery Status Notification (Failure)',
      attachments: [],
      auto: true,
      bounceOf: '7c1e0f9a2b3d4c5e6f708192a3b4c5d6e7f80912',
    });
    const result = await db.messages.bulkInsert([automaticAcknowledgement(), bounce, ...otherChannels()]);
    expect(result.error).toEqual([]);
  });

  it('stores a reply\'s place in the outbox and lets the sending workstation move it on', async () => {
    const queued = { ...automaticAcknowledgement(), outbox: { state: 'queued' as const, workstationId: 'ws-oac-centro-3', attempts: 0, changedAt: T0 } };
    const stored = await db.messages.insert(queued);
    await stored.incrementalPatch({ outbox: { ...queued.outbox, state: 'failed', attempts: 1, changedAt: T0 + MINUTE, error: 'El servidor de correo rechazó el destinatario' } });
    expect((await db.messages.findOne(queued.id).exec(true)).outbox?.state).toBe('failed');
  });

  it.each([
    ['an outbox state outside the enum', { outbox: { state: 'pending', workstationId: 'ws', attempts: 0, changedAt: T0 } }],
    ['an outbox without its owner', { outbox: { state: 'queued', attempts: 0, changedAt: T0 } }],
    ['a kind outside the enum', { kind: 'fax' }],
    ['a size written as text', { attachments: [{ sha256: PDF_SHA256, name: 'a.pdf', mimeType: 'application/pdf', size: '184320' }] }],
    ['an attachment hash that is not SHA-256 hex', { attachments: [{ sha256: 'md5:abc', name: 'a.pdf', mimeType: 'application/pdf', size: 1 }] }],
    ['a mail without its Message-ID', { email: { references: [], from: { address: 'a@b.es' }, to: [], cc: [], mailbox: 'registro@ayto-villanueva.es' } }],
    ['a sender that is not an address', { email: { ...mailFromCitizen().email, from: { address: 'Ana Ruiz' } } }],
    ['a call direction outside the enum', { call: { direction: 'entrante' } }],
    ['a phone number not in E.164 form', { call: { direction: 'inbound', phoneNumber: '600 12 34 56' } }],
    ['the automatic flag written as text', { auto: 'no' }],
    ['a field the schema does not know', { folder: 'INBOX' }],
  ])('refuses a message with %s', async (_case, change) => {
    expect(await writeError(db.messages.insert({ ...mailFromCitizen(), ...change } as Message))).toBe('VD2');
  });

  it.each(['kind', 'ticketId', 'citizenId', 'text', 'attachments', 'createdAt', 'auto'] as const)(
    'refuses a message without %s',
    async (field) => {
      expect(await writeError(db.messages.insert(without(mailFromCitizen(), field) as Message))).toBe('VD2');
    },
  );

  it('refuses to move a stored message to another ticket', async () => {
    const stored = await db.messages.insert(mailFromCitizen());
    // `final` fields: RxDB refuses the change (DOC9) before it reaches the storage.
    expect(await writeError(stored.incrementalPatch({ ticketId: 'tkt-other' }))).toBe('DOC9');
  });

  it('reads a ticket\'s thread in the order things happened', async () => {
    await db.messages.bulkInsert([...otherChannels().reverse(), automaticAcknowledgement(), mailFromCitizen()]);
    const thread = await db.messages.find({ selector: { ticketId: 'tkt-ruido' }, sort: [{ createdAt: 'asc' }] }).exec();
    expect(thread.map((message) => message.kind)).toEqual([
      'email_in',
      'email_out',
      'phone_call',
      'phone_call',
      'visit',
      'note',
      'web_form',
      'chat',
    ]);
  });
});

describe('messages indexes', () => {
  const index = (query: MangoQuery<Message>) => plannedIndex(messageSchema, query);

  it('answers a ticket\'s thread in time order from the ticket index, with the index order as sort order', () => {
    const query: MangoQuery<Message> = { selector: { ticketId: 'tkt-ruido' }, sort: [{ createdAt: 'asc' }] };
    expect(index(query)).toEqual(['_deleted', 'ticketId', 'createdAt', 'id']);
    expect(queryPlan(messageSchema, query).sortSatisfiedByIndex).toBe(true);
  });

  it('answers the thread of a ticket and the tickets merged into it from the ticket index', () => {
    expect(
      index({ selector: { ticketId: { $in: ['tkt-ruido', 'tkt-dup'] } }, sort: [{ createdAt: 'asc' }] }),
    ).toEqual(['_deleted', 'ticketId', 'createdAt', 'id']);
  });

  it('answers a citizen\'s timeline, newest first, from the citizen index', () => {
    expect(index({ selector: { citizenId: 'cit-0001' }, sort: [{ createdAt: 'desc' }], limit: 20 })).toEqual([
      '_deleted',
      'citizenId',
      'createdAt',
      'id',
    ]);
  });
});
