/**
 * Windows-1252, by table. Node 20's own `TextDecoder('windows-1252')` is broken (it maps
 * 0x80–0x9F to C1 controls, shared/NOTES.md), and that range is exactly where Windows-1252 keeps
 * €, the curly quotes and the dashes Spanish mail is full of. Used to retry 8-bit mail that
 * declares no charset (mailparser reads it as UTF-8 and gets U+FFFD).
 */

/** 0x80–0x9F of Windows-1252 (https://www.unicode.org/Public/MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT); undefined bytes stay as Latin-1 controls. */
const HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

/** Bytes read as Windows-1252, as a string. */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const codes = Array.from(bytes.subarray(start, start + CHUNK), (byte) => (byte >= 0x80 && byte <= 0x9f ? HIGH[byte - 0x80]! : byte));
    out += String.fromCharCode(...codes);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const TEXT_CONTENT_TYPE = /^Content-Type:[ \t]*text\/[\w.+-]+[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim;

/**
 * The raw message, relabelled for a second parse when the first one read 8-bit text with no
 * charset as UTF-8 and got U+FFFD: every `text/*` part without a `charset` gets
 * `charset=windows-1252` (whatever its transfer encoding: 8bit, quoted-printable or base64), a
 * message without any Content-Type gets one, and a top header block with raw 8-bit bytes that
 * are not UTF-8 (an unencoded Subject) is re-read as Windows-1252 and written as UTF-8.
 * Labelled parts are left alone: their charset is what their sender said.
 */
export function labelUnlabelledText(raw: Buffer): Buffer {
  const separator = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const headEnd = separator >= 0 ? separator : raw.length;
  let head = raw.subarray(0, headEnd);
  if (!isUtf8(head)) head = Buffer.from(decodeWindows1252(head), 'utf8');
  const body = raw.subarray(headEnd).toString('latin1').replace(TEXT_CONTENT_TYPE, (header) => (/charset\s*=/i.test(header) ? header : `${header}; charset=windows-1252`));
  let headText = head.toString('latin1').replace(TEXT_CONTENT_TYPE, (header) => (/charset\s*=/i.test(header) ? header : `${header}; charset=windows-1252`));
  if (!/^Content-Type:/im.test(headText)) headText = `Content-Type: text/plain; charset=windows-1252\r\n${headText}`;
  return Buffer.concat([Buffer.from(headText, 'latin1'), Buffer.from(body, 'latin1')]);
}
