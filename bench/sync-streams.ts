/**
 * The server's memory with 1,000 change streams open, and how long one change takes to reach all
 * of them.
 *
 *   npx tsx bench/sync-streams.ts                    # 1,000 streams (~1 minute)
 *   npx tsx bench/sync-streams.ts --streams 200      # a quick run
 *
 * The server (`server/cli.ts serve`, SQLite, seeded with a council of `--council-tickets` tickets, default
 * 2,000) runs in a process of its own; the streams are simulated workstations in this process
 * (bench/sync-support.ts: a stream each, a resync pull of every collection at connect), clerks of
 * the council's departments in turn, so the server holds one group per department and
 * collection. RSS is the server process's resident memory (/proc), read after a pause and a
 * moment for the garbage collector: idle, with the streams open, after `--changes` new tickets in
 * the intake queue (which every clerk sees, so each reaches every stream), and after the streams
 * closed.
 */
import path from 'node:path';
import { Caseload } from '../core/demo/caseload';
import { ticket } from '../main/sync/test-support/council';
import { accessToken, addAccount, feedEnds, pushDocuments, seedServer, SimulatedWorkstation, startServerProcess, type ServerProcess } from './sync-support';
import { loadAverage, machine, numberOption, percentiles, progress, tempFolder } from './support';

const config = {
  streams: numberOption('streams', 1_000),
  changes: numberOption('changes', 20),
  tickets: numberOption('council_tickets', 2_000),
  seed: 'bench',
  timeoutS: numberOption('timeout_s', 300),
};

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const startMachine = machine();
  progress(`sync-streams: ${config.streams} streams; load ${startMachine.load.join(' ')}`);
  const timeout = setTimeout(() => {
    progress(`gave up after ${config.timeoutS} s`);
    process.exit(1);
  }, config.timeoutS * 1000);
  const tmp = tempFolder('ventanilla-bench-streams-');
  const dataDir = path.join(tmp.path, 'server');
  let server: ServerProcess | undefined;
  const fleet: SimulatedWorkstation[] = [];
  try {
    const caseload = new Caseload({ seed: config.seed, tickets: config.tickets });
    const departments = caseload.council.departments.map((department) => department.id);
    await seedServer(dataDir, async (db) => {
      for (const batch of caseload.batches(1_000)) await pushDocuments(db, batch.collection, batch.documents);
      await addAccount(db, 'bench-clerk', 'clerk', [departments[0]!]);
    });
    server = await startServerProcess(dataDir);
    const url = server.url;
    await settle(2_000);
    const rssIdleMb = server.rssMb();

    const ends = await feedEnds(url);
    let wake: (() => void) | undefined;
    for (let index = 0; index < config.streams; index++) {
      const departmentIds = [departments[index % departments.length]!];
      fleet.push(new SimulatedWorkstation(url, accessToken({ userId: `bench-sim-${index}`, role: 'clerk', departmentIds }), ends, () => wake?.()));
    }
    const connectStarted = performance.now();
    for (let start = 0; start < fleet.length; start += 50) await Promise.all(fleet.slice(start, start + 50).map((simulated) => simulated.connect()));
    const connectMs = performance.now() - connectStarted;
    await settle(5_000);
    const rssOpenMb = server.rssMb();
    progress(`${fleet.length} streams open in ${Math.round(connectMs)} ms; server RSS ${rssIdleMb} → ${rssOpenMb} MiB`);

    // New tickets in the intake queue, pushed as a clerk: each reaches every stream.
    const token = accessToken({ userId: 'bench-clerk', role: 'clerk', departmentIds: [departments[0]!] });
    const fanOut: number[] = [];
    const loadBefore = loadAverage();
    for (let change = 0; change < config.changes; change++) {
      const id = `bench-streams-${String(change).padStart(4, '0')}-${Date.now()}`;
      const everyone = new Promise<void>((resolve) => {
        wake = () => {
          if (fleet.every((simulated) => simulated.seen.has(id))) resolve();
        };
      });
      const pushed = performance.timeOrigin + performance.now();
      const response = await fetch(`${url}/api/v1/replication/tickets/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ newDocumentState: { ...ticket(id, Date.now(), { departmentId: '', reference: `REG-${String(change).padStart(8, '0')}` }), _deleted: false } }]),
      });
      if (!response.ok) throw new Error(`push refused: ${response.status} ${await response.text()}`);
      await Promise.race([everyone, settle(30_000).then(() => Promise.reject(new Error(`change ${change} did not reach every stream in 30 s`)))]);
      fanOut.push(Math.max(...fleet.map((simulated) => simulated.seen.get(id)!)) - pushed);
      for (const simulated of fleet) simulated.seen.clear();
      await settle(100);
    }
    await settle(2_000);
    const rssAfterChangesMb = server.rssMb();
    for (const simulated of fleet) simulated.stream?.close();
    await settle(5_000);
    const rssClosedMb = server.rssMb();
    console.log(
      JSON.stringify({
        bench: 'sync-streams',
        machine: startMachine,
        config,
        connectMs: Math.round(connectMs),
        serverRssMb: { idle: rssIdleMb, streamsOpen: rssOpenMb, afterChanges: rssAfterChangesMb, streamsClosed: rssClosedMb },
        kbPerStream: Math.round(((rssOpenMb - rssIdleMb) * 1024) / config.streams),
        changeToLastStreamMs: percentiles(fanOut),
        simulated: { resyncs: fleet.reduce((sum, s) => sum + s.resyncs, 0), pulls: fleet.reduce((sum, s) => sum + s.pulls, 0) },
        load: { start: startMachine.load, beforeChanges: loadBefore, end: loadAverage() },
      }),
    );
  } finally {
    clearTimeout(timeout);
    for (const simulated of fleet) simulated.stream?.close();
    await server?.stop();
    tmp.remove();
  }
}

await main();
