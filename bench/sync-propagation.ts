/**
 * A change made on one workstation, seen on another, with 200 workstations connected to the same
 * server (issue 3: p95 ≤ 1 s).
 *
 *   npx tsx bench/sync-propagation.ts                                  # 200 workstations, 100 changes (~1 minute)
 *   npx tsx bench/sync-propagation.ts --workstations 50 --changes 30   # a quick run
 *
 * Two real workstations (the headless service: RxDB, our storage, startSync), each in its own
 * process, signed in as clerks of one department; the server (`server/cli.ts serve`, SQLite) in
 * another, seeded with a council (`--council-tickets`, default 2,000). The other workstations are
 * simulated in this process as the server sees a workstation: a change stream each (clerks of
 * every department, so the server keeps one group per department), a resync pull of every
 * collection at each (re)connect, and the documents of each event taken as they come.
 *
 * Each change is a new ticket created on workstation A in the general intake queue, which every
 * clerk sees, so it reaches all of them. Its latency is from just before A is told to write it
 * (one IPC message, then RxDB's insert) until it is in B's replica (RxDB's query observable), and,
 * for the simulated ones, until their stream delivered it. Changes follow each other after the
 * previous one reached everyone, with a random pause of 50–250 ms.
 */
import path from 'node:path';
import { Caseload } from '../core/demo/caseload';
import { ticket } from '../main/sync/test-support/council';
import { startWorkstation, type Workstation } from '../main/sync/test-support/workstation-process';
import { accessToken, addAccount, feedEnds, pushDocuments, seedServer, SimulatedWorkstation, startServerProcess, type ServerProcess } from './sync-support';
import { loadAverage, machine, numberOption, percentiles, progress, tempFolder } from './support';

const config = {
  workstations: numberOption('workstations', 200),
  changes: numberOption('changes', 100),
  tickets: numberOption('council_tickets', 2_000),
  seed: 'bench',
  timeoutS: numberOption('timeout_s', 300),
};

const TARGET_P95_MS = 1_000;
const DEPARTMENT = 'urbanismo';

async function main(): Promise<void> {
  const startMachine = machine();
  progress(`sync-propagation: ${config.workstations} workstations, ${config.changes} changes; load ${startMachine.load.join(' ')}`);
  const timeout = setTimeout(() => {
    progress(`gave up after ${config.timeoutS} s`);
    process.exit(1);
  }, config.timeoutS * 1000);
  const tmp = tempFolder('ventanilla-bench-propagation-');
  const dataDir = path.join(tmp.path, 'server');
  let server: ServerProcess | undefined;
  const real: Workstation[] = [];
  const fleet: SimulatedWorkstation[] = [];
  try {
    const caseload = new Caseload({ seed: config.seed, tickets: config.tickets });
    const departments = caseload.council.departments.map((department) => department.id);
    const clerks = { a: { email: '', password: '' }, b: { email: '', password: '' } };
    await seedServer(dataDir, async (db) => {
      for (const batch of caseload.batches(1_000)) await pushDocuments(db, batch.collection, batch.documents);
      clerks.a = await addAccount(db, 'bench-clerk-a', 'clerk', [DEPARTMENT]);
      clerks.b = await addAccount(db, 'bench-clerk-b', 'clerk', [DEPARTMENT]);
    });
    server = await startServerProcess(dataDir);
    const url = server.url;
    const backoff = { initialMs: 200, maxMs: 2_000 };
    real.push(await startWorkstation({ dataDir: path.join(tmp.path, 'a'), serverUrl: url, ...clerks.a, backoff }, 120_000));
    real.push(await startWorkstation({ dataDir: path.join(tmp.path, 'b'), serverUrl: url, ...clerks.b, backoff }, 120_000));
    const [a, b] = real as [Workstation, Workstation];
    await Promise.all(real.map((workstation) => workstation.waitForStatus((status) => status.state === 'online' && status.liveUpdates, 120_000, 'online')));
    await Promise.all(real.map((workstation) => workstation.awaitInSync(120_000)));
    progress('two workstations in sync; connecting the simulated ones…');

    const ends = await feedEnds(url);
    let wake: (() => void) | undefined;
    const onSeen = () => wake?.();
    for (let index = 0; index < config.workstations; index++) {
      const departmentIds = [departments[index % departments.length]!];
      fleet.push(new SimulatedWorkstation(url, accessToken({ userId: `bench-sim-${index}`, role: 'clerk', departmentIds }), ends, onSeen));
    }
    // In groups of 20, as workstations arriving in the morning would (not all in one millisecond).
    for (let start = 0; start < fleet.length; start += 20) await Promise.all(fleet.slice(start, start + 20).map((simulated) => simulated.connect()));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const serverRssMb = server.rssMb();
    const loadBefore = loadAverage();
    progress(`${fleet.length} simulated workstations connected (server RSS ${serverRssMb} MiB); measuring…`);

    const toB: number[] = [];
    const toFleet: number[] = [];
    const perChangeSlowest: number[] = [];
    for (let change = 0; change < config.changes; change++) {
      const id = `bench-prop-${String(change).padStart(5, '0')}-${Date.now()}`;
      const seenByB = b.waitFor('tickets', id, { timeoutMs: 30_000 });
      const everyone = new Promise<void>((resolve) => {
        wake = () => {
          if (fleet.every((simulated) => simulated.seen.has(id))) resolve();
        };
      });
      const now = Date.now();
      const written = performance.timeOrigin + performance.now();
      await a.insert('tickets', [ticket(id, now, { departmentId: '', reference: `REG-${String(change).padStart(8, '0')}` })]);
      const seenAt = await seenByB;
      await Promise.race([everyone, new Promise((_, reject) => setTimeout(() => reject(new Error(`change ${change} did not reach every simulated workstation in 30 s`)), 30_000))]);
      toB.push(seenAt - written);
      const fleetTimes = fleet.map((simulated) => simulated.seen.get(id)! - written);
      toFleet.push(...fleetTimes);
      perChangeSlowest.push(Math.max(...fleetTimes));
      for (const simulated of fleet) simulated.seen.delete(id);
      if ((change + 1) % 20 === 0) progress(`${change + 1} changes`);
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    }
    const loadAfter = loadAverage();
    const b95 = percentiles(toB);
    console.log(
      JSON.stringify({
        bench: 'sync-propagation',
        machine: startMachine,
        config,
        toWorkstationB: b95,
        toSimulatedWorkstations: percentiles(toFleet),
        slowestSimulatedPerChange: percentiles(perChangeSlowest),
        server: { rssWithStreamsMb: serverRssMb, rssEndMb: server.rssMb() },
        simulated: { resyncs: fleet.reduce((sum, s) => sum + s.resyncs, 0), pulls: fleet.reduce((sum, s) => sum + s.pulls, 0) },
        load: { start: startMachine.load, beforeChanges: loadBefore, end: loadAfter },
        target: { p95Ms: TARGET_P95_MS, met: b95.p95 <= TARGET_P95_MS },
      }),
    );
  } finally {
    clearTimeout(timeout);
    for (const simulated of fleet) simulated.stream?.close();
    await Promise.all(real.map((workstation) => workstation.stop()));
    await server?.stop();
    tmp.remove();
  }
}

await main();
