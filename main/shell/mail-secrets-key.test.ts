// The shell's key for the mail passwords, over an object with `safeStorage`'s interface: a
// keychain that really encrypts (AES-GCM under a key of its own, as DPAPI or the Keychain would),
// so a key file from another "computer" truly does not decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailSecretBoxes } from '../host/mail/shell-secrets';
import { mailSecretsMessage, type SafeStorageLike } from './mail-secrets-key';

/** A keychain with `safeStorage`'s interface, holding its own secret (one per "computer"). */
function keychain(options: { available?: boolean; backend?: ReturnType<SafeStorageLike['getSelectedStorageBackend']> } = {}): SafeStorageLike & { calls: string[] } {
  const secret = randomBytes(32);
  const calls: string[] = [];
  return {
    calls,
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString(plain) {
      calls.push('encrypt');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(encrypted) {
      calls.push('decrypt');
      const decipher = createDecipheriv('aes-256-gcm', secret, encrypted.subarray(0, 12));
      decipher.setAuthTag(encrypted.subarray(12, 28));
      // Electron throws "Error while decrypting the ciphertext provided to safeStorage.decryptString."
      return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

describe('the key of the mail passwords in the app', () => {
  let folder: string;
  let keyFile: string;
  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-shell-key-'));
    keyFile = path.join(folder, 'workstation', 'mail-secrets.key');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('is made once, kept only as the keychain encrypted it, and is the same at every start', () => {
    const os = keychain();
    const first = mailSecretsMessage(os, keyFile, { platform: 'linux' });
    expect(first).toMatchObject({ type: 'mail-secrets', key: expect.any(String) });
    const key = (first as { key: string }).key;
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(readFileSync(keyFile).toString('latin1')).not.toContain(key);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(mailSecretsMessage(os, keyFile, { platform: 'linux' })).toEqual({ type: 'mail-secrets', key });
    expect(os.calls).toEqual(['encrypt', 'decrypt']);
  });

  it('is not made without a keychain, nor over Linux\'s basic_text fallback, and says why', () => {
    expect(mailSecretsMessage(keychain({ available: false }), keyFile)).toEqual({ type: 'mail-secrets', unavailable: expect.stringContaining('keychain') });
    expect(mailSecretsMessage(keychain({ backend: 'basic_text' }), keyFile, { platform: 'linux' })).toEqual({ type: 'mail-secrets', unavailable: expect.stringContaining('basic_text') });
    expect(existsSync(keyFile)).toBe(false);
    // basic_text is a Linux notion: Windows and macOS always have DPAPI or the Keychain.
    expect(mailSecretsMessage(keychain({ backend: 'basic_text' }), keyFile, { platform: 'win32' })).toHaveProperty('key');
  });

  it('sets aside a key file another keychain encrypted, makes a new key, and the old passwords ask to be typed again', () => {
    const mailDirectory = path.join(folder, 'mail');
    const lines: string[] = [];
    const before = mailSecretsMessage(keychain(), keyFile, { platform: 'darwin' });
    mailSecretBoxes(before, () => undefined)(mailDirectory).set('mail-account:registro', 'contraseña de registro');

    // The profile copied to another computer (another keychain).
    const after = mailSecretsMessage(keychain(), keyFile, { platform: 'darwin', log: (line) => lines.push(line), now: () => 1_770_000_000_000 });
    expect((after as { key: string }).key).not.toBe((before as { key: string }).key);
    expect(readdirSync(path.dirname(keyFile)).sort()).toEqual(['mail-secrets.key', 'mail-secrets.key.unreadable-1770000000000']);
    expect(lines.join('\n')).toMatch(/cannot be decrypted by the keychain/);
    const box = mailSecretBoxes(after, (line) => lines.push(line))(mailDirectory);
    expect(box.get('mail-account:registro')).toBeUndefined();
    expect(lines.join('\n')).toMatch(/mail-account:registro cannot be opened .* typed again/);
    box.set('mail-account:registro', 'la nueva');
    expect(box.get('mail-account:registro')).toBe('la nueva');
  });

  it('starts the service without a key, rather than not at all, when the key file cannot be written', () => {
    writeFileSync(path.join(folder, 'workstation'), 'a file where the folder should be');
    expect(mailSecretsMessage(keychain(), keyFile, { platform: 'linux' })).toEqual({ type: 'mail-secrets', unavailable: expect.any(String) });
  });
});
