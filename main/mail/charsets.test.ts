import { decodeWindows1252, labelUnlabelledText } from './charsets';

describe('Windows-1252', () => {
  it('reads €, curly quotes and dashes where Node 20’s own decoder gives control characters', () => {
    expect(decodeWindows1252(Uint8Array.from([0x80, 0x20, 0x93, 0x61, 0x94, 0x96, 0xf1]))).toBe('€ “a”–ñ');
  });

  it('labels text parts that declare no charset, and leaves labelled ones alone', () => {
    const raw = Buffer.from('Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhola\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>hola</p>\r\n--b--\r\n');
    const labelled = labelUnlabelledText(raw).toString('latin1');
    expect(labelled).toContain('Content-Type: text/plain; charset=windows-1252');
    expect(labelled).toContain('Content-Type: text/html; charset=utf-8\r\n');
    expect(labelled).not.toContain('utf-8; charset=windows-1252');
  });

  it('gives a message without any Content-Type one, and re-reads raw 8-bit headers', () => {
    const raw = Buffer.concat([Buffer.from('Subject: Petici', 'latin1'), Buffer.from([0xf3]), Buffer.from('n\r\n\r\nhola\r\n', 'latin1')]);
    const labelled = labelUnlabelledText(raw).toString('utf8');
    expect(labelled).toMatch(/^Content-Type: text\/plain; charset=windows-1252\r\nSubject: Petición\r\n/);
  });
});
