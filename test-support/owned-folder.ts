/**
 * Temporary folders for the test fixtures (Dovecot, PostgreSQL, server data folders…) that do not
 * pile up in /tmp, whatever way the test process ends:
 *
 * - a normal stop removes the folder (`remove()`);
 * - when the process exits without that (a failed afterAll, `process.exit`, an uncaught error)
 *   or is stopped by SIGINT (Ctrl-C reaches every process of the terminal's group), SIGTERM
 *   (how Vitest stops a fork: SIGTERM, then SIGKILL 500 ms later) or SIGHUP, an exit hook stops
 *   the servers recorded in the folder and removes it, synchronously;
 * - SIGKILL cannot be caught, so the first folder of a kind a process creates sweeps the stale
 *   folders of that kind first: a folder is stale only when its owner — the pid AND the start
 *   time written in it — is provably gone, so a parallel Vitest fork or a second `npm test`
 *   keeps its folders. The servers recorded in a stale folder are stopped before it is removed
 *   (a detached Dovecot outlives the test process that started it).
 *
 * A folder without an owner file is either being created (the file is written right after
 * mkdtemp) or was left by a run from before these files existed: it is swept once nothing has
 * changed in it for LEGACY_AGE_MS — no test holds a fixture that long.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, lstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const OWNER_FILE = '.ventanilla-owner';
const PROCESSES_FILE = '.ventanilla-processes';
export const LEGACY_AGE_MS = 60 * 60 * 1000;

/** A process as it was when recorded: a pid alone could be reused by another process since. */
export type ProcessIdentity = { readonly pid: number; readonly start: string };

/** A server started for a folder, as a sweep or the exit hook must stop it. */
export type RecordedProcess = ProcessIdentity & {
  /** It leads a process group of its own (spawned `detached`): stop the whole group. */
  readonly group: boolean;
  /** The signal that stops it cleanly and at once (PostgreSQL: SIGQUIT); SIGKILL follows if it lingers. */
  readonly signal: NodeJS.Signals;
};

export type OwnedFolder = {
  readonly path: string;
  /**
   * Records a server started for this folder, so that the exit hook or a later sweep stops it
   * if the fixture never does (the folder says who runs in it).
   */
  recordProcess(pid: number, options?: { group?: boolean; signal?: NodeJS.Signals }): void;
  /**
   * Removes the folder and forgets it. The fixture stops its servers first; one still running
   * (a failed stop) is stopped here, as the exit hook would, rather than left without a folder.
   */
  remove(): void;
};

export type OwnedFolderOptions = {
  /** Where the folders go (default: the OS temporary folder). */
  root?: string;
  /**
   * Servers running in a folder that were never recorded: a folder from before owner files, or
   * a server killed with its owner between starting and being recorded (Dovecot's master.pid,
   * PostgreSQL's postmaster.pid). Only processes whose command line names the folder count.
   */
  findServers?: (folder: string) => RecordedProcess[];
};

let cachedBootId: string | undefined;
function bootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cachedBootId = '';
    }
  }
  return cachedBootId;
}

/**
 * What tells this process apart from any later one with the same pid: its start time (clock
 * ticks after boot, with the boot's id, on Linux; `ps`'s start date elsewhere). Undefined when no
 * live process has this pid (a zombie has ended: it holds no folder).
 */
export function processStartToken(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return undefined;
    }
    // Field 2, the command name, is in parentheses and may hold spaces: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return `${bootId()}:${fields[19]}`; // field 22, starttime (proc(5))
  }
  try {
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return started || undefined;
  } catch {
    return undefined;
  }
}

export function isRunning(identity: ProcessIdentity): boolean {
  return processStartToken(identity.pid) === identity.start;
}

/** The command line of a live process, arguments joined by spaces ('' when it is gone). */
export function commandLine(pid: number): string {
  try {
    if (process.platform === 'linux') return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/**
 * The server whose pid is the first line of `pidFile`, if it is alive and its command line
 * contains `mention` (a path in its folder; else the pid is stale and may be anyone's now).
 */
export function serverFromPidFile(pidFile: string, mention: string, options: { group: boolean; signal: NodeJS.Signals }): RecordedProcess[] {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]!.trim());
  } catch {
    return [];
  }
  const start = processStartToken(pid);
  if (start === undefined || !commandLine(pid).includes(mention)) return [];
  return [{ pid, start, ...options }];
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone (ESRCH), or not ours to stop (EPERM): nothing more to do.
  }
}

/**
 * Stops recorded servers, synchronously (exit hooks cannot wait): their stop signal, up to
 * `graceMs` for them to end, then SIGKILL. A pid that now belongs to another process (another
 * start time) is left alone; a group whose leader has ended is still killed, since its sessions
 * may outlive it (Dovecot's do) and the group id cannot be taken while they live.
 */
export function stopProcessesSync(processes: readonly RecordedProcess[], graceMs: number): void {
  const ours = processes.filter((recorded) => {
    const start = processStartToken(recorded.pid);
    return start === recorded.start || (start === undefined && recorded.group);
  });
  for (const recorded of ours) signal(recorded.group ? -recorded.pid : recorded.pid, recorded.signal);
  const deadline = Date.now() + graceMs;
  while (ours.some(isRunning) && Date.now() < deadline) sleepSync(10);
  for (const recorded of ours) {
    if (isRunning(recorded)) signal(recorded.pid, 'SIGKILL');
    if (recorded.group) signal(-recorded.pid, 'SIGKILL');
  }
}

function removeFolder(folder: string): void {
  // Retries: a server killed a moment ago may still be closing files in it.
  rmSync(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
}

function readOwner(folder: string): ProcessIdentity | undefined {
  try {
    const owner = JSON.parse(readFileSync(path.join(folder, OWNER_FILE), 'utf8')) as Partial<ProcessIdentity>;
    if (typeof owner.pid === 'number' && typeof owner.start === 'string') return { pid: owner.pid, start: owner.start };
  } catch {
    // No owner file, or not ours: treated as a folder without owner.
  }
  return undefined;
}

/** Writes who owns `folder` (whole or not at all: a sweep may read it at any moment). */
export function writeOwner(folder: string, owner: ProcessIdentity): void {
  const temporary = path.join(folder, `${OWNER_FILE}.${process.pid}.tmp`);
  writeFileSync(temporary, JSON.stringify({ pid: owner.pid, start: owner.start, createdAt: new Date().toISOString() }));
  renameSync(temporary, path.join(folder, OWNER_FILE));
}

function readRecordedProcesses(folder: string): RecordedProcess[] {
  let text: string;
  try {
    text = readFileSync(path.join(folder, PROCESSES_FILE), 'utf8');
  } catch {
    return [];
  }
  const recorded: RecordedProcess[] = [];
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as Partial<RecordedProcess>;
      if (typeof entry.pid === 'number' && typeof entry.start === 'string') {
        recorded.push({ pid: entry.pid, start: entry.start, group: entry.group === true, signal: entry.signal ?? 'SIGTERM' });
      }
    } catch {
      // An empty line, or the end of a line being written when its writer died.
    }
  }
  return recorded;
}

/** When anything at the top of the folder last changed (a running Dovecot writes its log there). */
function lastChange(folder: string): number {
  let latest = statSync(folder).mtimeMs;
  for (const name of readdirSync(folder)) {
    try {
      latest = Math.max(latest, lstatSync(path.join(folder, name)).mtimeMs);
    } catch {
      // Removed meanwhile.
    }
  }
  return latest;
}

export type SweepOptions = OwnedFolderOptions & {
  /** How long a folder without owner file must have been unchanged to be swept (default LEGACY_AGE_MS). */
  legacyAgeMs?: number;
  /** Time to give each stale server to stop before SIGKILL (default 5 s). */
  graceMs?: number;
};

function folderPattern(kind: string): RegExp {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(kind)) throw new Error(`a folder kind is lower-case words joined by '-', not ${JSON.stringify(kind)}`);
  // mkdtemp adds exactly six letters or digits: 'e2e' does not match 'ventanilla-e2e-council-…'.
  return new RegExp(`^ventanilla-${kind}-[A-Za-z0-9]{6}$`);
}

/**
 * Removes the folders of `kind` whose owner is gone (and stops their servers); returns them.
 * Folders of live owners, of other users, and recent ones without owner are kept.
 */
export function sweepStaleFolders(kind: string, options: SweepOptions = {}): string[] {
  const root = options.root ?? tmpdir();
  const pattern = folderPattern(kind);
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of readdirSync(root)) {
    if (!pattern.test(name)) continue;
    const folder = path.join(root, name);
    try {
      const stat = lstatSync(folder);
      if (!stat.isDirectory() || (uid !== undefined && uid !== 0 && stat.uid !== uid)) continue;
      const owner = readOwner(folder);
      if (owner ? isRunning(owner) : Date.now() - lastChange(folder) < (options.legacyAgeMs ?? LEGACY_AGE_MS)) continue;
      stopProcessesSync([...readRecordedProcesses(folder), ...(options.findServers?.(folder) ?? [])], options.graceMs ?? 5_000);
      removeFolder(folder);
      removed.push(folder);
    } catch {
      // Removed by a parallel sweep, or not ours to remove: the next sweep will see.
    }
  }
  return removed;
}

type LiveFolder = { processes: RecordedProcess[] };

type Registry = {
  /** The folders this process owns and has not removed yet. */
  live: Map<string, LiveFolder>;
  /** `root kind` pairs already swept by this process. */
  swept: Set<string>;
  hooked: boolean;
  /** Set when a signal ends the process: Vitest sends SIGKILL 500 ms after SIGTERM. */
  signalled: boolean;
};

// On globalThis: Vitest evaluates this module again for each test file of a fork, and one set of
// process hooks must see every folder of the process.
const REGISTRY_KEY = Symbol.for('ventanilla.test-support.owned-folder');
const registry = ((globalThis as Record<symbol, unknown>)[REGISTRY_KEY] ??= { live: new Map(), swept: new Set(), hooked: false, signalled: false }) as Registry;

/**
 * The last resort, synchronous: the live folders' servers get 300 ms in all when a signal ends
 * the process (Vitest sends SIGKILL 500 ms after SIGTERM), 3 s on a plain exit, then SIGKILL;
 * then the folders go.
 */
function cleanUpAll(): void {
  const folders = [...registry.live];
  registry.live.clear();
  stopProcessesSync(folders.flatMap(([, live]) => live.processes), registry.signalled ? 300 : 3_000);
  for (const [folder] of folders) {
    try {
      removeFolder(folder);
    } catch {
      // Nothing more can be done while exiting; the next run's sweep will remove it.
    }
  }
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

function hookProcessEnd(): void {
  if (registry.hooked) return;
  registry.hooked = true;
  process.on('exit', cleanUpAll);
  for (const name of SIGNALS) {
    const onSignal = () => {
      // Someone else handles this signal (Vitest's main process, Playwright's runner): they
      // decide whether the process ends, and the 'exit' hook cleans up when it does.
      if (process.listenerCount(name) > 1) return;
      // By default these signals end Node without 'exit' events: run the exit hooks (ours and
      // other fixtures', e.g. the central server's), then die of the same signal as before.
      registry.signalled = true;
      process.emit('exit', 128 + (SIGNAL_NUMBERS[name] ?? 0));
      process.off(name, onSignal);
      process.kill(process.pid, name);
    };
    process.on(name, onSignal);
  }
}

/** The kind of a `mkdtemp` prefix `ventanilla-<kind>-`, for fixtures that take a prefix. */
export function kindOfPrefix(prefix: string): string {
  const kind = /^ventanilla-([a-z0-9-]+)-$/.exec(prefix)?.[1];
  if (!kind) throw new Error(`a folder prefix reads 'ventanilla-<kind>-', not ${JSON.stringify(prefix)}`);
  return kind;
}

/**
 * A new folder `<tmp>/ventanilla-<kind>-XXXXXX` owned by this process, after sweeping the stale
 * folders of the same kind (once per process and kind).
 */
export function createOwnedFolder(kind: string, options: OwnedFolderOptions = {}): OwnedFolder {
  folderPattern(kind);
  const root = options.root ?? tmpdir();
  const sweepKey = `${root} ${kind}`;
  if (!registry.swept.has(sweepKey)) {
    registry.swept.add(sweepKey);
    sweepStaleFolders(kind, options);
  }
  const folder = mkdtempSync(path.join(root, `ventanilla-${kind}-`));
  const start = processStartToken(process.pid);
  if (start === undefined) throw new Error(`cannot read the start time of this process (${process.pid})`);
  writeOwner(folder, { pid: process.pid, start });
  const live: LiveFolder = { processes: [] };
  registry.live.set(folder, live);
  hookProcessEnd();
  return {
    path: folder,
    recordProcess(pid, { group = false, signal: stopSignal = 'SIGTERM' } = {}) {
      const startToken = processStartToken(pid);
      if (startToken === undefined) return;
      const recorded: RecordedProcess = { pid, start: startToken, group, signal: stopSignal };
      live.processes.push(recorded);
      appendFileSync(path.join(folder, PROCESSES_FILE), `${JSON.stringify(recorded)}\n`);
    },
    remove() {
      registry.live.delete(folder);
      stopProcessesSync(live.processes, 3_000);
      removeFolder(folder);
    },
  };
}
