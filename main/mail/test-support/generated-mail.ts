/**
 * Generated raw mail, shared by the parser's tests (parse-mail.test.ts) and the ingestion
 * benchmark (bench/mail-ingest.ts, and the parser-alone run beside it): a plain Spanish text mail,
 * or the same with one PDF attached (base64, 76-character lines, CRLF everywhere), and a council's
 * inbox of conversations made of them, deterministic for a seed.
 */
import { mulberry32 } from '../../../core/demo/random';

/**
 * A raw message: `headers` (without the MIME ones), then the text in UTF-8 and, when given, an
 * attachment as `application/pdf` named `attachment.name`.
 */
export function rawMail(headers: readonly string[], text: string, attachment?: { name: string; content: Uint8Array }): Buffer {
  const lines = [...headers, 'MIME-Version: 1.0'];
  if (!attachment) return Buffer.from([...lines, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', text].join('\r\n'));
  return Buffer.from(
    [
      ...lines,
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      text,
      '--b',
      `Content-Type: application/pdf; name="${attachment.name}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${attachment.name}"`,
      '',
      Buffer.from(attachment.content).toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b--',
      '',
    ].join('\r\n'),
  );
}

const STREETS = ['calle Mayor', 'plaza de España', 'avenida de la Constitución', 'calle del Carmen', 'camino de la Fuente', 'ronda de San Juan'];
const TOPICS = ['licencia de obra menor', 'certificado de empadronamiento', 'ruido nocturno', 'vado permanente', 'recogida de enseres', 'farola fundida', 'tasa de basuras', 'ayuda al alquiler'];

/**
 * A council's inbox: conversations of 1–4 mails with threading headers, Spanish text, a share of
 * them (`attachmentShare`) with a 1–3 MB PDF. Generated one mail at a time: 100,000 of them are
 * ~13 GB. The same seed gives the same mailbox.
 */
export function* councilMailbox(count: number, options: { attachmentShare: number; seed?: number }): Generator<Buffer> {
  const next = mulberry32(options.seed ?? 2026);
  let made = 0;
  let thread = 0;
  while (made < count) {
    const replies = Math.floor(next() * 4);
    const topic = TOPICS[thread % TOPICS.length]!;
    const street = STREETS[Math.floor(next() * STREETS.length)]!;
    for (let n = 0; n <= replies && made < count; n++, made++) {
      const id = (k: number) => `<bench-${thread}-${k}@correo.test>`;
      const body = `Buenos días:\r\n\r\nLes escribo sobre ${topic} en ${street}, número ${thread % 90}. ${'Les agradecería una respuesta lo antes posible, ya que el asunto es urgente para mi familia. '.repeat(3 + Math.floor(next() * 20))}\r\n\r\nUn saludo,\r\nVecino ${thread}\r\n`;
      const headers = [
        `From: Vecino ${thread} <vecino${thread}@correo.test>`,
        'To: registro@ayto.test',
        `Subject: ${n > 0 ? 'RE: ' : ''}Consulta sobre ${topic}`,
        `Message-ID: ${id(n)}`,
        `Date: ${new Date(Date.UTC(2026, 0, 1) + made * 60_000).toUTCString()}`,
        ...(n > 0 ? [`In-Reply-To: ${id(n - 1)}`, `References: ${Array.from({ length: n }, (_, k) => id(k)).join(' ')}`] : []),
      ];
      if (next() < options.attachmentShare) {
        const size = 1_000_000 + Math.floor(next() * 2_000_000);
        const content = Buffer.alloc(size);
        for (let i = 0; i < size; i += 4) content.writeUInt32LE(Math.floor(next() * 2 ** 32), Math.min(i, size - 4));
        yield rawMail(headers, body, { name: `documento-${thread}.pdf`, content });
      } else {
        yield rawMail(headers, body);
      }
    }
    thread++;
  }
}
