/**
 * A fresh workstation's first replica of a whole council, from a central server process, against
 * the raw HTTP transfer of the same JSON pages (issue 3: 100k tickets + 300k messages ≤ 60 s).
 *
 *   npx tsx bench/sync-initial-replica.ts                     # 10k tickets, ~30k messages (~1 minute)
 *   npx tsx bench/sync-initial-replica.ts --tickets 100000    # the issue's size (~4 minutes)
 *   … --first-replica protocol                                # RxDB's replication protocol all the way
 *   … --compare-import 0                                      # without the bulkInsert comparison
 *   … --server-dir /tmp/council-100k                          # seed once, reuse the server's data next time
 *   … --cpu-prof /tmp/replica.cpuprofile                      # a V8 CPU profile of the replica alone
 *
 * The server (SQLite, `server/cli.ts serve`) runs in a process of its own, seeded beforehand with
 * core's demo caseload; the workstation is the real thing in this process: `openLocalDatabase`
 * (RxDB, ajv validation, our SQLite storage, the search index) and `startSync` signed in as an
 * administrator (who sees every document). The replica is done when `awaitInSync` resolves (every
 * collection imported, RxDB's replication started and in sync); *searchable* when the search
 * index has caught up too. *raw* pulls the same pages (1,000 documents, every collection at once)
 * with fetch + JSON.parse and keeps nothing: the floor set by the server and HTTP. Ours ÷ raw is
 * what the replica adds: checks, writing and indexing. *import* writes the same pages into
 * another fresh replica with RxDB's `bulkInsert` and no replication at all: what a plain import
 * through RxDB costs, for comparison.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Caseload } from '../core/demo/caseload';
import { COLLECTION_NAMES, type CollectionName } from '../core/schemas';
import { API_PATHS, parsePullResponse, pullQueryString, type ReplicationCheckpoint } from '../core/sync/replication-protocol';
import type { RxCollection } from 'rxdb';
import { openLocalDatabase } from '../main/store/local-database';
import { startSync } from '../main/sync/start-sync';
import { accessToken, addAccount, cpuSecondsOf, pushDocuments, seedServer, serverFile, startServerProcess, type ServerProcess } from './sync-support';
import { loadAverage, machine, ms, numberOption, progress, ratio, stringOption, tempFolder } from './support';

const config = {
  tickets: numberOption('tickets', 10_000),
  messagesPerTicket: numberOption('messages_per_ticket', 3),
  /** Documents per pull: the server's maximum, what a first replica imported by main/sync pulls. */
  pullBatch: numberOption('pull_batch', 1_000),
  /**
   * How the workstation writes its first replica: `import` (main/sync/first-replica.ts, the
   * default) or `protocol` (RxDB's replication protocol all the way, as before).
   */
  firstReplica: stringOption('first_replica', 'import') === 'protocol' ? ('protocol' as const) : ('import' as const),
  /** Also import the same pages with bulkInsert into another replica (0: skip, saves minutes at 100k). */
  compareImport: numberOption('compare_import', 1) !== 0,
  seed: stringOption('seed', 'bench'),
  /** The replica's durability: `full` (fsync per commit, the workstation's default) or `normal`. */
  durability: stringOption('durability', 'full') === 'normal' ? ('normal' as const) : ('full' as const),
  /** Gives up after this many seconds (the benchmark stops by itself). */
  timeoutS: numberOption('timeout_s', 600),
  /**
   * The server's data folder, kept: seeded the first time, reused as it is afterwards (for runs
   * compared one after another, without minutes of seeding each). Empty: a temp folder.
   */
  serverDir: stringOption('server_dir', ''),
  /** Writes a V8 CPU profile of this process from the replica's start until it is searchable. */
  cpuProf: stringOption('cpu_prof', ''),
};

const TARGET_S = 60;
const ADMIN_ID = 'bench-admin';

/** CPU time of this process's main thread alone, in seconds (Linux: its task's stat). */
function mainThreadCpuSeconds(): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function seed(dataDir: string): Promise<Record<CollectionName, number>> {
  const counts = Object.fromEntries(COLLECTION_NAMES.map((name) => [name, 0])) as Record<CollectionName, number>;
  const started = performance.now();
  await seedServer(dataDir, async (db) => {
    await addAccount(db, ADMIN_ID, 'admin', []);
    counts.users++;
    const caseload = new Caseload({ seed: config.seed, tickets: config.tickets, messagesPerTicket: config.messagesPerTicket });
    let done = 0;
    for (const batch of caseload.batches(1_000)) {
      await pushDocuments(db, batch.collection, batch.documents);
      counts[batch.collection] += batch.documents.length;
      const before = done;
      done += batch.documents.length;
      if (Math.floor(done / 50_000) > Math.floor(before / 50_000)) progress(`seeded ${done} documents`);
    }
  });
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  progress(`server seeded with ${total} documents in ${Math.round((performance.now() - started) / 1000)} s`);
  return counts;
}

/**
 * Every collection paged through at once with fetch + JSON.parse, as RxDB pulls them; `keep`
 * receives each page (nothing is kept without it).
 */
async function rawTransfer(
  server: ServerProcess,
  keep?: (collection: CollectionName, documents: Record<string, unknown>[]) => Promise<void>,
): Promise<{ ms: number; documents: number; perCollection: Record<CollectionName, number>; bytes: number; requests: number }> {
  const token = accessToken({ userId: ADMIN_ID, role: 'admin', departmentIds: [] });
  const perCollection = Object.fromEntries(COLLECTION_NAMES.map((name) => [name, 0])) as Record<CollectionName, number>;
  let documents = 0;
  let bytes = 0;
  let requests = 0;
  const started = performance.now();
  await Promise.all(
    COLLECTION_NAMES.map(async (collection) => {
      let checkpoint: ReplicationCheckpoint | null = null;
      for (;;) {
        const response = await fetch(`${server.url}${API_PATHS.pull(collection)}?${pullQueryString({ checkpoint, limit: config.pullBatch })}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const text = await response.text();
        requests++;
        bytes += Buffer.byteLength(text);
        const page = parsePullResponse(JSON.parse(text));
        if (!page.ok) throw new Error(`raw pull of ${collection}: ${page.error.message}`);
        documents += page.value.documents.length;
        perCollection[collection] += page.value.documents.length;
        if (keep) await keep(collection, page.value.documents.map(({ _deleted: _flag, ...document }) => document));
        if (page.value.documents.length < config.pullBatch) return;
        checkpoint = page.value.checkpoint;
      }
    }),
  );
  return { ms: performance.now() - started, documents, perCollection, bytes, requests };
}

/**
 * The same pages written straight into a fresh replica with `bulkInsert` (RxDB, validation, our
 * storage, the search index) — no replication protocol: what the store alone costs.
 */
async function importPages(server: ServerProcess, folder: string): Promise<{ ms: number; documents: number }> {
  const local = await openLocalDatabase({ directory: folder, name: ADMIN_ID, durability: config.durability });
  try {
    const started = performance.now();
    const transfer = await rawTransfer(server, async (collection, documents) => {
      const { error } = await (local.db[collection] as unknown as RxCollection<Record<string, unknown>>).bulkInsert(documents);
      if (error.length > 0) throw new Error(`import of ${collection}: ${JSON.stringify(error[0]).slice(0, 300)}`);
    });
    await local.searchCaughtUp();
    return { ms: performance.now() - started, documents: transfer.documents };
  } finally {
    await local.close();
  }
}

async function replicate(server: ServerProcess, folder: string, expected: Record<CollectionName, number>) {
  const local = await openLocalDatabase({ directory: folder, name: ADMIN_ID, durability: config.durability });
  try {
    let peakRssMb = 0;
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, process.memoryUsage.rss() / 2 ** 20)), 250);
    const profiler = config.cpuProf ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    const serverCpuAtStart = cpuSecondsOf(server.pid);
    const mainThreadAtStart = mainThreadCpuSeconds();
    const eventLoopAtStart = performance.eventLoopUtilization();
    const sync = await startSync({
      db: local.db,
      serverUrl: server.url,
      credentials: { email: `${ADMIN_ID}@bench.example`, password: 'una contraseña de banco de pruebas' },
      pullBatchSize: config.pullBatch,
      firstReplica: config.firstReplica,
    });
    const timeout = setTimeout(() => {
      progress(`gave up after ${config.timeoutS} s`);
      process.exit(1);
    }, config.timeoutS * 1000);
    const ticker = setInterval(() => {
      void local.db.messages.count().exec().then((n) => progress(`replica: ${n} messages so far`));
    }, 10_000);
    await sync.awaitInSync();
    const replicaMs = performance.now() - started;
    // CPU seconds, which a busy machine moves less than the wall clock: this process (all its
    // threads: the search index's writer, libuv's, V8's), its main thread alone, and the server.
    const cpu = process.cpuUsage(cpuAtStart);
    const cpuS = {
      workstation: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      workstationMainThread: Math.round((mainThreadCpuSeconds() - mainThreadAtStart) * 10) / 10,
      server: Math.round((cpuSecondsOf(server.pid) - serverCpuAtStart) * 10) / 10,
    };
    // The seconds the main thread's event loop waited with nothing to run — mostly for the
    // server's next page (first-replica.ts fetches ahead to shrink it). A busy machine adds the
    // time the thread waited for a core to the wall clock, not to this.
    const mainThreadIdleS = Math.round(performance.eventLoopUtilization(eventLoopAtStart).idle / 100) / 10;
    clearInterval(ticker);
    clearTimeout(timeout);
    clearInterval(sampler);
    await local.searchCaughtUp();
    const searchableMs = performance.now() - started;
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(config.cpuProf, JSON.stringify(profile));
      profiler.disconnect();
      progress(`CPU profile of the replica: ${config.cpuProf}`);
    }
    await sync.stop();
    const counts: Record<string, number> = {};
    for (const name of COLLECTION_NAMES) {
      counts[name] = await local.db[name].count().exec();
      if (counts[name] !== expected[name]) throw new Error(`the replica holds ${counts[name]} ${name}, the server ${expected[name]}`);
    }
    return { replicaMs, searchableMs, cpuS, mainThreadIdleS, peakRssMb: Math.round(peakRssMb) };
  } finally {
    await local.close();
  }
}

async function main(): Promise<void> {
  const startMachine = machine();
  progress(`sync-initial-replica: ${config.serverDir ? `server in ${config.serverDir}` : `${config.tickets} tickets, ~${config.messagesPerTicket} messages each`}; load ${startMachine.load.join(' ')}`);
  const tmp = tempFolder('ventanilla-bench-replica-');
  let server: ServerProcess | undefined;
  try {
    const serverDir = config.serverDir || `${tmp.path}/server`;
    const reused = config.serverDir !== '' && existsSync(serverFile(serverDir));
    if (!reused) mkdirSync(serverDir, { recursive: true });
    // A reused server's counts are what the raw transfer reads from it.
    const seeded = reused ? undefined : await seed(serverDir);
    if (reused) progress(`reusing the seeded server in ${serverDir}`);
    server = await startServerProcess(serverDir);
    const serverRssIdleMb = server.rssMb();
    const loadBefore = loadAverage();
    progress('raw transfer…');
    const rawBefore = await rawTransfer(server);
    const expected = seeded ?? rawBefore.perCollection;
    const documents = Object.values(expected).reduce((sum, n) => sum + n, 0);
    if (rawBefore.documents !== documents) throw new Error(`raw transfer read ${rawBefore.documents} documents, the server holds ${documents}`);
    progress(`raw: ${Math.round(rawBefore.ms)} ms; replica…`);
    const replica = await replicate(server, `${tmp.path}/workstation`, expected);
    const serverRssAfterMb = server.rssMb();
    progress(`replica: ${Math.round(replica.replicaMs)} ms; raw again…`);
    const rawAfter = await rawTransfer(server);
    // Last: RxDB open-core opens at most 13 collections per process, so the replica is closed first.
    const imported = config.compareImport ? (progress('import of the same pages with bulkInsert…'), await importPages(server, `${tmp.path}/import`)) : undefined;
    const rawMs = Math.min(rawBefore.ms, rawAfter.ms);
    console.log(
      JSON.stringify({
        bench: 'sync-initial-replica',
        machine: startMachine,
        config,
        serverReused: reused,
        documents,
        perCollection: expected,
        replica: {
          ms: ms(replica.replicaMs),
          docsPerSec: Math.round(documents / (replica.replicaMs / 1000)),
          searchableMs: ms(replica.searchableMs),
          cpuS: replica.cpuS,
          mainThreadIdleS: replica.mainThreadIdleS,
          workstationPeakRssMb: replica.peakRssMb,
        },
        raw: {
          ms: ms(rawMs),
          msRuns: [ms(rawBefore.ms), ms(rawAfter.ms)],
          docsPerSec: Math.round(documents / (rawMs / 1000)),
          megabytes: Math.round((rawBefore.bytes / 2 ** 20) * 10) / 10,
          requests: rawBefore.requests,
        },
        oursOverRaw: ratio(replica.replicaMs, rawMs),
        ...(imported && {
          importWithoutReplication: { ms: ms(imported.ms), docsPerSec: Math.round(imported.documents / (imported.ms / 1000)) },
          replicaOverImport: ratio(replica.replicaMs, imported.ms),
        }),
        server: { rssIdleMb: serverRssIdleMb, rssAfterMb: serverRssAfterMb },
        load: { start: startMachine.load, beforeTransfers: loadBefore, end: loadAverage() },
        target: { seconds: TARGET_S, met: replica.replicaMs / 1000 <= TARGET_S, appliesAt: '100000 tickets' },
      }),
    );
  } finally {
    await server?.stop();
    tmp.remove();
  }
}

await main();
