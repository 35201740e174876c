/**
 * Push throughput of one server process (issue 3: ≥ 2,000 documents/s).
 *
 *   npx tsx bench/sync-push.ts                         # 5,000 tickets with their messages and citizens (~22k documents)
 *   npx tsx bench/sync-push.ts --push-tickets 20000   # ~95k documents
 *   npx tsx bench/sync-push.ts --engine postgres       # the same against PostgreSQL (a throwaway cluster)
 *
 * The server (`server/cli.ts serve`) runs in a process of its own. A clerk pushes a council's new
 * casework over HTTP as a workstation does: RxDB's write rows (no assumed state: new documents),
 * `--push-batch` rows per push (100, the workstation's default), `--concurrency` pushes in flight (RxDB
 * sends several at once), citizens first, then tickets, then their messages. Every push goes the
 * whole way: token, JSON schema (ajv), rights, one transaction, the change event. The server's
 * CPU time is read from /proc, so a busy machine shows in `serverCpuMsPerThousand` less than in
 * the wall-clock rate.
 */
import path from 'node:path';
import { Caseload } from '../core/demo/caseload';
import type { CollectionName } from '../core/schemas';
import { API_PATHS, type PushRow } from '../core/sync/replication-protocol';
import { startPostgres, type TestPostgres } from '../test-support/postgres';
import { accessToken, addAccount, cpuSecondsOf, pushDocuments, seedServer, startServerProcess, type ServerProcess } from './sync-support';
import { loadAverage, machine, percentiles, numberOption, progress, stringOption, tempFolder } from './support';
import { openServerDatabase } from '../server/db/index';

const config = {
  tickets: numberOption('push_tickets', 5_000),
  batch: numberOption('push_batch', 100),
  concurrency: numberOption('concurrency', 4),
  engine: stringOption('engine', 'sqlite') === 'postgres' ? ('postgres' as const) : ('sqlite' as const),
  seed: 'bench-push',
  timeoutS: numberOption('timeout_s', 600),
};

const TARGET_DOCS_PER_SEC = 2_000;
const ORDER: readonly CollectionName[] = ['citizens', 'tickets', 'messages'];

async function main(): Promise<void> {
  const startMachine = machine();
  progress(`sync-push: ${config.tickets} tickets, ${config.batch} rows a push, ${config.concurrency} at once, ${config.engine}; load ${startMachine.load.join(' ')}`);
  const timeout = setTimeout(() => {
    progress(`gave up after ${config.timeoutS} s`);
    process.exit(1);
  }, config.timeoutS * 1000);
  const tmp = tempFolder('ventanilla-bench-push-');
  const dataDir = path.join(tmp.path, 'server');
  let postgres: TestPostgres | undefined;
  let server: ServerProcess | undefined;
  try {
    const caseload = new Caseload({ seed: config.seed, tickets: config.tickets });
    const rows = new Map<CollectionName, PushRow[]>(ORDER.map((name) => [name, []]));
    const council: { collection: CollectionName; documents: object[] }[] = [];
    for (const batch of caseload.batches(1_000)) {
      const list = rows.get(batch.collection);
      if (list) list.push(...batch.documents.map((document) => ({ newDocumentState: { ...document, _deleted: false } })));
      else council.push(batch);
    }
    const env: NodeJS.ProcessEnv = {};
    let seedWhere: { sqliteFile: string } | { databaseUrl: string } = { sqliteFile: path.join(dataDir, 'server.sqlite') };
    if (config.engine === 'postgres') {
      postgres = await startPostgres();
      env.DATABASE_URL = postgres.url;
      seedWhere = { databaseUrl: postgres.url };
    }
    const department = caseload.council.departments[0]!.id;
    if (config.engine === 'sqlite') {
      await seedServer(dataDir, async (db) => {
        for (const batch of council) await pushDocuments(db, batch.collection, batch.documents);
        await addAccount(db, 'bench-clerk', 'clerk', [department]);
      });
    } else {
      const db = await openServerDatabase(seedWhere);
      for (const batch of council) await pushDocuments(db, batch.collection, batch.documents);
      await addAccount(db, 'bench-clerk', 'clerk', [department]);
      await db.close();
    }
    server = await startServerProcess(dataDir, env);
    const token = accessToken({ userId: 'bench-clerk', role: 'clerk', departmentIds: [department] });

    const latencies: number[] = [];
    const perCollection: Record<string, { documents: number; ms: number; docsPerSec: number }> = {};
    let total = 0;
    const loadBefore = loadAverage();
    const cpuBefore = cpuSecondsOf(server.pid);
    const started = performance.now();
    for (const collection of ORDER) {
      const list = rows.get(collection)!;
      const pushes: PushRow[][] = [];
      for (let start = 0; start < list.length; start += config.batch) pushes.push(list.slice(start, start + config.batch));
      const collectionStarted = performance.now();
      let next = 0;
      const url = `${server.url}${API_PATHS.push(collection)}`;
      await Promise.all(
        Array.from({ length: config.concurrency }, async () => {
          while (next < pushes.length) {
            const body = JSON.stringify(pushes[next++]);
            const pushStarted = performance.now();
            const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
            const answer = (await response.json()) as unknown;
            latencies.push(performance.now() - pushStarted);
            if (!response.ok) throw new Error(`push refused (${response.status}): ${JSON.stringify(answer).slice(0, 500)}`);
            if (!Array.isArray(answer) || answer.length > 0) throw new Error(`push answered conflicts: ${JSON.stringify(answer).slice(0, 500)}`);
          }
        }),
      );
      const collectionMs = performance.now() - collectionStarted;
      perCollection[collection] = { documents: list.length, ms: Math.round(collectionMs), docsPerSec: Math.round(list.length / (collectionMs / 1000)) };
      total += list.length;
      progress(`${collection}: ${list.length} in ${Math.round(collectionMs)} ms`);
    }
    const elapsedMs = performance.now() - started;
    const serverCpuS = cpuSecondsOf(server.pid) - cpuBefore;
    const docsPerSec = Math.round(total / (elapsedMs / 1000));
    console.log(
      JSON.stringify({
        bench: 'sync-push',
        machine: startMachine,
        config,
        documents: total,
        ms: Math.round(elapsedMs),
        docsPerSec,
        perCollection,
        pushLatencyMs: percentiles(latencies),
        serverCpuS: Math.round(serverCpuS * 10) / 10,
        serverCpuMsPerThousand: Math.round((serverCpuS * 1000 * 1000) / total),
        serverRssMb: server.rssMb(),
        load: { start: startMachine.load, beforePushes: loadBefore, end: loadAverage() },
        target: { docsPerSec: TARGET_DOCS_PER_SEC, met: docsPerSec >= TARGET_DOCS_PER_SEC },
      }),
    );
  } finally {
    clearTimeout(timeout);
    await server?.stop();
    await postgres?.stop();
    tmp.remove();
  }
}

await main();
