/**
 * Registered workstations (migration 0003): the hash of the secret each workstation id was first
 * presented with. Same SQL on both engines. What the hash is checked against, and when:
 * server/auth/workstation-proof.ts.
 */
import { invalidInput } from './errors';
import type { SqlRunner } from './sql-runner';
import type { WorkstationRegistration, Workstations } from './types';

type WorkstationRow = { workstation_id: string; secret_hash: string; registered_at: number | string; registered_by: string };

const toRegistration = (row: WorkstationRow): WorkstationRegistration => ({
  workstationId: row.workstation_id,
  secretHash: row.secret_hash,
  registeredAt: Number(row.registered_at),
  registeredBy: row.registered_by,
});

export function createWorkstations(sql: SqlRunner): Workstations {
  return {
    async byId(workstationId) {
      const [row] = await sql.all<WorkstationRow>('SELECT * FROM workstations WHERE workstation_id = @workstation_id', { workstation_id: workstationId });
      return row ? toRegistration(row) : null;
    },
    async register(registration) {
      if (!/^[0-9a-f]{64}$/.test(registration.secretHash)) throw invalidInput('workstation: secretHash must be a SHA-256 in hex (a hash, never the secret)');
      if (registration.workstationId.length === 0) throw invalidInput('workstation: workstationId is required');
      // ON CONFLICT DO NOTHING: of two first sign-ins with one id, exactly one inserts; the
      // other sees 0 rows changed and checks its secret against the winner's.
      const inserted = await sql.run(
        `INSERT INTO workstations (workstation_id, secret_hash, registered_at, registered_by)
         VALUES (@workstation_id, @secret_hash, @registered_at, @registered_by)
         ON CONFLICT (workstation_id) DO NOTHING`,
        {
          workstation_id: registration.workstationId,
          secret_hash: registration.secretHash,
          registered_at: registration.registeredAt,
          registered_by: registration.registeredBy,
        },
      );
      return inserted === 1;
    },
    async release(workstationId) {
      return (await sql.run('DELETE FROM workstations WHERE workstation_id = @workstation_id', { workstation_id: workstationId })) === 1;
    },
    async list() {
      return (await sql.all<WorkstationRow>('SELECT * FROM workstations ORDER BY registered_at, workstation_id', {})).map(toRegistration);
    },
  };
}
