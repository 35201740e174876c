/**
 * `npm start` until the screens exist: opens a clerk's local database in a data folder, fills it
 * once with a generated council caseload (core/demo), and shows what the workstation's screens
 * will run on — inbox counts, a queue page, full-text searches — with how long each took.
 *
 *   npm start [-- --data ./data/workstation] [--tickets 5000] [--reset]
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { caseloadBatches, insertBatch } from '../../core/demo/caseload';
import { DEPARTMENTS } from '../../core/demo/council';
import { TICKET_STATUSES } from '../../core/schemas';
import { openLocalDatabase } from './local-database';
import { SNIPPET_MARK } from './search-index';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.join('data', 'workstation') },
    tickets: { type: 'string', default: '5000' },
    reset: { type: 'boolean', default: false },
  },
});
const directory = path.resolve(values.data!);
const tickets = Number(values.tickets);
if (!Number.isInteger(tickets) || tickets < 1) throw new Error(`--tickets must be a positive whole number, not ${values.tickets}`);
if (values.reset) rmSync(directory, { recursive: true, force: true });

async function timed<T>(run: () => Promise<T> | T): Promise<[T, string]> {
  const start = performance.now();
  const result = await run();
  return [result, `${(performance.now() - start).toFixed(1)} ms`];
}

const local = await openLocalDatabase({ directory, name: 'demo' });
try {
  const { db } = local;
  if ((await db.tickets.count().exec()) === 0) {
    console.log(`Filling ${local.file} with a generated caseload of ${tickets} tickets…`);
    const start = performance.now();
    let written = 0;
    for (const batch of caseloadBatches({ tickets, batchSize: 2_000 })) {
      const refused = await insertBatch(db, batch);
      if (refused.length > 0) throw new Error(`${refused.length} ${batch.collection} refused, e.g. ${JSON.stringify(refused[0])}`);
      written += batch.documents.length;
      process.stderr.write(`\r  ${written} documents`);
    }
    const seconds = (performance.now() - start) / 1000;
    process.stderr.write('\n');
    console.log(`  ${written} documents in ${seconds.toFixed(1)} s (${Math.round(written / seconds)} documents/s)`);
  }
  // Opening does not wait for the search index: the searches below time a caught-up index.
  await local.searchCaughtUp();

  console.log(`\nLocal database: ${local.file}`);
  const [byStatus, statusTime] = await timed(() =>
    Promise.all(TICKET_STATUSES.map(async (status) => [status, await db.tickets.count({ selector: { status } }).exec()] as const)),
  );
  console.log(`Tickets by status (${statusTime}): ${byStatus.map(([status, n]) => `${status} ${n}`).join(', ')}`);

  const queue = DEPARTMENTS[0]!;
  const [page, pageTime] = await timed(() =>
    db.tickets.find({ selector: { departmentId: queue.id, status: 'open' }, sort: [{ lastActivityAt: 'desc' }], limit: 5 }).exec(),
  );
  console.log(`\n${queue.name}: open tickets, latest activity first (${pageTime}):`);
  for (const ticket of page) console.log(`  ${ticket.reference}  ${new Date(ticket.lastActivityAt).toISOString().slice(0, 10)}  ${ticket.subject}`);

  console.log('\nFull-text search:');
  for (const text of ['licencia obra', 'empadronamiento', 'tramite', 'vado permanente', 'ruido']) {
    const [hits, searchTime] = await timed(() => local.search(text, { limit: 3 }));
    console.log(`  «${text}» (${searchTime}):`);
    const found = await db.tickets.findByIds(hits.map((hit) => hit.ticketId)).exec();
    for (const hit of hits) {
      const snippet = hit.snippet.replaceAll(SNIPPET_MARK.start, '«').replaceAll(SNIPPET_MARK.end, '»').replace(/\s+/g, ' ');
      console.log(`    ${found.get(hit.ticketId)?.reference ?? hit.ticketId}  ${snippet}`);
    }
  }
  console.log('\nThe screens come with the next issue; the central server and a syncing workstation run today (README: npm run server, npm run service).');
} finally {
  await local.close();
}
