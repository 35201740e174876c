/**
 * Where the workstation keeps the secrets of the clerk's central session between starts: the
 * session's tokens (the refresh token reopens the session at the next start without a password)
 * and the refresh tokens of ended sessions still waiting to be revoked (token-revocation.ts).
 *
 * In the Electron app they are sealed (AES-256-GCM) with the same keychain-protected key as the
 * mail passwords: the shell keeps a 32-byte key encrypted by `safeStorage` and hands it to the
 * service (main/shell/mail-secrets-key.ts → main/host/mail/shell-secrets.ts), which gives this
 * module a sealed secret box for its own folder, `<data>/session/` (main/mail/sealed-secret-box.ts).
 * One key rather than a sibling one: both kinds of secret sit in the same data folder, are read by
 * the same process as the same OS user and are lost together when the keychain is reset, so a
 * second key would add a second keychain entry and a second handshake message and protect nothing
 * more. The two kinds cannot be swapped for each other: each sealed value is bound to its name
 * and its file (GCM's additional data, sealed-secret-box.ts).
 *
 * Without a keychain (the web host, the headless service, a Linux desktop with no secret service)
 * they stay in owner-only (0600) files in the data folder, as before: no pretence of protection.
 *
 * A plain file left by an earlier version is sealed the first time the sealed vault opens and then
 * removed, whatever happens: a file that does not parse or cannot be sealed is removed all the same
 * (the clerk signs in again; a pending revocation expires by itself), so a plain refresh token is
 * never left behind. A sealed value that does not open — the keychain was reset, the profile was
 * copied from another computer — reads as absent: the clerk signs in again, and the next sign-in
 * writes over it. Nothing here throws at the session: a vault that cannot be read or written is
 * logged, and the session goes on in memory.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
// Not main/mail's index: that would load the whole mail stack into every service (mail-seam.ts).
import { writeOwnerOnly, type SecretBox } from '../mail/accounts';
import { SealedFileSecretBox } from '../mail/sealed-secret-box';

/**
 * What a vault holds: the current session's tokens, the refresh tokens waiting for revocation,
 * and the secret that proves this workstation's id to the server (workstation-id.ts).
 */
export type VaultEntry = 'session-tokens' | 'pending-revocations' | 'workstation-secret';

/** The files of the owner-only (unsealed) vault, in the data folder — the names of earlier versions. */
export const PLAIN_VAULT_FILES: Record<VaultEntry, string> = {
  'session-tokens': 'session-tokens.json',
  'pending-revocations': 'pending-revocations.json',
  'workstation-secret': 'workstation-secret.json',
};

/** The folder of the sealed vault, inside the data folder (the secret box's file lives in it). */
export const SEALED_VAULT_FOLDER = 'session';

export interface SessionVault {
  /** Sealed with the keychain's key (true), or kept in owner-only files (false). */
  readonly sealed: boolean;
  /** The entry's value as written (parsed JSON), or undefined if absent, damaged or sealed with another key. */
  read(entry: VaultEntry): unknown;
  /** Writes the entry; a failure is logged, not thrown (the session goes on in memory). */
  write(entry: VaultEntry, value: unknown): void;
  remove(entry: VaultEntry): void;
}

type Log = (line: string) => void;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The owner-only files of the data folder (no keychain). */
export function plainSessionVault(dataDir: string, log: Log = () => undefined): SessionVault {
  const file = (entry: VaultEntry) => path.join(dataDir, PLAIN_VAULT_FILES[entry]);
  return {
    sealed: false,
    read(entry) {
      try {
        return parse(readFileSync(file(entry), 'utf8'));
      } catch {
        return undefined;
      }
    },
    write(entry, value) {
      try {
        writeOwnerOnly(file(entry), JSON.stringify(value));
      } catch (error) {
        log(`the ${entry} cannot be written to ${file(entry)} (${message(error)}); they last until the service stops`);
      }
    },
    remove(entry) {
      rmSync(file(entry), { force: true });
    },
  };
}

/**
 * The vault sealed with the keychain's key, in the secret box of `<data>/session/` (the app's
 * `mailSecretBoxes` makes it; tests make a SealedFileSecretBox). Plain files of earlier versions
 * are sealed and removed here.
 */
export function sealedSessionVault(dataDir: string, box: SecretBox, log: Log = () => undefined): SessionVault {
  const folder = path.join(dataDir, SEALED_VAULT_FOLDER);
  /** A sealed file that is not one (damaged, cut short): nothing in it can be read, so it goes. */
  const discard = (error: unknown) => {
    log(`the sealed session vault in ${folder} cannot be read (${message(error)}); it is removed and the clerk signs in again`);
    rmSync(folder, { recursive: true, force: true });
  };
  const vault: SessionVault = {
    sealed: true,
    read(entry) {
      try {
        return parse(box.get(entry));
      } catch (error) {
        discard(error);
        return undefined;
      }
    },
    write(entry, value) {
      const text = JSON.stringify(value);
      try {
        box.set(entry, text);
      } catch (error) {
        discard(error);
        try {
          box.set(entry, text);
        } catch (again) {
          log(`the ${entry} cannot be sealed in ${folder} (${message(again)}); they last until the service stops`);
        }
      }
    },
    remove(entry) {
      try {
        box.delete(entry);
      } catch (error) {
        discard(error);
      }
    },
  };
  for (const entry of Object.keys(PLAIN_VAULT_FILES) as VaultEntry[]) migrate(dataDir, entry, vault, log);
  return vault;
}

/** Seals what an earlier version left in a plain file, then removes the file whatever happened. */
function migrate(dataDir: string, entry: VaultEntry, vault: SessionVault, log: Log): void {
  const plain = path.join(dataDir, PLAIN_VAULT_FILES[entry]);
  let text: string;
  try {
    text = readFileSync(plain, 'utf8');
  } catch {
    return;
  }
  const value = parse(text);
  if (value === undefined) {
    log(`${plain} is damaged; removed`);
  } else if (vault.read(entry) === undefined) {
    // Only when nothing newer is sealed: a crash between sealing and removing seals it again.
    vault.write(entry, value);
    log(`the ${entry} of ${plain} are now sealed with the keychain's key; the plain file is removed`);
  }
  rmSync(plain, { force: true });
}

/**
 * The vault of this service: sealed when `boxOf` makes a sealed box (the app sent a keychain
 * key), else the owner-only files. (An unsealed vault leaves a sealed folder the app wrote alone:
 * it holds nothing readable without the key, and the app opens it again.)
 */
export function sessionVault(dataDir: string, boxOf: ((folder: string) => SecretBox) | undefined, log: Log = () => undefined): SessionVault {
  let box: SecretBox | undefined;
  try {
    box = boxOf?.(path.join(dataDir, SEALED_VAULT_FOLDER));
  } catch (error) {
    log(`the sealed session vault cannot be opened (${message(error)}); the session's tokens stay in owner-only files`);
  }
  return box instanceof SealedFileSecretBox ? sealedSessionVault(dataDir, box, log) : plainSessionVault(dataDir, log);
}
