// A 50 MB message (a scanned file a citizen attached): streamed from Dovecot to the spool in
// chunks rather than fetched whole, parsed from the file in a parser thread, its attachment one
// blob with the very bytes that were sent.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ingested, useDovecot } from './test-support/mail-fixture';

const bed = useDovecot();

describe('a 50 MB message', () => {
  it('is spooled whole and its attachment kept byte for byte', async () => {
    const scan = randomBytes(37 * 1024 * 1024);
    const raw = Buffer.from(
      [
        'From: Vecina <vecina@correo.test>',
        'To: registro@ayto.test',
        'Subject: Escrituras escaneadas',
        'Message-ID: <grande@correo.test>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Adjunto las escrituras.',
        '--b',
        'Content-Type: application/pdf; name="escrituras.pdf"',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="escrituras.pdf"',
        '',
        scan.toString('base64').replace(/.{76}/g, '$&\r\n'),
        '--b--',
        '',
      ].join('\r\n'),
    );
    expect(raw.length).toBeGreaterThan(50_000_000);
    await bed.dovecot.append([raw]);
    const workstation = await bed.startWorkstation();
    await ingested(workstation.mail, 1, 120_000);
    const [entry] = workstation.mail.spool.db.prepare('SELECT raw_file, size, state FROM spool').all() as { raw_file: string; size: number; state: string }[];
    expect(entry!.state).toBe('done');
    expect(statSync(entry!.raw_file).size).toBe(raw.length);
    const [message] = await workstation.local.db.messages.find().exec();
    const attachment = message!.attachments.find((file) => file.name === 'escrituras.pdf')!;
    const sha256 = createHash('sha256').update(scan).digest('hex');
    expect(attachment).toMatchObject({ sha256, size: scan.length, mimeType: 'application/pdf' });
    expect(createHash('sha256').update(readFileSync(path.join(workstation.dataDir, 'blobs', sha256.slice(0, 2), sha256))).digest('hex')).toBe(sha256);
  }, 180_000);
});
