// An administrator lists the workstations that proved their id and releases one whose
// installation lost its secret (a keychain reset), from the server's command line: the secret is
// forgotten, the sessions bound to the id end, and the release is audited.
import { describe, expect, it } from 'vitest';
import { hashWorkstationSecret } from '../auth/workstation-proof';
import { useServerCli } from '../test-support/cli-harness';

const REGISTERED_AT = Date.UTC(2026, 10, 2, 9, 0);

describe('the workstation commands of the server command line', () => {
  const cli = useServerCli();
  const { run, output, errors } = cli;

  it('lists the registered workstations, and releases one: its secret forgotten, its sessions ended, audited', async () => {
    expect(await run('list-workstations')).toBe(0);
    expect(output).toEqual([]);
    const db = await cli.openDatabase();
    try {
      await db.users.create({ id: 'ana', email: 'ana@ayto.example', passwordHash: 'scrypt$x', role: 'clerk', departmentIds: [], active: true });
      for (const workstationId of ['ws-oac-centro-3', 'ws-oac-norte-1']) {
        await db.workstations.register({ workstationId, secretHash: hashWorkstationSecret(`secret of ${workstationId}`), registeredAt: REGISTERED_AT, registeredBy: 'ana' });
      }
      const token = { userId: 'ana', createdAt: REGISTERED_AT, expiresAt: Date.now() + 86_400_000 };
      await db.refreshTokens.insert({ ...token, tokenHash: 'a'.repeat(64), workstationId: 'ws-oac-centro-3' });
      await db.refreshTokens.insert({ ...token, tokenHash: 'b'.repeat(64), workstationId: 'ws-oac-norte-1' });
    } finally {
      await db.close();
    }

    expect(await run('list-workstations')).toBe(0);
    expect(output.join('')).toBe(
      'ws-oac-centro-3\tregistered 2026-11-02T09:00:00.000Z by ana\nws-oac-norte-1\tregistered 2026-11-02T09:00:00.000Z by ana\n',
    );
    output.length = 0;
    expect(await run('release-workstation', '--id', 'ws-oac-centro-3')).toBe(0);
    expect(output.join('')).toBe(
      'released workstation ws-oac-centro-3 (registered 2026-11-02T09:00:00.000Z by ana); 1 session signed out; the next installation to sign in with it registers its secret\n',
    );

    const after = await cli.openDatabase();
    try {
      expect((await after.workstations.list()).map((workstation) => workstation.workstationId)).toEqual(['ws-oac-norte-1']);
      // The released workstation's session is over; the other's is not.
      expect(await after.refreshTokens.consume('a'.repeat(64))).toBeNull();
      expect(await after.refreshTokens.consume('b'.repeat(64))).toMatchObject({ workstationId: 'ws-oac-norte-1' });
      const [entry] = await after.audit.query({ action: 'workstation:release' });
      expect(entry).toMatchObject({ outcome: 'ok', detail: { workstationId: 'ws-oac-centro-3', registeredBy: 'ana', sessionsEnded: 1, via: 'cli' } });
      expect(entry!.userId).toMatch(/^cli:/);
    } finally {
      await after.close();
    }
  });

  it('says so when the id is not registered, and asks for the id', async () => {
    expect(await run('release-workstation', '--id', 'ws-desconocido')).toBe(1);
    expect(await run('release-workstation')).toBe(2);
    expect(errors.map((line) => line.split('\n')[0])).toEqual([
      'error: no workstation is registered with the id "ws-desconocido" (list-workstations shows those that are)',
      '--id is required',
    ]);
  });
});
