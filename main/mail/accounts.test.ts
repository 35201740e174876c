import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileSecretBox, MailAccountError, MailAccountStore } from './accounts';

let folder: string;
beforeEach(() => (folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-accounts-'))));
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const registro = { name: 'Registro', host: 'imap.ayto.example', port: 993, security: 'tls' as const, user: 'registro', address: 'Registro@Ayto.Example', defaultDepartmentId: 'registro' };

describe('mailbox accounts', () => {
  it('are kept without their password, which goes to a file only its owner can read', () => {
    const secrets = new FileSecretBox(path.join(folder, 'secrets.json'));
    const store = new MailAccountStore(folder, secrets);
    const account = store.save(registro, 'contraseña secreta');
    expect(readFileSync(path.join(folder, 'accounts.json'), 'utf8')).not.toContain('contraseña');
    expect(statSync(path.join(folder, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(store.password(account.id)).toBe('contraseña secreta');
    expect(account).toMatchObject({ address: 'registro@ayto.example', folder: 'INBOX', enabled: true, options: { markSeen: false } });
  });

  it('never touch mail on the server unless asked: no \\Seen flag by default', () => {
    const store = new MailAccountStore(folder, new FileSecretBox(path.join(folder, 'secrets.json')));
    expect(store.save(registro).options.markSeen).toBe(false);
  });

  it('are refused with every reason in Spanish when they cannot work', () => {
    const store = new MailAccountStore(folder, new FileSecretBox(path.join(folder, 'secrets.json')));
    expect(() => store.save({ ...registro, host: '', port: 0, address: 'nada' })).toThrow(MailAccountError);
    expect(() => store.save({ ...registro, host: '', port: 0, address: 'nada' })).toThrow(/falta el servidor.*puerto.*dirección/);
    expect(() => store.save({ ...registro, security: 'none' })).toThrow(/sin cifrado solo se admite un servidor local/);
  });

  it('lose their password with them', () => {
    const secrets = new FileSecretBox(path.join(folder, 'secrets.json'));
    const store = new MailAccountStore(folder, secrets);
    const account = store.save(registro, 'x');
    store.remove(account.id);
    expect(store.list()).toEqual([]);
    expect(store.password(account.id)).toBeUndefined();
  });
});
