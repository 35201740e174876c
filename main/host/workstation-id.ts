// This workstation's own stable id: created once, kept in its data folder, never a user's. The
// outbox sends only the replies whose `outbox.workstationId` is this one (docs/mail.md, Sending),
// so it must survive restarts and sign-outs, and a clerk who signs in on another PC must not
// take their unsent replies along.
//
// The id is no secret (every reply carries it), so the workstation also keeps a secret that proves
// it: 32 random bytes made once, in the session vault beside the id — sealed with the OS keychain
// in the app, an owner-only file elsewhere (session-vault.ts). The server registers it the first
// time it sees the id with one and refuses the id without it from then on (server/auth/
// workstation-proof.ts). A copy of the data folder carries the id but, sealed, not the secret.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newId } from '../../core/ids';
import type { SessionVault } from './session-vault';

const FILE = 'workstation-id';
/** `outbox.workstationId` is at most 40 characters (core/schemas/messages.ts). */
const VALID = /^[A-Za-z0-9_-]{8,40}$/;

/** Reads the id kept in `dataDir`, creating it the first time. A damaged file is an error, not a new id: a new id would orphan the queued replies. */
export function workstationIdOf(dataDir: string): string {
  const file = path.join(dataDir, FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    if (!VALID.test(text)) throw new Error(`${file} does not hold a workstation id (${JSON.stringify(text.slice(0, 60))}); restore it from a backup, or delete it to make a new one (this workstation's unsent replies would then stay unsent)`);
    return text;
  }
  const id = newId();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(`${file}.tmp`, `${id}\n`);
  renameSync(`${file}.tmp`, file);
  return id;
}

/** 32 random bytes in base64url (core/sync/auth-protocol.ts accepts 43 to 128 such characters). */
const SECRET = /^[A-Za-z0-9_-]{43,128}$/;

/**
 * The secret that proves this workstation's id, made the first time. Undefined when the vault
 * cannot keep it (a full disk): a secret the next start would not find would lock the id out,
 * so the workstation then signs in with its id alone, as before the server asked for proof,
 * and tries again at its next start.
 *
 * A secret that does not read back — damaged, or sealed with a keychain key this computer no
 * longer has — is replaced by a new one: if the server had registered the old one it refuses
 * the id, saying so, until an administrator releases it (ventanilla-server release-workstation).
 * That is the point for a data folder copied to another computer, and the price of a keychain
 * reset; the clerk's unsent replies stay queued meanwhile.
 */
export function workstationSecretOf(vault: SessionVault, log: (line: string) => void = () => undefined): string | undefined {
  const kept = vault.read('workstation-secret');
  if (typeof kept === 'string' && SECRET.test(kept)) return kept;
  if (kept !== undefined) log('the workstation secret in the session vault is damaged; a new one is made (the server refuses it if it had registered the old one: an administrator releases the id)');
  const secret = randomBytes(32).toString('base64url');
  vault.write('workstation-secret', secret);
  if (vault.read('workstation-secret') !== secret) {
    log('the workstation secret cannot be kept in the session vault; this workstation signs in with its id alone until it can');
    return undefined;
  }
  return secret;
}
