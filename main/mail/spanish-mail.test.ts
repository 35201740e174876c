// Spanish mail as councils receive it, byte for byte: Latin-1, Windows-1252 labelled as Latin-1
// (€ and curly quotes), 8-bit text with no charset at all, RFC 2047 subjects and names, an
// Outlook winmail.dat. Appended to a real Dovecot and ingested.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Message } from '../../core/schemas';
import { ingested, useMailWorkstation } from './test-support/mail-fixture';

/** A raw message from header lines and body bytes, CRLF line ends, exactly these bytes. */
function raw(headers: string[], body: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(headers.join('\r\n') + '\r\n\r\n', 'latin1'), typeof body === 'string' ? Buffer.from(body, 'latin1') : body]);
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');
/** Windows-1252 bytes: Latin-1, plus € (0x80), “ (0x93), ” (0x94), – (0x96). */
const cp1252 = (text: string) => Buffer.from(Array.from(text, (ch) => ({ '€': 0x80, '“': 0x93, '”': 0x94, '–': 0x96 })[ch] ?? ch.charCodeAt(0)));

const FIXTURES: { name: string; bytes: Buffer; subject: string; text: string; fromName?: string }[] = [
  {
    name: 'Latin-1 labelled',
    bytes: raw(['From: Vecino <vecino1@correo.test>', 'To: registro@ayto.test', 'Subject: =?ISO-8859-1?Q?Solicitud_de_informaci=F3n?=', 'Message-ID: <latin1@correo.test>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: 8bit'], latin1('Solicito información del año 2026 para la Peña de Muñoz.\r\n')),
    subject: 'Solicitud de información',
    text: 'Solicito información del año 2026 para la Peña de Muñoz.',
  },
  {
    name: 'Windows-1252 labelled as Latin-1',
    bytes: raw(['From: Vecina <vecina2@correo.test>', 'To: registro@ayto.test', 'Subject: Importe de la tasa', 'Message-ID: <cp1252@correo.test>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: 8bit'], cp1252('El importe es 150 € – “urgente”, según la carta.\r\n')),
    subject: 'Importe de la tasa',
    text: 'El importe es 150 € – “urgente”, según la carta.',
  },
  {
    name: '8-bit text without charset',
    bytes: raw(['From: vecino3@correo.test', 'To: registro@ayto.test', 'Subject: Petición de vado', 'Message-ID: <nocharset@correo.test>', 'MIME-Version: 1.0', 'Content-Type: text/plain', 'Content-Transfer-Encoding: 8bit'].map((line) => line), cp1252('Señora, adjunto el recibo de 30 € pagado el miércoles.\r\n')),
    subject: 'Petición de vado',
    text: 'Señora, adjunto el recibo de 30 € pagado el miércoles.',
  },
  {
    name: 'quoted-printable without charset',
    bytes: raw(['From: vecino4@correo.test', 'To: registro@ayto.test', 'Subject: Queja', 'Message-ID: <qp-nocharset@correo.test>', 'MIME-Version: 1.0', 'Content-Transfer-Encoding: quoted-printable'], 'Ruido en la calle Ca=F1o =80 a las dos de la ma=F1ana.\r\n'),
    subject: 'Queja',
    text: 'Ruido en la calle Caño € a las dos de la mañana.',
  },
  {
    name: 'RFC 2047 B name and Q subject in UTF-8',
    bytes: raw(
      [
        `From: =?UTF-8?B?${Buffer.from('José Muñoz Ibáñez').toString('base64')}?= <jose@correo.test>`,
        'To: registro@ayto.test',
        'Subject: =?UTF-8?Q?Certificado_de_empadronamiento_=E2=80=94_urgente?=',
        'Message-ID: <rfc2047@correo.test>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
      ],
      Buffer.from('Necesito el certificado para mañana.\r\n').toString('base64') + '\r\n',
    ),
    subject: 'Certificado de empadronamiento — urgente',
    text: 'Necesito el certificado para mañana.',
    fromName: 'José Muñoz Ibáñez',
  },
];

// An Outlook winmail.dat (node-tnef's own sample file), wrapped the way Outlook sends it.
const TNEF_SAMPLE = path.join(path.dirname(createRequire(import.meta.url).resolve('node-tnef/package.json')), 'testFiles', 'attachments.dat');
const WINMAIL = raw(
  ['From: Empresa <empresa@correo.test>', 'To: registro@ayto.test', 'Subject: Documentación', 'Message-ID: <winmail@correo.test>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"'],
  ['--b1', 'Content-Type: text/plain; charset=us-ascii', '', 'Adjunto la documentacion.', '--b1', 'Content-Type: application/ms-tnef; name="winmail.dat"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="winmail.dat"', '', readFileSync(TNEF_SAMPLE).toString('base64').replace(/.{76}/g, '$&\r\n'), '--b1--', ''].join('\r\n'),
);

let byMessageId: Map<string, Message>;

const bed = useMailWorkstation({ prepare: (dovecot) => dovecot.append([...FIXTURES.map((fixture) => fixture.bytes), WINMAIL]) });
beforeAll(async () => {
  await ingested(bed.workstation.mail, FIXTURES.length + 1);
  const messages = (await bed.workstation.local.db.messages.find().exec()).map((document) => document.toJSON() as Message);
  byMessageId = new Map(messages.map((message) => [message.email!.messageId, message]));
}, 120_000);

describe('Spanish mail, byte for byte', () => {
  for (const fixture of FIXTURES) {
    it(`reads ${fixture.name} without a single wrong letter`, () => {
      const id = /Message-ID: <([^>]+)>/.exec(fixture.bytes.toString('latin1'))![1]!;
      const message = byMessageId.get(id);
      expect(message, id).toBeDefined();
      expect(message!.subject).toBe(fixture.subject);
      expect(message!.text.trim()).toBe(fixture.text);
      if (fixture.fromName) expect(message!.email!.from.name).toBe(fixture.fromName);
    });
  }

  it('names the citizen of an RFC 2047 sender as they sign, and finds them by the folded name', async () => {
    const citizen = (await bed.workstation.local.db.citizens.find({ selector: { nameKey: 'jose munoz ibanez' } }).exec())[0];
    expect(citizen?.name).toBe('José Muñoz Ibáñez');
    expect(citizen?.emails).toEqual(['jose@correo.test']);
  });

  it('takes the files out of an Outlook winmail.dat and keeps the winmail.dat too', () => {
    const message = byMessageId.get('winmail@correo.test')!;
    const names = message.attachments.map((attachment) => attachment.name);
    expect(names).toContain('winmail.dat');
    expect(message.attachments.length).toBeGreaterThan(1);
    for (const attachment of message.attachments) expect(attachment.size).toBeGreaterThan(0);
  });
});
