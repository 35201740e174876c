/**
 * The shell's half of keeping mail passwords in the OS keychain (docs/mail.md, "Passwords"): a
 * random 32-byte key, stored only as `safeStorage.encryptString` made it (DPAPI, the macOS
 * Keychain, libsecret or KWallet), decrypted at start and sent to the workstation service, which
 * seals the passwords with it (main/host/mail/shell-secrets.ts, main/mail/sealed-secret-box.ts).
 * Pure over a `safeStorage`-shaped object, so it is tested without the Electron binary.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MailSecretsMessage } from '../host/mail/shell-secrets';

/** What this module uses of Electron's `safeStorage`. */
export type SafeStorageLike = Pick<Electron.SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>;

const KEY_BYTES = 32;

/**
 * The message for the service: the key (made and stored encrypted on first use), or why there is
 * none — no keychain, or Linux's `basic_text` "backend", which encrypts with a password built into
 * Chromium and protects nothing a 0600 file does not. A key file that no longer decrypts (the
 * keychain was reset, the profile was copied from another computer) is set aside, not deleted,
 * and a new key made: the passwords sealed with the old one must then be typed again.
 */
export function mailSecretsMessage(safeStorage: SafeStorageLike, keyFile: string, options: KeyOptions = {}): MailSecretsMessage {
  try {
    return keyMessage(safeStorage, keyFile, options);
  } catch (error) {
    // The key file cannot be read or written (permissions, a full disk): the service still starts,
    // with the owner-only file, and says why.
    return { type: 'mail-secrets', unavailable: (error as Error).message };
  }
}

type KeyOptions = { platform?: NodeJS.Platform; log?: (line: string) => void; now?: () => number };

function keyMessage(safeStorage: SafeStorageLike, keyFile: string, options: KeyOptions): MailSecretsMessage {
  const platform = options.platform ?? process.platform;
  const log = options.log ?? (() => undefined);
  if (!safeStorage.isEncryptionAvailable()) return { type: 'mail-secrets', unavailable: 'the system keychain is not available (safeStorage)' };
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') return { type: 'mail-secrets', unavailable: `no keychain on this desktop (safeStorage backend "${backend}")` };
  }
  let stored: Buffer | undefined;
  try {
    stored = readFileSync(keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`The mail key file ${keyFile} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (stored) {
    try {
      const key = Buffer.from(safeStorage.decryptString(stored), 'base64');
      if (key.length !== KEY_BYTES) throw new Error(`it holds ${key.length} bytes, not ${KEY_BYTES}`);
      return { type: 'mail-secrets', key: key.toString('base64') };
    } catch (error) {
      const aside = `${keyFile}.unreadable-${(options.now ?? Date.now)()}`;
      renameSync(keyFile, aside);
      log(`the mail key cannot be decrypted by the keychain (${(error as Error).message}); set aside as ${aside}, a new one made: mail passwords must be typed again`);
    }
  }
  const key = randomBytes(KEY_BYTES);
  writeDurably(keyFile, safeStorage.encryptString(key.toString('base64')));
  return { type: 'mail-secrets', key: key.toString('base64') };
}

/** Owner-only, flushed, then renamed into place: a crash leaves the old file or the new one. */
function writeDurably(file: string, contents: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, contents, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}
