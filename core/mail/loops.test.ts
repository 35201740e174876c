import { describe, expect, it } from 'vitest';
import type { Message } from '../schemas/messages';
import { AUTO_REPLIES_PER_SENDER_PER_DAY, autoReplyAllowance, automaticMail, decideAutoReply, fromHeaderLines, parseHeaderBlock } from './loops';

// Header sections as real programs write them (values shortened, addresses changed).

const CITIZEN_FROM_GMAIL = `Return-Path: <ana.ruiz@gmail.com>
Received: from mail-wr1-f41.google.com (mail-wr1-f41.google.com [209.85.221.41])
\tby mx.ayto-villanueva.es (Postfix) with ESMTPS id 4Y2k1X0vJ8z9sT
\tfor <registro@ayto-villanueva.es>; Mon, 10 Mar 2025 09:30:12 +0100 (CET)
MIME-Version: 1.0
From: =?UTF-8?Q?Ana_Ruiz_G=C3=B3mez?= <ana.ruiz@gmail.com>
Date: Mon, 10 Mar 2025 09:29:58 +0100
Message-ID: <CAFx3k9=abc123@mail.gmail.com>
Subject: Ruido nocturno en la calle Mayor
To: registro@ayto-villanueva.es
Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

body`;

const GMAIL_VACATION = `Return-Path: <ana.ruiz@gmail.com>
MIME-Version: 1.0
References: <20250310.ack.1@ayto-villanueva.es>
In-Reply-To: <20250310.ack.1@ayto-villanueva.es>
Auto-Submitted: auto-replied
Message-ID: <CAFx3k9=vac@mail.gmail.com>
Date: Mon, 10 Mar 2025 09:31:00 +0100
Subject: Re: Ruido nocturno [#2025-7KQ4-M2XD]
From: Ana Ruiz <ana.ruiz@gmail.com>
To: registro@ayto-villanueva.es
Content-Type: text/plain; charset="UTF-8"
`;

const EXCHANGE_OUT_OF_OFFICE = `From: Luis Martin <lmartin@empresa.example>
To: "Registro General" <registro@ayto-villanueva.es>
Subject: Respuesta automática: Su solicitud [#2025-7KQ4-M2XD]
Thread-Topic: Su solicitud
Date: Mon, 10 Mar 2025 08:31:02 +0000
Message-ID: <4f1b2c3d@EXCH01.empresa.example>
Auto-Submitted: auto-generated
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: lmartin@empresa.example
Content-Type: text/plain; charset="iso-8859-1"
`;

/** An Exchange out-of-office of an old server that writes only its own header. */
const OLD_EXCHANGE_OOF = `From: Luis Martin <lmartin@empresa.example>
To: registro@ayto-villanueva.es
Subject: Fuera de la oficina
X-Auto-Response-Suppress: DR, OOF, AutoReply
Content-Type: text/plain
`;

const VACATION_PROGRAM = `Return-Path: <pepe@correo.example>
From: pepe@correo.example
To: registro@ayto-villanueva.es
Subject: vacaciones
X-Autoreply: yes
Precedence: junk
`;

const POSTFIX_BOUNCE = `Return-Path: <>
Received: by mx.gmail.example (Postfix) id 4Y2k1X
Date: Mon, 10 Mar 2025 09:31:12 +0100 (CET)
From: MAILER-DAEMON@mx.gmail.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: registro@ayto-villanueva.es
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4Y2k1X.1741595472/mx.gmail.example"
`;

/** A delivery report without any of the usual headers but its content type. */
const BARE_DSN = `From: "Mail Delivery Subsystem" <daemon@mx.example>
To: registro@ayto-villanueva.es
Subject: Delivery Status Notification (Failure)
Content-Type: multipart/report; report-type=delivery-status; boundary="b"
`;

const MAILING_LIST = `Return-Path: <vecinos-bounces@lists.asociacion.example>
From: Marta Gil <marta@asociacion.example>
To: vecinos@lists.asociacion.example
Subject: [Vecinos] Reunión del jueves
List-Id: Vecinos del barrio <vecinos.lists.asociacion.example>
List-Unsubscribe: <mailto:vecinos-leave@lists.asociacion.example>
Precedence: list
`;

const NEWSLETTER_BULK = `From: Boletín <boletin@editorial.example>
To: registro@ayto-villanueva.es
Subject: Novedades de marzo
Precedence: bulk
`;

const POSTMASTER_NOTICE = `From: postmaster@ayto-otro.example
To: registro@ayto-villanueva.es
Subject: Aviso
`;

describe('automaticMail', () => {
  it('answers a citizen\'s own mail', () => {
    expect(automaticMail(parseHeaderBlock(CITIZEN_FROM_GMAIL))).toEqual({ automatic: false });
  });

  it('takes Auto-Submitted: no as a person\'s mail (RFC 3834 §5)', () => {
    expect(automaticMail(parseHeaderBlock(`${CITIZEN_FROM_GMAIL.split('\n\n')[0]}\nAuto-Submitted: no`)).automatic).toBe(false);
  });

  it.each([
    ['a Gmail vacation answer', GMAIL_VACATION, 'auto-submitted'],
    ['an Exchange out-of-office', EXCHANGE_OUT_OF_OFFICE, 'auto-submitted'],
    ['an old Exchange out-of-office with only X-Auto-Response-Suppress', OLD_EXCHANGE_OOF, 'autoreply-header'],
    ['a vacation program with X-Autoreply and Precedence: junk', VACATION_PROGRAM, 'precedence'],
    ['a Postfix bounce', POSTFIX_BOUNCE, 'auto-submitted'],
    ['a delivery report with only its content type', BARE_DSN, 'delivery-report'],
    ['a mailing list\'s copy', MAILING_LIST, 'precedence'],
    ['a newsletter sent as bulk', NEWSLETTER_BULK, 'precedence'],
    ['a notice from a postmaster', POSTMASTER_NOTICE, 'system-sender'],
  ])('never answers %s', (_case, raw, reason) => {
    expect(automaticMail(parseHeaderBlock(raw))).toMatchObject({ automatic: true, reason });
  });

  it('sees each rule on its own, not only in combination', () => {
    const base = 'From: x@correo.example\nTo: registro@ayto-villanueva.es\n';
    expect(automaticMail(parseHeaderBlock(`${base}Return-Path: <>`))).toMatchObject({ reason: 'null-return-path' });
    expect(automaticMail(parseHeaderBlock(`${base}List-Id: <l.example>`))).toMatchObject({ reason: 'mailing-list' });
    expect(automaticMail(parseHeaderBlock(`${base}X-Autorespond: 1`))).toMatchObject({ reason: 'autoreply-header' });
    expect(automaticMail(parseHeaderBlock('From: Mailer-Daemon <MAILER-DAEMON@mx.example>'))).toMatchObject({ reason: 'system-sender' });
    expect(automaticMail(parseHeaderBlock('From: MAILER-DAEMON@mx.example (Mail Delivery System)'))).toMatchObject({ reason: 'system-sender' });
    expect(automaticMail(parseHeaderBlock(`${base}auto-submitted: Auto-Notified`))).toMatchObject({ reason: 'auto-submitted' });
  });

  it('never answers one of the council\'s own mailboxes', () => {
    const forwarded = parseHeaderBlock('From: "Registro" <Registro@ayto-villanueva.es>\nTo: urbanismo@ayto-villanueva.es\nSubject: Reenvío');
    expect(automaticMail(forwarded, { ownAddresses: ['registro@ayto-villanueva.es'] })).toMatchObject({ reason: 'own-mailbox' });
  });

  it('reads the header lines mailparser gives, folding included', () => {
    const headers = fromHeaderLines([
      { key: 'from', line: 'From: MAILER-DAEMON@mx.gmail.example (Mail Delivery System)' },
      { key: 'content-type', line: 'Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="x"' },
    ]);
    expect(headers).toEqual([
      ['From', 'MAILER-DAEMON@mx.gmail.example (Mail Delivery System)'],
      ['Content-Type', 'multipart/report; report-type=delivery-status; boundary="x"'],
    ]);
    expect(automaticMail(headers)).toMatchObject({ reason: 'delivery-report' });
  });

  it('unfolds headers folded over several lines', () => {
    const headers = parseHeaderBlock(POSTFIX_BOUNCE);
    const contentType = headers.find(([name]) => name === 'Content-Type')?.[1];
    expect(contentType).toBe('multipart/report; report-type=delivery-status; boundary="4Y2k1X.1741595472/mx.gmail.example"');
  });
});

const HOUR = 60 * 60 * 1000;
const NOW = Date.UTC(2025, 2, 10, 12);

function ack(to: string, createdAt: number, state: 'queued' | 'sent' | 'failed' = 'sent', auto = true): Message {
  return {
    id: `ack-${to}-${createdAt}`,
    kind: 'email_out',
    ticketId: 'tkt',
    citizenId: 'cit',
    text: 'Hemos recibido su escrito.',
    email: { messageId: `m${createdAt}@ayto-villanueva.es`, references: [], from: { address: 'registro@ayto-villanueva.es' }, to: [{ address: to }], cc: [], mailbox: 'registro@ayto-villanueva.es' },
    attachments: [],
    createdAt,
    auto,
    outbox: { state, workstationId: 'ws-1', attempts: state === 'queued' ? 0 : 1, changedAt: createdAt },
  };
}

describe('autoReplyAllowance', () => {
  it(`allows ${AUTO_REPLIES_PER_SENDER_PER_DAY} automatic answers to one address in 24 hours, then none until the oldest is a day old`, () => {
    const history = [ack('ana@correo.example', NOW - 20 * HOUR), ack('ana@correo.example', NOW - 2 * HOUR), ack('ANA@correo.example', NOW - HOUR, 'queued')];
    const allowance = autoReplyAllowance(history, 'ana@correo.example', NOW);
    expect(allowance).toEqual({ allowed: false, sentInLastDay: 3, allowedAgainAt: NOW + 4 * HOUR });
    expect(autoReplyAllowance(history, 'ana@correo.example', NOW + 4 * HOUR).allowed).toBe(true);
  });

  it('counts neither answers older than a day, nor failed ones, nor a clerk\'s, nor those to others', () => {
    const history = [
      ack('ana@correo.example', NOW - 25 * HOUR),
      ack('ana@correo.example', NOW - HOUR, 'failed'),
      ack('ana@correo.example', NOW - HOUR, 'sent', false),
      ack('luis@correo.example', NOW - HOUR),
      ack('ana@correo.example', NOW - HOUR),
    ];
    expect(autoReplyAllowance(history, 'ana@correo.example', NOW)).toEqual({ allowed: true, sentInLastDay: 1 });
  });
});

describe('decideAutoReply', () => {
  it('answers a citizen at their Reply-To address when they gave one', () => {
    const headers = parseHeaderBlock('From: Ana <ana@gmail.com>\nReply-To: "Ana (trabajo)" <ana.ruiz@empresa.example>\nSubject: Hola');
    expect(decideAutoReply(headers, [], NOW)).toEqual({ send: true, recipient: 'ana.ruiz@empresa.example' });
  });

  it('stops at the daily cap with the reason in words', () => {
    const history = [1, 2, 3].map((hours) => ack('ana.ruiz@gmail.com', NOW - hours * HOUR));
    expect(decideAutoReply(parseHeaderBlock(CITIZEN_FROM_GMAIL), history, NOW)).toMatchObject({
      send: false,
      reason: 'daily-cap',
      detail: '3 automatic answers to ana.ruiz@gmail.com in the last 24 hours',
    });
  });

  it('does not answer automatic mail even under the cap', () => {
    expect(decideAutoReply(parseHeaderBlock(GMAIL_VACATION), [], NOW)).toMatchObject({ send: false, reason: 'auto-submitted' });
  });

  it('does not answer a mail without a usable sender', () => {
    expect(decideAutoReply(parseHeaderBlock('From: undisclosed-recipients:;\nSubject: x'), [], NOW)).toMatchObject({ send: false, reason: 'no-sender' });
  });
});
