/**
 * What the sync benchmarks share: a central server seeded in-process and then run as a process of
 * its own (as a council runs it: `server/cli.ts serve`), access tokens minted with the server's
 * secret (200 or 1,000 sign-ins would measure scrypt, not sync), Server-Sent Events streams as a
 * workstation opens them, and the server process's memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLLECTION_NAMES } from '../core/schemas';
import { API_PATHS, parsePullResponse, parseStreamEvent, pullQueryString, type ReplicationCheckpoint, type PushRow, type StreamEvent } from '../core/sync/replication-protocol';
import { hashPassword } from '../server/auth/passwords';
import { createTokenSigner, type Actor } from '../server/auth/tokens';
import { openServerDatabase, type ServerDatabase, type UserRole } from '../server/db/index';
import { userDoc } from '../server/test-support/council-documents';
import { freeLoopbackPort } from '../test-support/free-port';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The secret of the benchmark's server; at least 32 characters, as the server demands. */
export const BENCH_SECRET = 'a-benchmark-secret-of-at-least-32-characters-0123';
export const BENCH_PASSWORD = 'una contraseña de banco de pruebas';

/** The SQLite file `serve --data <folder>` uses. */
export const serverFile = (dataDir: string) => path.join(dataDir, 'server.sqlite');

/** Opens the server's database in this process (before the server starts), runs `fill`, closes it. */
export async function seedServer(dataDir: string, fill: (db: ServerDatabase) => Promise<void>): Promise<void> {
  const db = await openServerDatabase({ sqliteFile: serverFile(dataDir) });
  try {
    await fill(db);
  } finally {
    await db.close();
  }
}

let passwordHash: Promise<string> | undefined;

/** An account and its `users` document (one scrypt hash for every account of the benchmark). */
export async function addAccount(db: ServerDatabase, id: string, role: UserRole, departmentIds: string[]): Promise<{ id: string; email: string; password: string }> {
  passwordHash ??= hashPassword(BENCH_PASSWORD);
  const email = `${id}@bench.example`;
  await db.users.create({ id, email, passwordHash: await passwordHash, role, departmentIds, active: true });
  await db.push('users', [{ newDocumentState: userDoc(id, email, role, departmentIds) }]);
  return { id, email, password: BENCH_PASSWORD };
}

/** Pushes documents in transactions of `batchSize`, as the server stores them (no rights check). */
export async function pushDocuments(db: ServerDatabase, collection: string, documents: readonly object[], batchSize = 1_000): Promise<void> {
  for (let start = 0; start < documents.length; start += batchSize) {
    const rows: PushRow[] = documents.slice(start, start + batchSize).map((document) => ({ newDocumentState: { ...document, _deleted: false } }));
    const result = await db.push(collection, rows);
    if (result.conflicts.length > 0) throw new Error(`seeding ${collection}: ${result.conflicts.length} conflicts`);
  }
}

const signer = createTokenSigner(BENCH_SECRET);

/** An access token the benchmark's server accepts, valid for an hour. */
export function accessToken(actor: Actor): string {
  return signer.sign(actor, Date.now(), 60 * 60_000).token;
}

export type ServerProcess = {
  readonly url: string;
  readonly pid: number;
  /** Resident memory of the server process now, in MiB (Linux: /proc). */
  rssMb(): number;
  stop(): Promise<void>;
};

/** Children still running when the benchmark ends (an error) end with it. */
const CHILDREN = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of CHILDREN) child.kill('SIGKILL');
});

/** Starts `server/cli.ts serve` on the folder, on a free loopback port; resolves once it answers. */
export async function startServerProcess(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  // `SERVER_PROFILE=<folder>`: a V8 CPU profile of the server, written there when it stops.
  const profile = process.env.SERVER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.SERVER_PROFILE)}`] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', path.join(ROOT, 'server', 'cli.ts'), 'serve', '--data', dataDir, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn'],
    { cwd: ROOT, env: { ...process.env, VENTANILLA_SECRET: BENCH_SECRET, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  CHILDREN.add(child);
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-10_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => CHILDREN.delete(child));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited while starting:\n${log}`);
    try {
      const response = await fetch(`${url}/api/v1/health`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`the server did not answer within 60 s:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid!,
    rssMb: () => rssMbOf(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** VmRSS of a process in MiB. */
export function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

export type EventStream = {
  /** Resolves when the response headers arrived (the server has fixed this stream's start). */
  readonly opened: Promise<void>;
  close(): void;
};

/**
 * Opens `GET /api/v1/replication/stream` as a workstation does and calls `onEvent` with every
 * event, parsed and checked with core's parser, and the time it was read. Heartbeats are skipped.
 */
export function openEventStream(url: string, token: string, onEvent: (event: StreamEvent<string>, at: number) => void, agent?: http.Agent): EventStream {
  let request: http.ClientRequest | undefined;
  const opened = new Promise<void>((resolve, reject) => {
    request = http.get(`${url}${API_PATHS.stream}`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, agent }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`stream refused: ${response.statusCode}`));
        response.resume();
        return;
      }
      resolve();
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data === '') continue;
          const event = parseStreamEvent<string>(data, COLLECTION_NAMES);
          if (!event.ok) throw new Error(`a stream event the benchmark cannot read: ${event.error.message}`);
          onEvent(event.value, at);
        }
      });
      response.on('error', () => undefined);
    });
    request.on('error', reject);
  });
  return {
    opened,
    close: () => request?.destroy(),
  };
}

/** CPU time (user + system) a process has used so far, in seconds (Linux: /proc). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/**
 * A workstation as the server sees it, without RxDB: its change stream, a resync pull of every
 * collection from its checkpoints at each (re)connect, and the documents of each event taken as
 * they come (their checkpoint kept). `seen` records when each document id first arrived by the
 * stream (ms since 1970); the caller deletes the ids it is done with.
 */
export class SimulatedWorkstation {
  readonly checkpoints = new Map<string, ReplicationCheckpoint | null>();
  readonly seen = new Map<string, number>();
  stream: EventStream | undefined;
  resyncs = 0;
  pulls = 0;
  constructor(
    readonly url: string,
    readonly token: string,
    start: ReadonlyMap<string, ReplicationCheckpoint | null>,
    readonly onSeen: () => void,
  ) {
    for (const [collection, checkpoint] of start) this.checkpoints.set(collection, checkpoint);
  }

  connect(): Promise<void> {
    this.stream = openEventStream(this.url, this.token, (event, at) => {
      if (event.type === 'resync') {
        this.resyncs++;
        // A benchmark whose simulated workstation cannot pull measures nothing: stop, loudly.
        this.resync().catch((error: unknown) => {
          console.error(`a simulated workstation could not resync: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        });
        return;
      }
      this.checkpoints.set(event.collection, event.checkpoint);
      for (const document of event.documents) {
        const id = String(document.id);
        if (!this.seen.has(id)) this.seen.set(id, performance.timeOrigin + at);
      }
      this.onSeen();
    });
    return this.stream.opened;
  }

  /** What a workstation does at every (re)connect: pulls every collection from its checkpoint. */
  private async resync(): Promise<void> {
    await Promise.all(
      COLLECTION_NAMES.map(async (collection) => {
        for (;;) {
          const response = await fetch(`${this.url}${API_PATHS.pull(collection)}?${pullQueryString({ checkpoint: this.checkpoints.get(collection) ?? null, limit: 500 })}`, {
            headers: { authorization: `Bearer ${this.token}` },
          });
          this.pulls++;
          const page = parsePullResponse(await response.json());
          if (!page.ok) throw new Error(`resync pull of ${collection}: ${page.error.message}`);
          if (page.value.documents.length === 0) return;
          this.checkpoints.set(collection, page.value.checkpoint);
          if (page.value.documents.length < 500) return;
        }
      }),
    );
  }
}

/** The end of each collection's feed, read by an administrator: where a workstation in sync stands. */
export async function feedEnds(url: string): Promise<Map<string, ReplicationCheckpoint | null>> {
  const token = accessToken({ userId: 'bench-admin', role: 'admin', departmentIds: [] });
  const ends = new Map<string, ReplicationCheckpoint | null>();
  for (const collection of COLLECTION_NAMES) {
    let checkpoint: ReplicationCheckpoint | null = null;
    for (;;) {
      const response = await fetch(`${url}${API_PATHS.pull(collection)}?${pullQueryString({ checkpoint, limit: 1000 })}`, { headers: { authorization: `Bearer ${token}` } });
      const page = parsePullResponse(await response.json());
      if (!page.ok) throw new Error(page.error.message);
      if (page.value.documents.length === 0) break;
      checkpoint = page.value.checkpoint;
    }
    ends.set(collection, checkpoint);
  }
  return ends;
}
