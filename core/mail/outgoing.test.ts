import { describe, expect, it } from 'vitest';
import type { Message } from '../schemas/messages';
import { automaticMail, parseHeaderBlock } from './loops';
import {
  REFERENCES_MAX,
  buildReplyMessage,
  outgoingMailOf,
  outgoingMessageId,
  ownMessageDocumentId,
  threadingOf,
  type ReplyInput,
} from './outgoing';

const REF = '2026-7KQ4-M2XD';
const ID = '01959c7e-2b40-7c3a-9f1e-4a2b8c0d1e2f';

const citizenMail: Pick<Message, 'subject' | 'email'> = {
  subject: 'RE: RV: Ruido nocturno en la calle Mayor',
  email: {
    messageId: 'CAFx3k9=reply2@mail.gmail.com',
    inReplyTo: 'CAFx3k9=abc123@mail.gmail.com',
    references: ['CAFx3k9=abc123@mail.gmail.com'],
    from: { address: 'Ana.Ruiz@gmail.com', name: 'Ana Ruiz' },
    to: [{ address: 'registro@ayto-villanueva.es' }],
    cc: [],
    mailbox: 'registro@ayto-villanueva.es',
  },
};

function reply(overrides: Partial<ReplyInput> = {}): ReplyInput {
  return {
    id: ID,
    ticket: { id: 'tkt-ruido', reference: REF, citizenId: 'cit-0001', subject: 'Ruido nocturno' },
    answering: citizenMail,
    from: { address: 'registro@ayto-villanueva.es', name: 'Ayuntamiento de Villanueva' },
    mailDomain: 'ayto-villanueva.es',
    text: 'Buenos días, hemos trasladado su queja a la Policía Local.',
    auto: false,
    authorId: 'usr-lucia',
    createdAt: Date.UTC(2026, 2, 10, 9),
    workstationId: 'ws-oac-centro-3',
    ...overrides,
  };
}

describe('Message-ID', () => {
  it('derives the same Message-ID from the same outbox document, and reads the document back from it', () => {
    const messageId = outgoingMessageId(ID, 'Ayto-Villanueva.es');
    expect(messageId).toBe(`ventanilla.${ID}@ayto-villanueva.es`);
    expect(outgoingMessageId(ID, 'ayto-villanueva.es')).toBe(messageId);
    expect(ownMessageDocumentId(`<${messageId}>`, 'ayto-villanueva.es')).toBe(ID);
  });

  it('does not take someone else\'s Message-ID for one of ours', () => {
    expect(ownMessageDocumentId('CAFx3k9=abc123@mail.gmail.com', 'ayto-villanueva.es')).toBeUndefined();
    expect(ownMessageDocumentId(`ventanilla.${ID}@otro-ayto.es`, 'ayto-villanueva.es')).toBeUndefined();
    expect(ownMessageDocumentId('12345.JavaMail@ayto-villanueva.es', 'ayto-villanueva.es')).toBeUndefined();
  });

  it('refuses a domain or an id that would make a broken header', () => {
    expect(() => outgoingMessageId(ID, 'not a domain')).toThrow(RangeError);
    expect(() => outgoingMessageId('a>b', 'ayto-villanueva.es')).toThrow(RangeError);
  });
});

describe('threading', () => {
  it('answers with In-Reply-To and References ending with the mail answered', () => {
    expect(threadingOf(citizenMail.email!)).toEqual({
      inReplyTo: 'CAFx3k9=reply2@mail.gmail.com',
      references: ['CAFx3k9=abc123@mail.gmail.com', 'CAFx3k9=reply2@mail.gmail.com'],
    });
  });

  it('keeps the root and the latest ids of a very long thread', () => {
    const references = Array.from({ length: 60 }, (_, i) => `m${i}@x.es`);
    const threading = threadingOf({ messageId: 'last@x.es', references });
    expect(threading.references).toHaveLength(REFERENCES_MAX);
    expect(threading.references[0]).toBe('m0@x.es');
    expect(threading.references.at(-1)).toBe('last@x.es');
  });
});

describe('buildReplyMessage', () => {
  it('queues a clerk\'s reply in the outbox of the workstation that wrote it, to the citizen, threaded', () => {
    const message = buildReplyMessage(reply());
    expect(message).toMatchObject({
      id: ID,
      kind: 'email_out',
      ticketId: 'tkt-ruido',
      subject: `Re: Ruido nocturno en la calle Mayor [#${REF}]`,
      auto: false,
      authorId: 'usr-lucia',
      outbox: { state: 'queued', workstationId: 'ws-oac-centro-3', attempts: 0 },
      email: {
        messageId: `ventanilla.${ID}@ayto-villanueva.es`,
        inReplyTo: 'CAFx3k9=reply2@mail.gmail.com',
        to: [{ address: 'ana.ruiz@gmail.com', name: 'Ana Ruiz' }],
        mailbox: 'registro@ayto-villanueva.es',
      },
    });
  });

  it('answers the Reply-To address when the citizen gave one', () => {
    const answering = { ...citizenMail, email: { ...citizenMail.email!, replyTo: [{ address: 'ana@trabajo.example' }] } };
    expect(buildReplyMessage(reply({ answering })).email?.to).toEqual([{ address: 'ana@trabajo.example' }]);
  });

  it('refuses a reply with nobody to send it to', () => {
    expect(() => buildReplyMessage(reply({ answering: undefined }))).toThrow(/at least one recipient/);
  });
});

describe('outgoingMailOf', () => {
  it('marks an automatic acknowledgement so that no responder — ours included — answers it', () => {
    const mail = outgoingMailOf(buildReplyMessage(reply({ auto: true, authorId: undefined, html: '<p>Recibido</p>' })));
    expect(mail.headers['Auto-Submitted']).toBe('auto-replied');
    expect(mail.html).toBe('<p>Recibido</p>');
    const asReceived = parseHeaderBlock(Object.entries(mail.headers).map(([name, value]) => `${name}: ${value}`).join('\n'));
    expect(automaticMail(asReceived)).toMatchObject({ automatic: true, reason: 'auto-submitted' });
  });

  it('sends a clerk\'s reply as plain mail with the same Date on every attempt', () => {
    const message = buildReplyMessage(reply());
    const mail = outgoingMailOf(message);
    expect(mail.headers).toEqual({});
    expect(mail.date).toBe(message.createdAt);
    expect(outgoingMailOf(message)).toEqual(mail);
  });
});
