/**
 * A workstation proves it is the one it says (trust on first use). The id a workstation sends
 * at sign-in (main/host/workstation-id.ts) only labels it: the ids are not secret — every reply
 * carries its sender's in `outbox.workstationId` — so anyone with a clerk's password and a
 * hand-written client could claim another workstation's and write its replies' delivery state
 * (server/replication/rights.ts). So the workstation also keeps a secret beside its id (32 random
 * bytes, sealed with the OS keychain where the app has one), and:
 *
 * - the first sign-in or refresh that sends an id with a secret registers them: the server keeps
 *   the SHA-256 of the secret (migration 0003), never the secret;
 * - from then on, every sign-in and refresh naming that id must present the same secret. A wrong
 *   one and a missing one get the same answer, after the password (or the refresh token) has been
 *   accepted, so the answer tells nobody anything they could use without a clerk's credentials,
 *   and counts as a failed sign-in for the limiter. A refresh that does not name the registered
 *   workstation of its session proves nothing about it: the session goes on unbound
 *   (auth-routes.ts), without the workstation's rights;
 * - an id that was never registered, sent without a secret (a workstation not yet upgraded),
 *   works as before 0003: it is a label, and registers at its first sign-in or refresh with one.
 *   Nobody types a password again because of the upgrade;
 * - an administrator releases an id (server/admin/admin-actions.ts `releaseWorkstation`) when
 *   its installation lost its secret (a keychain reset); a reinstalled PC makes a new id anyway.
 *
 * What it does not prove: that the first installation to register an id was the right one. A
 * workstation that has not signed in since the upgrade can be pre-empted by someone who knows
 * its id and a clerk's password; the real workstation is then refused, loudly and audited, and
 * an administrator releases the id.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerDatabase } from '../db/index';

export type WorkstationCheck =
  /** The secret matched the registered one. */
  | { outcome: 'proven' }
  /** This call registered the id with its secret. */
  | { outcome: 'registered' }
  /** Never registered, and no secret sent: a label only, as before migration 0003. */
  | { outcome: 'unproven' }
  /** Registered, and the secret is missing or wrong; `reason` is for the audit log only. */
  | { outcome: 'refused'; reason: string };

/** What the database keeps of a secret. SHA-256 suffices: the secret is random, not a password. */
export function hashWorkstationSecret(secret: string): string {
  return createHash('sha256').update(`ventanilla workstation secret\u0000${secret}`).digest('hex');
}

function sameHash(presented: string, stored: string): boolean {
  const a = Buffer.from(presented, 'hex');
  const b = Buffer.from(stored, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks (or registers) `workstationId` with `secret` for `userId`, whose password or refresh
 * token the caller has already accepted.
 */
export async function checkWorkstation(
  db: ServerDatabase,
  input: { workstationId: string; secret: string | undefined; userId: string; now: number },
): Promise<WorkstationCheck> {
  const { workstationId, secret } = input;
  let registered = await db.workstations.byId(workstationId);
  if (!registered) {
    if (secret === undefined) return { outcome: 'unproven' };
    const secretHash = hashWorkstationSecret(secret);
    if (await db.workstations.register({ workstationId, secretHash, registeredAt: input.now, registeredBy: input.userId })) return { outcome: 'registered' };
    // Another request registered it between the read and the insert: checked against that one.
    registered = await db.workstations.byId(workstationId);
    if (!registered) return { outcome: 'refused', reason: `workstation ${workstationId} was registered and released while this sign-in checked it` };
  }
  if (secret === undefined) return { outcome: 'refused', reason: `workstation ${workstationId} is registered, and no secret was presented` };
  if (!sameHash(hashWorkstationSecret(secret), registered.secretHash)) {
    return { outcome: 'refused', reason: `workstation ${workstationId} is registered, and the secret presented is not its own` };
  }
  return { outcome: 'proven' };
}
