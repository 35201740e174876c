// The service's half of the app's mail passwords: the key arrives as the shell's first message,
// and each replica's passwords are sealed with it — including those an earlier version left in
// the plain owner-only file.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretBox, MailAccountStore } from '../../mail';
import { mailSecretBoxes, mailSecretsFromShell, type MailSecretsMessage } from './shell-secrets';

const registro = { name: 'Registro', host: 'imap.ayto.example', port: 993, security: 'tls' as const, user: 'registro', address: 'registro@ayto.example', defaultDepartmentId: 'registro' };

describe('mail passwords sealed with the shell\'s key', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-sealed-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));
  const message = (): MailSecretsMessage => ({ type: 'mail-secrets', key: randomBytes(32).toString('base64') });

  it('waits for the key among the parent port\'s messages, and goes on without one if none comes', async () => {
    const port = new EventEmitter();
    const waiting = mailSecretsFromShell(port, 5_000);
    const sent = message();
    port.emit('message', { data: { type: 'connect' } });
    port.emit('message', { data: { type: 'mail-secrets', key: 'too short' } });
    port.emit('message', { data: sent });
    expect(await waiting).toEqual(sent);
    expect(port.listenerCount('message')).toBe(0);
    expect(await mailSecretsFromShell(new EventEmitter(), 10)).toBeUndefined();
  });

  it('keeps no password readable in the file, and none opens under another key or another account\'s name', () => {
    const key = message();
    const store = new MailAccountStore(folder, mailSecretBoxes(key, () => undefined)(folder));
    const account = store.save(registro, 'contraseña del buzón de registro');
    const file = path.join(folder, 'secrets.sealed.json');
    expect(readFileSync(file, 'utf8')).not.toContain('contraseña');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(new MailAccountStore(folder, mailSecretBoxes(key, () => undefined)(folder)).password(account.id)).toBe('contraseña del buzón de registro');

    const problems: string[] = [];
    expect(new MailAccountStore(folder, mailSecretBoxes(message(), (line) => problems.push(line))(folder)).password(account.id)).toBeUndefined();
    expect(problems).toHaveLength(1);
    // A sealed value copied onto another account's name does not open: it is bound to its name.
    const sealed = JSON.parse(readFileSync(file, 'utf8')) as { format: string; entries: Record<string, string> };
    writeFileSync(file, JSON.stringify({ ...sealed, entries: { ...sealed.entries, 'mail-account:otra': sealed.entries[`mail-account:${account.id}`] } }));
    const box = mailSecretBoxes(key, () => undefined)(folder);
    expect(box.get('mail-account:otra')).toBeUndefined();
    expect(box.get(`mail-account:${account.id}`)).toBe('contraseña del buzón de registro');
  });

  it('seals the passwords an earlier version kept in the plain file, removes that file, and never seals an old value over a newer one', () => {
    const plain = new FileSecretBox(path.join(folder, 'secrets.json'));
    plain.set('mail-account:registro', 'antigua');
    plain.set('smtp:registro', 'envío');
    const key = message();
    const box = mailSecretBoxes(key, () => undefined)(folder);
    expect(existsSync(path.join(folder, 'secrets.json'))).toBe(false);
    expect([box.get('mail-account:registro'), box.get('smtp:registro')]).toEqual(['antigua', 'envío']);

    // A crash between the sealed write and the removal leaves the plain file: sealing it again
    // keeps what was changed since.
    box.set('mail-account:registro', 'nueva');
    plain.set('mail-account:registro', 'antigua');
    expect(mailSecretBoxes(key, () => undefined)(folder).get('mail-account:registro')).toBe('nueva');
  });

  it('keeps the owner-only file when the shell has no keychain, and says so', () => {
    const lines: string[] = [];
    const box = mailSecretBoxes({ type: 'mail-secrets', unavailable: 'no keychain on this desktop (safeStorage backend "basic_text")' }, (line) => lines.push(line))(folder);
    box.set('mail-account:registro', 'secreta');
    expect(JSON.parse(readFileSync(path.join(folder, 'secrets.json'), 'utf8'))).toEqual({ 'mail-account:registro': 'secreta' });
    expect(lines).toEqual(['mail passwords kept in an owner-only file: no keychain on this desktop (safeStorage backend "basic_text")']);
  });
});
