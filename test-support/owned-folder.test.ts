import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOwnedFolder, LEGACY_AGE_MS, OWNER_FILE, processStartToken, serverFromPidFile, sweepStaleFolders, writeOwner } from './owned-folder';
import { ended, startOwnerProcess, until } from './owner-processes';

const OWNER_PROCESS = fileURLToPath(new URL('./sample-owner.ts', import.meta.url));

let root: string;
const children: ChildProcess[] = [];
/** Process groups of the owner processes' stand-in servers, which must not outlive a failed test. */
const serverGroups: number[] = [];

beforeEach(() => {
  // The folders of these tests live in a root of their own, never among a real run's.
  root = mkdtempSync(path.join(tmpdir(), 'owned-folder-test-'));
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const group of serverGroups.splice(0)) tryKill(-group, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** A process that stays alive until killed; its command line names `mention`. */
function sleeper(mention = ''): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', mention], { stdio: 'ignore' });
  children.push(child);
  return child;
}

/** A folder of kind 'sample' made by hand, as another process would have left it. */
function folderOf(name: string, owner?: { pid: number; start: string }): string {
  const folder = path.join(root, `ventanilla-sample-${name}`);
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'data'), 'x');
  if (owner) writeOwner(folder, owner);
  return folder;
}

function age(folder: string, ms: number): void {
  const seconds = (Date.now() - ms) / 1000;
  for (const file of [...readdirSync(folder).map((name) => path.join(folder, name)), folder]) utimesSync(file, seconds, seconds);
}

/** A process owning a folder of kind 'sample' under `root`, with a stand-in server recorded in it. */
async function ownerProcess() {
  const owner = await startOwnerProcess(OWNER_PROCESS, ['folder', root]);
  children.push(owner.child);
  serverGroups.push(owner.server);
  return owner;
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}

function running(pid: number): boolean {
  return processStartToken(pid) !== undefined;
}

describe('the start token of a process', () => {
  it('is the same each time for a live process, and missing for an ended one', async () => {
    const child = sleeper();
    const token = processStartToken(child.pid!);
    expect(token).toBeDefined();
    expect(processStartToken(child.pid!)).toBe(token);
    expect(processStartToken(process.pid)).not.toBe(token);
    child.kill('SIGKILL');
    await ended(child);
    expect(processStartToken(child.pid!)).toBeUndefined();
  });
});

describe('an owned folder', () => {
  it('is created with this process as its owner and removed by remove()', () => {
    const owned = createOwnedFolder('sample', { root });
    expect(path.basename(owned.path)).toMatch(/^ventanilla-sample-[A-Za-z0-9]{6}$/);
    const owner = JSON.parse(readFileSync(path.join(owned.path, OWNER_FILE), 'utf8')) as { pid: number; start: string };
    expect(owner).toMatchObject({ pid: process.pid, start: processStartToken(process.pid) });
    owned.remove();
    expect(existsSync(owned.path)).toBe(false);
  });

  it('stops a recorded server that is still running when it is removed', async () => {
    const owned = createOwnedFolder('sample', { root });
    const server = sleeper(owned.path);
    owned.recordProcess(server.pid!, { signal: 'SIGTERM' });
    owned.remove();
    await ended(server);
    expect(server.signalCode).toBe('SIGTERM');
  });

  it('refuses a kind that would match the folders of other kinds', () => {
    expect(() => createOwnedFolder('e2e-*', { root })).toThrow(/lower-case words/);
  });
});

describe('the sweep of stale folders', () => {
  it('removes a folder whose owner has ended', async () => {
    const owner = sleeper();
    const folder = folderOf('gone01', { pid: owner.pid!, start: processStartToken(owner.pid!)! });
    owner.kill('SIGKILL');
    await ended(owner);
    expect(sweepStaleFolders('sample', { root })).toEqual([folder]);
    expect(existsSync(folder)).toBe(false);
  });

  it('keeps the folders of live owners: another process (a parallel run) and this one', () => {
    const other = sleeper();
    const theirs = folderOf('other1', { pid: other.pid!, start: processStartToken(other.pid!)! });
    const ours = createOwnedFolder('sample', { root });
    expect(sweepStaleFolders('sample', { root })).toEqual([]);
    expect(existsSync(theirs)).toBe(true);
    expect(existsSync(ours.path)).toBe(true);
    ours.remove();
  });

  it('takes a pid now used by another process (another start time) for an ended owner', () => {
    const folder = folderOf('reused', { pid: process.pid, start: `${processStartToken(process.pid)}-an-earlier-process` });
    expect(sweepStaleFolders('sample', { root })).toEqual([folder]);
  });

  it('removes a folder without owner once unchanged for longer than the legacy age, and keeps a recent one', () => {
    const legacy = folderOf('legacy');
    age(legacy, LEGACY_AGE_MS + 60_000);
    const recent = folderOf('recent');
    age(recent, LEGACY_AGE_MS / 2);
    expect(sweepStaleFolders('sample', { root })).toEqual([legacy]);
    expect(existsSync(recent)).toBe(true);
  });

  it('leaves alone folders of other kinds and names that mkdtemp did not make', () => {
    const other = path.join(root, 'ventanilla-sample-council-abc123');
    mkdirSync(other);
    writeOwner(other, { pid: process.pid, start: 'a process long gone' });
    const kind = folderOf('x12345', { pid: process.pid, start: 'a process long gone' });
    expect(sweepStaleFolders('sample', { root })).toEqual([kind]);
    expect(existsSync(other)).toBe(true);
  });

  it('stops a server found by its pid file only when its command line names the folder', async () => {
    const folder = folderOf('pidfil');
    const stranger = sleeper('/somewhere/else');
    writeFileSync(path.join(folder, 'stranger.pid'), `${stranger.pid}\n`);
    expect(serverFromPidFile(path.join(folder, 'stranger.pid'), folder, { group: false, signal: 'SIGTERM' })).toEqual([]);
    const server = sleeper(folder);
    writeFileSync(path.join(folder, 'server.pid'), `${server.pid}\n`);
    const found = serverFromPidFile(path.join(folder, 'server.pid'), folder, { group: false, signal: 'SIGTERM' });
    expect(found.map(({ pid }) => pid)).toEqual([server.pid]);

    age(folder, LEGACY_AGE_MS + 60_000);
    sweepStaleFolders('sample', { root, findServers: (each) => serverFromPidFile(path.join(each, 'server.pid'), each, { group: false, signal: 'SIGTERM' }) });
    await ended(server);
    expect(server.signalCode).toBe('SIGTERM');
    expect(running(stranger.pid!)).toBe(true);
  });
});

describe('a test process that ends without removing its folder', () => {
  it('killed with SIGKILL leaves it, and the next sweep stops its server and removes it', async () => {
    const { child, folder, server } = await ownerProcess();
    child.kill('SIGKILL');
    await ended(child);
    expect(existsSync(folder)).toBe(true);
    expect(running(server)).toBe(true);

    expect(sweepStaleFolders('sample', { root })).toEqual([folder]);
    expect(existsSync(folder)).toBe(false);
    await until(() => !running(server), 'the orphaned server has stopped');
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('stopped by %s removes it and stops its server, then dies of that signal', async (signal) => {
    const { child, folder, server } = await ownerProcess();
    child.kill(signal);
    await ended(child);
    expect(child.signalCode).toBe(signal);
    expect(existsSync(folder)).toBe(false);
    await until(() => !running(server), 'the server has stopped');
  });

  it('exiting (process.exit, an uncaught error) removes it and stops its server', async () => {
    const { child, folder, server } = await ownerProcess();
    child.stdin!.write('exit\n');
    await ended(child);
    expect(child.exitCode).toBe(0);
    expect(existsSync(folder)).toBe(false);
    await until(() => !running(server), 'the server has stopped');
  });
});
