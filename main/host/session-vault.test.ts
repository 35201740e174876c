// The session vault: the central session's tokens and the refresh tokens waiting for revocation,
// sealed with the keychain's key in the app (the same key as the mail passwords), owner-only files
// elsewhere; plain files of earlier versions sealed once and removed; a lost key means signing in
// again, never a crash and never a plain token left behind.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthTokens } from '../../core/sync';
import { SealedFileSecretBox } from '../mail';
import { temporaryFolder } from '../sync/test-support/council';
import { forgetTokens, readTokens, writeTokens } from './host-state';
import { mailSecretBoxes } from './mail/shell-secrets';
import { PLAIN_VAULT_FILES, SEALED_VAULT_FOLDER, plainSessionVault, sealedSessionVault, sessionVault } from './session-vault';
import { TokenRevocations } from './token-revocation';

const folders: { remove(): void }[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) folder.remove();
});

function dataFolder(): string {
  const made = temporaryFolder('ventanilla-vault-');
  folders.push(made);
  return made.folder;
}

const TOKENS: AuthTokens = {
  accessToken: 'access-token-of-ana-0001',
  accessTokenExpiresAt: Date.now() + 15 * 60_000,
  refreshToken: 'refresh-token-of-ana-secret-0001',
  refreshTokenExpiresAt: Date.now() + 30 * 24 * 60 * 60_000,
};

/** The secret box the app makes with the shell's key (shell-secrets.ts), with its log kept. */
function sealedBoxes(key: Buffer, lines: string[] = []) {
  return mailSecretBoxes({ type: 'mail-secrets', key: key.toString('base64') }, (line) => lines.push(line));
}

/** Every byte the vault wrote in the data folder, to look for a token in the clear. */
function everythingOnDisk(dataDir: string): string {
  return readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

describe('the session vault in the app (a keychain key)', () => {
  it('keeps the tokens sealed: they read back, and neither token is on disk in the clear', () => {
    const dataDir = dataFolder();
    const vault = sessionVault(dataDir, sealedBoxes(randomBytes(32)));
    expect(vault.sealed).toBe(true);
    writeTokens(vault, 'ana', TOKENS);

    expect(readTokens(vault, 'ana')).toEqual(TOKENS);
    expect(readTokens(vault, 'luis')).toBeUndefined();
    expect(existsSync(path.join(dataDir, PLAIN_VAULT_FILES['session-tokens']))).toBe(false);
    const disk = everythingOnDisk(dataDir);
    expect(disk).not.toContain(TOKENS.refreshToken);
    expect(disk).not.toContain(TOKENS.accessToken);
    const sealedFile = path.join(dataDir, SEALED_VAULT_FOLDER, 'secrets.sealed.json');
    expect(statSync(sealedFile).mode & 0o077).toBe(0);
  });

  it('reopens the tokens at the next start with the same key', () => {
    const dataDir = dataFolder();
    const key = randomBytes(32);
    writeTokens(sessionVault(dataDir, sealedBoxes(key)), 'ana', TOKENS);
    expect(readTokens(sessionVault(dataDir, sealedBoxes(key)), 'ana')).toEqual(TOKENS);
  });

  it('seals the plain token file of an earlier version once and removes it', () => {
    const dataDir = dataFolder();
    writeTokens(plainSessionVault(dataDir), 'ana', TOKENS);
    const plainFile = path.join(dataDir, PLAIN_VAULT_FILES['session-tokens']);
    expect(readFileSync(plainFile, 'utf8')).toContain(TOKENS.refreshToken);
    const lines: string[] = [];

    const vault = sessionVault(dataDir, sealedBoxes(randomBytes(32)), (line) => lines.push(line));

    expect(existsSync(plainFile)).toBe(false);
    expect(readTokens(vault, 'ana')).toEqual(TOKENS);
    expect(everythingOnDisk(dataDir)).not.toContain(TOKENS.refreshToken);
    expect(lines.join('\n')).toMatch(/now sealed with the keychain's key; the plain file is removed/);
  });

  it('keeps a newer sealed token over a plain file left by a crash between sealing and removing it', () => {
    const dataDir = dataFolder();
    const key = randomBytes(32);
    writeTokens(plainSessionVault(dataDir), 'ana', TOKENS);
    const newer = { ...TOKENS, refreshToken: 'refresh-token-rotated-since-0002' };
    writeTokens(sealedSessionVault(dataDir, new SealedFileSecretBox(path.join(dataDir, SEALED_VAULT_FOLDER, 'secrets.sealed.json'), key)), 'ana', newer);
    writeTokens(plainSessionVault(dataDir), 'ana', TOKENS);

    const vault = sessionVault(dataDir, sealedBoxes(key));
    expect(readTokens(vault, 'ana')).toEqual(newer);
    expect(existsSync(path.join(dataDir, PLAIN_VAULT_FILES['session-tokens']))).toBe(false);
  });

  it('removes a damaged plain token file rather than keep it', () => {
    const dataDir = dataFolder();
    const plainFile = path.join(dataDir, PLAIN_VAULT_FILES['session-tokens']);
    writeFileSync(plainFile, '{"userId":"ana","tokens":{"refreshToken":"refresh-tok');
    const vault = sessionVault(dataDir, sealedBoxes(randomBytes(32)));
    expect(existsSync(plainFile)).toBe(false);
    expect(readTokens(vault, 'ana')).toBeUndefined();
  });

  it('reads nothing when the key changed (the keychain was reset): the clerk signs in again, and the next sign-in writes over it', () => {
    const dataDir = dataFolder();
    writeTokens(sessionVault(dataDir, sealedBoxes(randomBytes(32))), 'ana', TOKENS);
    const lines: string[] = [];

    const vault = sessionVault(dataDir, sealedBoxes(randomBytes(32), lines));
    expect(readTokens(vault, 'ana')).toBeUndefined();
    expect(lines.join('\n')).toMatch(/session-tokens cannot be opened \(it was sealed with another key/);

    const again = { ...TOKENS, refreshToken: 'refresh-token-after-sign-in-0003' };
    writeTokens(vault, 'ana', again);
    expect(readTokens(vault, 'ana')).toEqual(again);
  });

  it('starts over from a damaged sealed file instead of failing the session', () => {
    const dataDir = dataFolder();
    const key = randomBytes(32);
    const folder = path.join(dataDir, SEALED_VAULT_FOLDER);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'secrets.sealed.json'), '{"format":"ventanilla-sealed-sec');
    const lines: string[] = [];

    const vault = sessionVault(dataDir, sealedBoxes(key), (line) => lines.push(line));
    expect(readTokens(vault, 'ana')).toBeUndefined();
    expect(lines.join('\n')).toMatch(/cannot be read .* removed and the clerk signs in again/);
    writeTokens(vault, 'ana', TOKENS);
    expect(readTokens(sessionVault(dataDir, sealedBoxes(key)), 'ana')).toEqual(TOKENS);
  });

  it('forgets the tokens on sign-out', () => {
    const dataDir = dataFolder();
    const vault = sessionVault(dataDir, sealedBoxes(randomBytes(32)));
    writeTokens(vault, 'ana', TOKENS);
    forgetTokens(vault);
    expect(readTokens(vault, 'ana')).toBeUndefined();
    expect(everythingOnDisk(dataDir)).not.toContain('session-tokens');
  });

  it('seals the refresh tokens waiting for revocation too, and their plain file of an earlier version', async () => {
    const dataDir = dataFolder();
    const expiresAt = Date.now() + 60_000;
    plainSessionVault(dataDir).write('pending-revocations', [{ serverUrl: 'http://127.0.0.1:9', refreshToken: 'refresh-token-to-revoke-0004', expiresAt }]);
    const vault = sessionVault(dataDir, sealedBoxes(randomBytes(32)));
    // A server that never answers: the tokens stay pending.
    const revocations = new TokenRevocations({ dataDir, vault, fetch: () => Promise.reject(new TypeError('fetch failed')), retryMs: 60_000 });
    await revocations.revoke('http://127.0.0.1:9', { refreshToken: 'refresh-token-to-revoke-0005', refreshTokenExpiresAt: expiresAt }, { wait: true });
    revocations.stop();

    expect(revocations.pending().map((entry) => entry.refreshToken).sort()).toEqual(['refresh-token-to-revoke-0004', 'refresh-token-to-revoke-0005']);
    expect(existsSync(path.join(dataDir, PLAIN_VAULT_FILES['pending-revocations']))).toBe(false);
    expect(everythingOnDisk(dataDir)).not.toContain('refresh-token-to-revoke');
  });
});

describe('the session vault without a keychain (web host, headless service, no secret service)', () => {
  it('keeps the tokens in the owner-only file, as before', () => {
    const dataDir = dataFolder();
    const vault = sessionVault(dataDir, mailSecretBoxes({ type: 'mail-secrets', unavailable: 'no keychain on this desktop' }, () => undefined));
    expect(vault.sealed).toBe(false);
    writeTokens(vault, 'ana', TOKENS);
    const plainFile = path.join(dataDir, PLAIN_VAULT_FILES['session-tokens']);
    expect(statSync(plainFile).mode & 0o077).toBe(0);
    expect(readTokens(sessionVault(dataDir, undefined), 'ana')).toEqual(TOKENS);
    forgetTokens(vault);
    expect(existsSync(plainFile)).toBe(false);
  });

  it('falls back to the owner-only file when the sealed box cannot be made', () => {
    const dataDir = dataFolder();
    const lines: string[] = [];
    const vault = sessionVault(
      dataDir,
      () => {
        throw new Error('disk full');
      },
      (line) => lines.push(line),
    );
    expect(vault.sealed).toBe(false);
    expect(lines.join('\n')).toMatch(/cannot be opened \(disk full\)/);
  });
});
