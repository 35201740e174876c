/**
 * What an administrator does about registered workstations (server/auth/workstation-proof.ts):
 * list them, and release an id whose installation can no longer prove it — its keychain was
 * reset, its sealed secret damaged — so that the next sign-in on it registers a new secret.
 *
 * A release also ends every session bound to the id: a session that outlived it would otherwise
 * re-register the id at its next refresh with the old secret, racing the installation the
 * administrator released it for. Audited, with who had registered it and when.
 */
import type { WorkstationRegistration } from '../db/index';
import { audit } from '../replication/push-documents';
import { AdminError, commandLineActor, type AdminEnvironment } from './admin-actions';

/** Every registered workstation, oldest first. */
export function listWorkstations(env: AdminEnvironment): Promise<WorkstationRegistration[]> {
  return env.db.workstations.list();
}

/** Releases `workstationId`; throws AdminError when it is not registered. Returns what was released and how many sessions ended. */
export async function releaseWorkstation(env: AdminEnvironment, workstationId: string): Promise<{ released: WorkstationRegistration; sessionsEnded: number }> {
  const actor = (env.actor ?? commandLineActor()).userId;
  const registered = await env.db.workstations.byId(workstationId);
  if (!registered || !(await env.db.workstations.release(workstationId))) {
    throw new AdminError(`no workstation is registered with the id ${JSON.stringify(workstationId)} (list-workstations shows those that are)`);
  }
  const sessionsEnded = await env.db.refreshTokens.revokeAllOfWorkstation(workstationId);
  await audit(env, {
    userId: actor,
    action: 'workstation:release',
    outcome: 'ok',
    detail: { workstationId, registeredAt: registered.registeredAt, registeredBy: registered.registeredBy, sessionsEnded, via: 'cli' },
  });
  return { released: registered, sessionsEnded };
}
