/**
 * The Electron app's secret box (issue 5: "passwords kept encrypted with the OS keychain"): the
 * owner-only file of the headless service (accounts.ts, FileSecretBox), with every value sealed
 * with AES-256-GCM under a 32-byte key. The key never touches the disk in the clear: the app's
 * shell keeps it encrypted by `safeStorage` (the OS keychain: DPAPI on Windows, the Keychain on
 * macOS, libsecret/KWallet on Linux) and hands it to the workstation service over the utility
 * process's message port (main/shell/mail-secrets-key.ts, docs/mail.md "Passwords").
 *
 * Each value is bound to its name (GCM's additional data), so a value copied onto another
 * account's name does not open. A value that does not open (the keychain was reset, the profile
 * was copied from another PC) reads as "no password" and is reported through `onUnreadable`:
 * the settings screen then asks for it again — the fetcher is never handed a throw.
 *
 * A plain secrets file left by an earlier version (or by the headless service) is sealed on
 * first open and removed; a crash in between seals it again next time, never over a value
 * changed since (only names the sealed file lacks are taken).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { writeOwnerOnly, type SecretBox } from './accounts';

export const SEALED_SECRETS_FORMAT = 'ventanilla-sealed-secrets/1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

type SealedFile = { format: typeof SEALED_SECRETS_FORMAT; entries: Record<string, string> };

export type SealedFileSecretBoxOptions = {
  /** A plain secrets file (FileSecretBox) to seal and remove. */
  migrateFrom?: string;
  /** Told about a value that cannot be opened with this key (it reads as absent). */
  onUnreadable?: (name: string, reason: string) => void;
};

export class SealedFileSecretBox implements SecretBox {
  private readonly reported = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly key: Buffer,
    private readonly options: SealedFileSecretBoxOptions = {},
  ) {
    if (key.length !== 32) throw new RangeError(`The key of the sealed secrets must have 32 bytes (it has ${key.length})`);
    if (options.migrateFrom) this.migrate(options.migrateFrom);
  }

  get(name: string): string | undefined {
    const sealed = this.read().entries[name];
    if (sealed === undefined) return undefined;
    try {
      return this.open(name, sealed);
    } catch (error) {
      if (!this.reported.has(name)) {
        this.reported.add(name);
        this.options.onUnreadable?.(name, (error as Error).message);
      }
      return undefined;
    }
  }

  set(name: string, value: string): void {
    const current = this.read();
    this.reported.delete(name);
    this.write({ ...current.entries, [name]: this.seal(name, value) });
  }

  delete(name: string): void {
    const { entries } = this.read();
    if (!(name in entries)) return;
    delete entries[name];
    this.write(entries);
  }

  private read(): SealedFile {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { format: SEALED_SECRETS_FORMAT, entries: {} };
      throw new Error(`The sealed secrets file ${this.file} cannot be read: ${(error as Error).message}`, { cause: error });
    }
    const parsed = JSON.parse(text) as Partial<SealedFile> | null;
    if (parsed?.format !== SEALED_SECRETS_FORMAT || typeof parsed.entries !== 'object' || parsed.entries === null) {
      throw new Error(`The file ${this.file} is not a sealed secrets file (${SEALED_SECRETS_FORMAT})`);
    }
    return { format: SEALED_SECRETS_FORMAT, entries: { ...parsed.entries } };
  }

  private write(entries: Record<string, string>): void {
    writeOwnerOnly(this.file, JSON.stringify({ format: SEALED_SECRETS_FORMAT, entries } satisfies SealedFile));
  }

  private additionalData(name: string): Buffer {
    return Buffer.from(`${SEALED_SECRETS_FORMAT}\0${name}`, 'utf8');
  }

  private seal(name: string, value: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(this.additionalData(name));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  private open(name: string, sealed: string): string {
    const bytes = Buffer.from(sealed, 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('the sealed value is cut short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(this.additionalData(name));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('it was sealed with another key (the keychain was reset, or the profile comes from another computer)');
    }
  }

  private migrate(plainFile: string): void {
    let plain: Record<string, unknown>;
    try {
      plain = JSON.parse(readFileSync(plainFile, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`The secrets file ${plainFile} cannot be read to seal it: ${(error as Error).message}`, { cause: error });
    }
    const { entries } = this.read();
    for (const [name, value] of Object.entries(plain ?? {})) if (typeof value === 'string' && !(name in entries)) entries[name] = this.seal(name, value);
    this.write(entries);
    rmSync(plainFile, { force: true });
  }
}
