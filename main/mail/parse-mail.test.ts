// The parser's two ways in: a message up to IN_MEMORY_MAX_BYTES is read whole and fed to
// mailparser in pieces, a larger one streamed from its file. Both must give the same thing: the
// text, each attachment as a blob with the very bytes that were sent, and — for a mail without a
// Message-ID — the synthetic one from the raw message's hash.
// Alike whether the file is read (and the blobs written) through libuv's pool or with blocking calls.
// A raw file that is not there is the disk's problem, not the mail's, and says so by its code.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobWriter } from './blobs';
import { IN_MEMORY_MAX_BYTES, parseRawMail, UnparseableMail } from './parse-mail';
import { rawMail } from './test-support/generated-mail';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A mail with a base64 attachment of `size` random bytes, CRLF line ends; without a Message-ID if asked. */
function mailWithAttachment(size: number, options: { messageId?: boolean } = {}): { raw: Buffer; attachment: Buffer } {
  const attachment = randomBytes(size);
  const headers = [
    'From: =?ISO-8859-1?Q?Vecina_Mu=F1oz?= <vecina@correo.test>',
    'To: registro@ayto.test',
    'Subject: Solicitud con documento',
    ...(options.messageId === false ? [] : [`Message-ID: <adjunto-${size}@correo.test>`]),
  ];
  const raw = rawMail(headers, 'Adjunto la solicitud firmada. Un saludo, la vecina del número 7.', { name: 'solicitud.pdf', content: attachment });
  return { raw, attachment };
}

// A parser thread reads and writes with blocking calls; the service's thread, through libuv's pool.
describe.each([
  ['through libuv\'s pool', false],
  ['with blocking calls, as a parser thread does', true],
])('parsing a raw message from the spool, reading and writing %s', (_way, blocking) => {
  let folder: string;
  let blobs: BlobWriter;
  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-parse-'));
    blobs = new BlobWriter(path.join(folder, 'blobs'), { fsync: true, blocking });
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it.each([
    ['a few kilobytes (one piece)', 2_000, false],
    ['a megabyte (read whole, fed in pieces)', 1_000_000, false],
    // Base64 takes 4/3 of the bytes: this attachment makes a message just above the limit.
    ['above the in-memory limit (streamed from the file)', Math.ceil((IN_MEMORY_MAX_BYTES * 3) / 4) + 100_000, true],
  ])('gives the text and the attachment byte for byte for a mail with %s', async (_label, size, streamed) => {
    const { raw, attachment } = mailWithAttachment(size);
    expect(raw.length > IN_MEMORY_MAX_BYTES).toBe(streamed);
    const file = path.join(folder, 'mail.eml');
    writeFileSync(file, raw);

    const parsed = await parseRawMail(file, blobs, { blocking });

    expect(parsed.messageId).toBe(`adjunto-${size}@correo.test`);
    expect(parsed.from).toEqual({ address: 'vecina@correo.test', name: 'Vecina Muñoz' });
    expect(parsed.text.trim()).toBe('Adjunto la solicitud firmada. Un saludo, la vecina del número 7.');
    expect(parsed.attachments).toEqual([{ sha256: sha256(attachment), name: 'solicitud.pdf', mimeType: 'application/pdf', size }]);
    expect(readFileSync(blobs.pathOf(sha256(attachment))).equals(attachment)).toBe(true);
  }, 30_000);

  it.each([
    ['a few kilobytes', 2_000],
    ['above the in-memory limit', Math.ceil((IN_MEMORY_MAX_BYTES * 3) / 4) + 100_000],
  ])('names a mail without a Message-ID of %s by the SHA-256 of its raw bytes', async (_label, size) => {
    const { raw } = mailWithAttachment(size, { messageId: false });
    const file = path.join(folder, 'mail.eml');
    writeFileSync(file, raw);

    const parsed = await parseRawMail(file, blobs, { blocking });

    expect(parsed.hadMessageId).toBe(false);
    expect(parsed.messageId).toBe(`${sha256(raw)}@sin-message-id.invalid`);
  }, 30_000);

  it('reports a raw file that is not on the disk by its code, not as an unparseable mail', async () => {
    const missing = parseRawMail(path.join(folder, 'gone.eml'), blobs, { blocking });
    await expect(missing).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(missing).rejects.not.toBeInstanceOf(UnparseableMail);
  });
});
