// The workstation's stable id and the secret that proves it to the central server: both made once
// per data folder and kept across starts; the secret sealed with the keychain's key in the app
// (never on disk in the clear), an owner-only file elsewhere.
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../sync/test-support/council';
import { mailSecretBoxes } from './mail/shell-secrets';
import { PLAIN_VAULT_FILES, plainSessionVault, sessionVault, type SessionVault } from './session-vault';
import { workstationIdOf, workstationSecretOf } from './workstation-id';

const folders: { remove(): void }[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) folder.remove();
});

function dataFolder(): string {
  const made = temporaryFolder('ventanilla-workstation-id-');
  folders.push(made);
  return made.folder;
}

const sealedBoxes = (key: Buffer) => mailSecretBoxes({ type: 'mail-secrets', key: key.toString('base64') }, () => undefined);

/** Every byte in the data folder, to look for the secret in the clear. */
const everythingOnDisk = (dataDir: string) =>
  readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');

describe('the workstation id', () => {
  it('is made once and read back at every start', () => {
    const dataDir = dataFolder();
    const id = workstationIdOf(dataDir);
    expect(id).toMatch(/^[A-Za-z0-9_-]{8,40}$/);
    expect(workstationIdOf(dataDir)).toBe(id);
  });

  it('is an error, not a new id, when its file is damaged: a new id would orphan the queued replies', () => {
    const dataDir = dataFolder();
    writeFileSync(path.join(dataDir, 'workstation-id'), 'not an id!\n');
    expect(() => workstationIdOf(dataDir)).toThrow(/does not hold a workstation id/);
  });
});

describe('the secret that proves the workstation id', () => {
  it('is 32 random bytes made once, kept in an owner-only file without a keychain', () => {
    const dataDir = dataFolder();
    const secret = workstationSecretOf(plainSessionVault(dataDir));
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);
    expect(workstationSecretOf(plainSessionVault(dataDir))).toBe(secret);
    expect(workstationSecretOf(plainSessionVault(dataFolder()))).not.toBe(secret);
    expect(statSync(path.join(dataDir, PLAIN_VAULT_FILES['workstation-secret'])).mode & 0o077).toBe(0);
  });

  it('is sealed with the keychain key in the app: read back with the key, never on disk in the clear', () => {
    const dataDir = dataFolder();
    const key = randomBytes(32);
    const secret = workstationSecretOf(sessionVault(dataDir, sealedBoxes(key)));
    expect(workstationSecretOf(sessionVault(dataDir, sealedBoxes(key)))).toBe(secret);
    expect(everythingOnDisk(dataDir)).not.toContain(secret);
  });

  it('made before the app had a keychain, is sealed at the next start that has one, unchanged, and its plain file removed', () => {
    const dataDir = dataFolder();
    const secret = workstationSecretOf(plainSessionVault(dataDir));
    const key = randomBytes(32);
    expect(workstationSecretOf(sessionVault(dataDir, sealedBoxes(key)))).toBe(secret);
    expect(everythingOnDisk(dataDir)).not.toContain(secret);
  });

  it('is replaced, and the replacement said, when it is damaged or sealed with a key this computer no longer has', () => {
    const dataDir = dataFolder();
    const secret = workstationSecretOf(sessionVault(dataDir, sealedBoxes(randomBytes(32))));
    // A copied data folder, or a reset keychain: the sealed secret does not open, so this is another installation.
    const other = workstationSecretOf(sessionVault(dataDir, sealedBoxes(randomBytes(32))));
    expect(other).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(other).not.toBe(secret);

    const plainDir = dataFolder();
    writeFileSync(path.join(plainDir, PLAIN_VAULT_FILES['workstation-secret']), JSON.stringify('too short'));
    const lines: string[] = [];
    expect(workstationSecretOf(plainSessionVault(plainDir), (line) => lines.push(line))).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(lines).toEqual([expect.stringContaining('the workstation secret in the session vault is damaged; a new one is made')]);
  });

  it('is not sent at all when the vault cannot keep it: a secret the next start would not find would lock the id out', () => {
    const forgetful: SessionVault = { sealed: false, read: () => undefined, write: () => undefined, remove: () => undefined };
    const lines: string[] = [];
    expect(workstationSecretOf(forgetful, (line) => lines.push(line))).toBeUndefined();
    expect(lines).toEqual(['the workstation secret cannot be kept in the session vault; this workstation signs in with its id alone until it can']);
  });
});
