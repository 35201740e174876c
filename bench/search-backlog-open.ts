/**
 * Opening a clerk's local database whose search index is far behind the replica: what a restart
 * in the middle of a first replica, or after a long offline spell, costs before the clerk can
 * work. The caseload is written without a search index open (the whole of it is the backlog), then
 * the database is opened RUNS times, each time from a copy of that folder, with
 * `openLocalDatabase`:
 *
 * - `openMs`: until openLocalDatabase resolved (what the loading screen waits for);
 * - `firstQueryMs`: a department's inbox page right after it;
 * - `searchCaughtUpMs`: from the start of the open until the index had every document
 *   (`searchCaughtUp()`), and `statusAtOpen`, what `searchStatus()` said when the open resolved.
 *
 *   npx tsx bench/search-backlog-open.ts                    # 20,000 tickets, ~60,000 messages, 3 runs
 *   TICKETS=5000 RUNS=2 npx tsx bench/search-backlog-open.ts  # a quick run
 */
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createRxDatabase } from 'rxdb';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { caseloadBatches, insertBatch } from '../core/demo/caseload';
import { collections, type Collections } from '../core/schemas';
import { getRxStorageSqlite } from '../main/store/index';
import { openLocalDatabase } from '../main/store/local-database';
import { machine, ms, numberOption, percentiles, progress, tempFolder } from './support';

const config = {
  tickets: numberOption('tickets', 20_000),
  runs: numberOption('runs', 3),
};
const NAME = 'council';

/** The caseload, written by a process that had no search index open: all of it is the index's backlog. */
async function writeBacklog(directory: string): Promise<number> {
  const db = await createRxDatabase<Collections>({
    name: NAME,
    storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlite({ directory, durability: 'normal' }) }),
    multiInstance: false,
  });
  let documents = 0;
  try {
    await db.addCollections(collections);
    for (const batch of caseloadBatches({ seed: 'bench', tickets: config.tickets, batchSize: 5_000 })) {
      const refused = await insertBatch(db, batch);
      if (refused.length > 0) throw new Error(`${batch.collection}: ${refused.length} documents refused`);
      if (batch.collection === 'tickets' || batch.collection === 'messages') documents += batch.documents.length;
    }
  } finally {
    await db.close();
  }
  return documents;
}

async function main() {
  const startMachine = machine();
  progress(`search-backlog-open bench: ${config.tickets} tickets, ${config.runs} runs; load ${startMachine.load.join(' ')}`);
  const folder = tempFolder('ventanilla-bench-backlog-');
  try {
    const pristine = path.join(folder.path, 'pristine');
    const backlog = await writeBacklog(pristine);
    progress(`backlog: ${backlog} tickets and messages not in the search index`);
    const runs: { openMs: number; firstQueryMs: number; searchCaughtUpMs: number; statusAtOpen: unknown }[] = [];
    for (let run = 0; run < config.runs; run++) {
      const directory = path.join(folder.path, `run-${run}`);
      cpSync(pristine, directory, { recursive: true });
      const started = performance.now();
      const local = await openLocalDatabase({ directory, name: NAME, durability: 'normal' });
      const opened = performance.now();
      const statusAtOpen = local.searchStatus();
      await local.db.tickets.find({ selector: { departmentId: 'padron', status: 'open' }, sort: [{ lastActivityAt: 'desc' }], limit: 50 }).exec();
      const queried = performance.now();
      await local.searchCaughtUp();
      const caughtUp = performance.now();
      await local.close();
      rmSync(directory, { recursive: true, force: true });
      runs.push({ openMs: ms(opened - started), firstQueryMs: ms(queried - opened), searchCaughtUpMs: ms(caughtUp - started), statusAtOpen });
      progress(`run ${run + 1}: ${JSON.stringify(runs.at(-1))}`);
    }
    const output = {
      bench: 'search-backlog-open',
      machine: { ...startMachine, loadAtEnd: machine().load },
      config,
      backlog,
      open: percentiles(runs.map((run) => run.openMs)),
      firstQuery: percentiles(runs.map((run) => run.firstQueryMs)),
      searchCaughtUp: percentiles(runs.map((run) => run.searchCaughtUpMs)),
      runs,
    };
    process.stdout.write(JSON.stringify(output) + '\n');
  } finally {
    folder.remove();
  }
}

await main();
