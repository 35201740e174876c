import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ended, startOwnerProcess, until } from '../../../test-support/owner-processes';
import { startDovecot, sweepStaleDovecotFolders } from './dovecot';

const OWNER_PROCESS = fileURLToPath(new URL('./dovecot-owner.ts', import.meta.url));

const owners: ChildProcess[] = [];
afterEach(() => {
  for (const owner of owners.splice(0)) if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
  // Whatever a failed test left: the owners are dead by now.
  sweepStaleDovecotFolders();
});

/** A test process with a Dovecot serving, as vitest's fork of a mail test would be. */
async function processWithDovecot(): Promise<{ owner: ChildProcess; folder: string; master: number }> {
  const { child, folder, server } = await startOwnerProcess(OWNER_PROCESS);
  owners.push(child);
  return { owner: child, folder, master: server };
}

/** Whether any process of the group led by `leader` (Dovecot's master and its sessions) is alive. */
function groupAlive(leader: number): boolean {
  try {
    process.kill(-leader, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a test Dovecot', () => {
  it('serves IMAP and leaves nothing behind when closed', async () => {
    const dovecot = await startDovecot();
    const [uid] = await dovecot.append(['Subject: Hola\r\n\r\nUna consulta.\r\n']);
    expect(uid).toBe(1);
    await dovecot.close();
    expect(existsSync(dovecot.folder)).toBe(false);
  });

  it('of a test process stopped by SIGTERM (how Vitest stops a fork) is stopped, all its processes, and removed with it', async () => {
    const { owner, folder, master } = await processWithDovecot();
    owner.kill('SIGTERM');
    await ended(owner);
    expect(owner.signalCode).toBe('SIGTERM');
    expect(existsSync(folder)).toBe(false);
    await until(() => !groupAlive(master), 'the Dovecot processes have ended');
  }, 60_000);

  it('of a test process killed with SIGKILL keeps serving until the next sweep stops it and removes its folder', async () => {
    const { owner, folder, master } = await processWithDovecot();
    owner.kill('SIGKILL');
    await ended(owner);
    expect(existsSync(folder)).toBe(true);
    expect(groupAlive(master)).toBe(true);

    expect(sweepStaleDovecotFolders()).toContain(folder);
    expect(existsSync(folder)).toBe(false);
    await until(() => !groupAlive(master), 'the Dovecot processes have ended');
  }, 60_000);
});
