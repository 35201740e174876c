/**
 * A council's caseload on a clerk's workstation: bulk insert, the inbox queries of the schema's
 * indexes, counts, full-text search and file sizes, through openLocalDatabase (RxDB, ajv
 * validation, our SQLite storage, the FTS5 index), each beside raw better-sqlite3 doing the same
 * on plain tables (bench/raw-ceiling.ts), so the output shows how far we are from the ceiling.
 *
 *   npx tsx bench/caseload.ts                       # 100k tickets, ~300k messages
 *   TICKETS=10000 REPS=100 npx tsx bench/caseload.ts # a quick run
 *
 * Options (flag or environment): --tickets, --messages-per-ticket, --batch, --reps,
 * --search-reps, --seed, --durability (full|normal), --keep (1: leave the files in the temp
 * folder). Progress goes to stderr; one JSON line of figures to stdout.
 */
import { uncacheRxQuery, type MangoQuery, type RxCollection } from 'rxdb';
import { Caseload, insertBatch } from '../core/demo/caseload';
import { Random } from '../core/demo/random';
import { INTAKE_DEPARTMENT_ID, UNASSIGNED, type CollectionName } from '../core/schemas';
import { openLocalDatabase, type LocalDatabase } from '../main/store/local-database';
import { RawCeiling } from './raw-ceiling';
import { fileSize, loadAverage, machine, megabytes, ms, numberOption, percentiles, progress, ratio, stringOption, tempFolder, type Percentiles } from './support';

const config = {
  tickets: numberOption('tickets', 100_000),
  messagesPerTicket: numberOption('messages_per_ticket', 3),
  batch: numberOption('batch', 1_000),
  reps: numberOption('reps', 300),
  searchReps: numberOption('search_reps', 100),
  seed: stringOption('seed', 'bench'),
  durability: stringOption('durability', 'full') === 'normal' ? ('normal' as const) : ('full' as const),
  keep: stringOption('keep', '') === '1',
};

/** Inbox targets of the issue, at 100k tickets on this machine. */
const TARGETS = { inboxP95Ms: 20, searchP95Ms: 50 };

/** How long a query took, and what it returned: ids, and the values of its sort field. */
type Timed = { ms: number; ids: string[]; sortValues: string[] };

/** The sort field's value of each document, to tell a tie broken differently from a wrong result. */
function sortValuesOf<T>(docs: readonly T[], query: MangoQuery<T>): string[] {
  const field = query.sort?.[0] ? Object.keys(query.sort[0])[0]! : 'id';
  return docs.map((doc) => String((doc as Record<string, unknown>)[field]));
}

/** Runs a query as the screens do (collection.find().exec()), never answered from RxDB's query cache. */
async function viaRxdb<T>(collection: RxCollection<T>, query: MangoQuery<T>): Promise<Timed> {
  const start = performance.now();
  const rxQuery = collection.find(query);
  const docs = await rxQuery.exec();
  const elapsed = performance.now() - start;
  uncacheRxQuery(collection._queryCache, rxQuery as never);
  return { ms: elapsed, ids: docs.map((doc) => doc.primary), sortValues: sortValuesOf(docs.map((doc) => doc.toJSON() as T), query) };
}

/** The same query at the RxStorage interface alone: what our storage costs without RxDB's layer. */
async function viaStorage<T>(collection: RxCollection<T>, query: MangoQuery<T>): Promise<number> {
  const rxQuery = collection.find(query);
  const prepared = rxQuery.getPreparedQuery();
  const start = performance.now();
  await collection.storageInstance.query(prepared);
  const elapsed = performance.now() - start;
  uncacheRxQuery(collection._queryCache, rxQuery as never);
  return elapsed;
}

async function countViaRxdb<T>(collection: RxCollection<T>, query: MangoQuery<T>): Promise<number> {
  const rxQuery = collection.count(query);
  const count = await rxQuery.exec();
  uncacheRxQuery(collection._queryCache, rxQuery as never);
  return count;
}

function rawTimed<T extends { id: string }>(run: () => T[], sortField = 'lastActivityAt'): Timed {
  const start = performance.now();
  const docs = run();
  const elapsed = performance.now() - start;
  return { ms: elapsed, ids: docs.map((doc) => doc.id), sortValues: docs.map((doc) => String((doc as Record<string, unknown>)[sortField])) };
}

type QueryFigures = { ours: Percentiles; storage: Percentiles; raw: Percentiles; ratioP50: number; ratioP95: number; rows: number; differentResults: number };

/**
 * Runs one kind of query `reps` times with varied parameters, alternating ours and raw so that
 * drift in the machine's load falls on both.
 */
async function measure<T>(
  name: string,
  collection: RxCollection<T>,
  reps: number,
  ours: (rep: number) => MangoQuery<T>,
  raw: (rep: number) => Timed,
): Promise<QueryFigures> {
  for (let rep = 0; rep < 10; rep++) {
    await viaRxdb(collection, ours(rep));
    raw(rep);
  }
  const oursTimes: number[] = [];
  const storageTimes: number[] = [];
  const rawTimes: number[] = [];
  let rows = 0;
  let differentResults = 0;
  for (let rep = 0; rep < reps; rep++) {
    const a = await viaRxdb(collection, ours(rep));
    const b = raw(rep);
    storageTimes.push(await viaStorage(collection, ours(rep)));
    oursTimes.push(a.ms);
    rawTimes.push(b.ms);
    rows += a.ids.length;
    // Same rows; where ties on the sort field make the limit cut differently, the same sort values.
    const sameRows = a.ids.length === b.ids.length && a.ids.every((id) => b.ids.includes(id));
    if (!sameRows && a.sortValues.join() !== b.sortValues.join()) differentResults++;
  }
  const figures = { ours: percentiles(oursTimes), storage: percentiles(storageTimes), raw: percentiles(rawTimes) };
  progress(`${name}: ours p50 ${figures.ours.p50} p95 ${figures.ours.p95} ms, raw p50 ${figures.raw.p50} p95 ${figures.raw.p95} ms, ${Math.round(rows / reps)} rows`);
  return {
    ...figures,
    ratioP50: ratio(figures.ours.p50, figures.raw.p50),
    ratioP95: ratio(figures.ours.p95, figures.raw.p95),
    rows: Math.round((rows / reps) * 10) / 10,
    differentResults,
  };
}

type InsertFigures = { docs: number; oursMs: number; searchableMs: number; rawMs: number };

async function insertCaseload(caseload: Caseload, local: LocalDatabase, raw: RawCeiling) {
  const stats = new Map<CollectionName, InsertFigures>();
  let generateMs = 0;
  let peakRss = 0;
  const total = caseload.tickets;
  let ticketsDone = 0;
  let nextReport = 0;
  const iterator = caseload.batches(config.batch);
  for (;;) {
    const generateStart = performance.now();
    const next = iterator.next();
    generateMs += performance.now() - generateStart;
    if (next.done) break;
    const batch = next.value;
    const start = performance.now();
    const errors = await insertBatch(local.db, batch);
    const stored = performance.now();
    if (errors.length > 0) throw new Error(`${batch.collection}: ${errors.length} documents refused, the first: ${JSON.stringify(errors[0])}`);
    await local.searchCaughtUp();
    const searchable = performance.now();
    raw.insert(batch);
    const rawDone = performance.now();
    const figures = stats.get(batch.collection) ?? { docs: 0, oursMs: 0, searchableMs: 0, rawMs: 0 };
    figures.docs += batch.documents.length;
    figures.oursMs += stored - start;
    figures.searchableMs += searchable - start;
    figures.rawMs += rawDone - searchable;
    stats.set(batch.collection, figures);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (batch.collection === 'tickets') {
      ticketsDone += batch.documents.length;
      if (ticketsDone >= nextReport) {
        progress(`inserted ${ticketsDone} of ${total} tickets (${Math.round((ticketsDone / Math.max(1, total)) * 100)} %), rss ${megabytes(process.memoryUsage().rss)} MB`);
        nextReport += Math.max(1, Math.round(total / 10));
      }
    }
  }
  const perSecond = (docs: number, elapsed: number) => (elapsed > 0 ? Math.round(docs / (elapsed / 1000)) : 0);
  const summary: Record<string, unknown> = {};
  const all: InsertFigures = { docs: 0, oursMs: 0, searchableMs: 0, rawMs: 0 };
  for (const [collection, figures] of stats) {
    all.docs += figures.docs;
    all.oursMs += figures.oursMs;
    all.searchableMs += figures.searchableMs;
    all.rawMs += figures.rawMs;
    if (figures.docs < 1000) continue;
    summary[collection] = {
      docs: figures.docs,
      oursDocsPerSec: perSecond(figures.docs, figures.oursMs),
      searchableDocsPerSec: perSecond(figures.docs, figures.searchableMs),
      rawDocsPerSec: perSecond(figures.docs, figures.rawMs),
      rawOverOurs: ratio(figures.oursMs, figures.rawMs),
    };
  }
  summary.all = {
    docs: all.docs,
    oursDocsPerSec: perSecond(all.docs, all.oursMs),
    searchableDocsPerSec: perSecond(all.docs, all.searchableMs),
    rawDocsPerSec: perSecond(all.docs, all.rawMs),
    rawOverOurs: ratio(all.searchableMs, all.rawMs),
    oursSeconds: Math.round(all.searchableMs / 100) / 10,
  };
  return {
    insert: summary,
    generatorDocsPerSec: perSecond(all.docs, generateMs),
    peakRssMb: megabytes(peakRss),
    counts: Object.fromEntries([...stats].map(([collection, figures]) => [collection, figures.docs])),
  };
}

/** Parameters the queries cycle through: departments, clerks, citizens and tickets of the caseload. */
function queryParameters(caseload: Caseload) {
  const random = new Random(config.seed, 'bench-parameters');
  const sample = Array.from({ length: Math.min(400, caseload.tickets) }, () => caseload.ticket(random.int(caseload.tickets)).ticket);
  const citizens = sample.map((t) => t.citizenId).filter((id) => id !== '');
  return {
    departments: [...caseload.council.departments.map((d) => d.id), INTAKE_DEPARTMENT_ID],
    staff: caseload.council.users.filter((u) => u.role !== 'admin').map((u) => u.id),
    tickets: sample,
    citizens,
  };
}

const pick = <T>(list: readonly T[], rep: number): T => list[rep % list.length]!;

async function runQueries(caseload: Caseload, local: LocalDatabase, raw: RawCeiling) {
  const { tickets: ticketsOf, messages: messagesOf } = local.db;
  const p = queryParameters(caseload);
  const now = caseload.now;
  const reps = config.reps;
  const statuses = ['new', 'open', 'pending', 'closed'] as const;
  const active = ['new', 'open', 'pending'];
  const results: Record<string, QueryFigures> = {};
  const newest = [{ lastActivityAt: 'desc' as const }];

  results.departmentQueue = await measure('department queue by status, newest first, 50', ticketsOf, reps,
    (rep) => ({ selector: { departmentId: pick(p.departments, rep), status: pick(statuses, Math.floor(rep / p.departments.length)) }, sort: newest, limit: 50 }),
    (rep) => rawTimed(() => raw.queue(pick(p.departments, rep), pick(statuses, Math.floor(rep / p.departments.length)))));
  results.departmentActive = await measure('department queue new+open+pending ($in), 50', ticketsOf, reps,
    (rep) => ({ selector: { departmentId: pick(p.departments, rep), status: { $in: active } }, sort: newest, limit: 50 }),
    (rep) => rawTimed(() => raw.queueActive(pick(p.departments, rep))));
  results.myTickets = await measure('my tickets by status, newest first, 50', ticketsOf, reps,
    (rep) => ({ selector: { assigneeId: pick(p.staff, rep), status: pick(['open', 'pending'], Math.floor(rep / p.staff.length)) }, sort: newest, limit: 50 }),
    (rep) => rawTimed(() => raw.mine(pick(p.staff, rep), pick(['open', 'pending'], Math.floor(rep / p.staff.length)))));
  results.myActive = await measure('my tickets new+open+pending ($in), 50', ticketsOf, reps,
    (rep) => ({ selector: { assigneeId: pick(p.staff, rep), status: { $in: active } }, sort: newest, limit: 50 }),
    (rep) => rawTimed(() => raw.mineActive(pick(p.staff, rep))));
  results.unassignedInDepartment = await measure('unassigned in a department, active, 50', ticketsOf, reps,
    (rep) => ({ selector: { departmentId: pick(p.departments, rep), assigneeId: UNASSIGNED, status: { $in: active } }, sort: newest, limit: 50 }),
    (rep) => rawTimed(() => raw.unassigned(pick(p.departments, rep))));
  results.allOpen = await measure('all open, newest first, 50', ticketsOf, reps,
    () => ({ selector: { status: 'open' as const }, sort: newest, limit: 50 }),
    () => rawTimed(() => raw.allOpen()));
  results.overdue = await measure('overdue in a department by due date, 50', ticketsOf, reps,
    (rep) => ({ selector: { departmentId: pick(p.departments, rep), status: 'open' as const, dueAt: { $lt: now } }, sort: [{ dueAt: 'asc' }], limit: 50 }),
    (rep) => rawTimed(() => raw.overdue(pick(p.departments, rep), now), 'dueAt'));
  results.byReference = await measure('ticket by reference', ticketsOf, reps,
    (rep) => ({ selector: { reference: pick(p.tickets, rep).reference } }),
    (rep) => rawTimed(() => raw.byReference(pick(p.tickets, rep).reference), 'id'));
  results.citizenHistory = await measure("a citizen's tickets, newest first", ticketsOf, reps,
    (rep) => ({ selector: { citizenId: pick(p.citizens, rep) }, sort: [{ createdAt: 'desc' }], limit: 50 }),
    (rep) => rawTimed(() => raw.citizenTickets(pick(p.citizens, rep)), 'createdAt'));
  results.ticketThread = await measure("a ticket's messages in order", messagesOf, reps,
    (rep) => ({ selector: { ticketId: pick(p.tickets, rep).id }, sort: [{ createdAt: 'asc' }] }),
    (rep) => rawTimed(() => raw.thread(pick(p.tickets, rep).id), 'createdAt'));
  results.citizenMessages = await measure("a citizen's messages, newest first, 50", messagesOf, reps,
    (rep) => ({ selector: { citizenId: pick(p.citizens, rep) }, sort: [{ createdAt: 'desc' }], limit: 50 }),
    (rep) => rawTimed(() => raw.citizenMessages(pick(p.citizens, rep)), 'createdAt'));
  return results;
}

/** A department's counters (five statuses and overdue), and the whole council's table. */
async function runCounts(caseload: Caseload, local: LocalDatabase, raw: RawCeiling) {
  const tickets = local.db.tickets;
  const departments = [...caseload.council.departments.map((d) => d.id), INTAKE_DEPARTMENT_ID];
  const statuses = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
  const now = caseload.now;
  const dashboard = { ours: [] as number[], raw: [] as number[] };
  const council = { ours: [] as number[], raw: [] as number[] };
  let mismatches = 0;
  for (let rep = -10; rep < config.reps; rep++) {
    const department = pick(departments, rep + 10);
    let start = performance.now();
    const ours: number[] = [];
    for (const status of statuses) ours.push(await countViaRxdb(tickets, { selector: { departmentId: department, status } }));
    ours.push(await countViaRxdb(tickets, { selector: { departmentId: department, status: 'open', dueAt: { $lt: now } } }));
    const oursMs = performance.now() - start;
    start = performance.now();
    const theirs = [...statuses.map((status) => raw.count(department, status)), raw.countOverdue(department, now)];
    const rawMs = performance.now() - start;
    if (ours.some((n, i) => n !== theirs[i])) mismatches++;
    if (rep < 0) continue;
    dashboard.ours.push(oursMs);
    dashboard.raw.push(rawMs);
  }
  for (let rep = -2; rep < Math.max(5, Math.round(config.reps / 10)); rep++) {
    let start = performance.now();
    for (const department of departments) for (const status of statuses) await countViaRxdb(tickets, { selector: { departmentId: department, status } });
    const oursMs = performance.now() - start;
    start = performance.now();
    for (const department of departments) for (const status of statuses) raw.count(department, status);
    const rawMs = performance.now() - start;
    if (rep < 0) continue;
    council.ours.push(oursMs);
    council.raw.push(rawMs);
  }
  const figures = (times: { ours: number[]; raw: number[] }) => {
    const ours = percentiles(times.ours);
    const theirs = percentiles(times.raw);
    return { ours, raw: theirs, ratioP50: ratio(ours.p50, theirs.p50), ratioP95: ratio(ours.p95, theirs.p95) };
  };
  const result = { departmentCounters: figures(dashboard), councilTable: figures(council), countsPerDashboard: 6, countsPerTable: departments.length * statuses.length, mismatches };
  progress(`department counters (6 counts): ours p95 ${result.departmentCounters.ours.p95} ms, raw p95 ${result.departmentCounters.raw.p95} ms; council table (${result.countsPerTable} counts): ours p95 ${result.councilTable.ours.p95} ms`);
  return result;
}

/** Searches: rare terms (surnames, streets, ID numbers), common words, two words. */
async function runSearches(caseload: Caseload, local: LocalDatabase, raw: RawCeiling) {
  const random = new Random(config.seed, 'bench-search');
  const documents = Array.from({ length: 20 }, () => caseload.citizen(random.int(caseload.citizens)).documentNumber).filter((d) => d !== '');
  const classes: Record<string, string[]> = {
    rare: ['Zubizarreta', 'Olabarrieta', 'Mondragón', 'Lasheras', 'Altamirano', 'Sotomayor', 'Peñalver', 'Goikoetxea', 'Valdelagua', 'Cerro Gordo', 'Dehesa Boyal', 'Cañizares', ...documents],
    common: ['licencia', 'empadronamiento', 'recibo', 'ruido', 'solicitud', 'calle', 'vecino', 'farola', 'multa', 'ayuda', 'García', 'tramite'],
    twoWords: ['licencia obra', 'recogida enseres', 'bonificación IBI', 'farola fundida', 'multa aparcamiento', 'volante empadronamiento', 'ayuda domicilio', 'García calle', 'Zubizarreta licencia', 'Peñalver recibo', '"Calle Mayor"', 'Sánchez ruido'],
  };
  const result: Record<string, unknown> = {};
  for (const [name, terms] of Object.entries(classes)) {
    const ours: number[] = [];
    const theirs: number[] = [];
    let hits = 0;
    let rawHits = 0;
    for (let rep = -terms.length; rep < config.searchReps; rep++) {
      const term = pick(terms, rep + terms.length);
      let start = performance.now();
      const found = local.search(term, { limit: 20 });
      const oursMs = performance.now() - start;
      start = performance.now();
      const rawFound = raw.search(term, 20);
      const rawMs = performance.now() - start;
      if (rep < 0) continue;
      ours.push(oursMs);
      theirs.push(rawMs);
      hits += found.length;
      rawHits += rawFound.length;
    }
    const o = percentiles(ours);
    const r = percentiles(theirs);
    result[name] = { terms: terms.length, ours: o, raw: r, ratioP50: ratio(o.p50, r.p50), ratioP95: ratio(o.p95, r.p95), hits: Math.round((hits / config.searchReps) * 10) / 10, rawHits: Math.round((rawHits / config.searchReps) * 10) / 10 };
    progress(`search ${name}: ours p50 ${o.p50} p95 ${o.p95} ms, raw p50 ${r.p50} p95 ${r.p95} ms`);
  }
  return result;
}

async function main() {
  const startMachine = machine();
  progress(`caseload bench: ${config.tickets} tickets, ${config.messagesPerTicket} messages each, batches of ${config.batch}, durability ${config.durability}; load ${startMachine.load.join(' ')} on ${startMachine.cores} cores`);
  const folder = tempFolder('ventanilla-bench-');
  try {
    const caseload = new Caseload({ seed: config.seed, tickets: config.tickets, messagesPerTicket: config.messagesPerTicket });
    const openStart = performance.now();
    let local = await openLocalDatabase({ directory: folder.path, name: 'council', durability: config.durability });
    const openEmptyMs = performance.now() - openStart;
    const raw = new RawCeiling(folder.path);

    const inserted = await insertCaseload(caseload, local, raw);
    const loadBeforeQueries = loadAverage();
    progress(`inserted ${JSON.stringify(inserted.counts)}; load ${loadBeforeQueries.join(' ')}`);
    const queries = await runQueries(caseload, local, raw);
    const counts = await runCounts(caseload, local, raw);
    const search = await runSearches(caseload, local, raw);

    const file = local.file;
    await local.close();
    const rawSizes = raw.sizes();
    raw.close();
    const sizes = { data: fileSize(file), search: fileSize(file.replace(/\.sqlite$/, '.search.sqlite')) };

    const reopenStart = performance.now();
    local = await openLocalDatabase({ directory: folder.path, name: 'council', durability: config.durability });
    const reopenMs = performance.now() - reopenStart;
    const firstStart = performance.now();
    await local.db.tickets.find({ selector: { departmentId: 'padron', status: 'open' }, sort: [{ lastActivityAt: 'desc' }], limit: 50 }).exec();
    const firstQueryMs = performance.now() - firstStart;
    await local.close();

    const totalDocs = Object.values(inserted.counts).reduce((a, b) => a + b, 0);
    const inboxKeys = ['departmentQueue', 'departmentActive', 'myTickets', 'myActive', 'unassignedInDepartment', 'allOpen', 'overdue', 'citizenHistory', 'ticketThread'];
    const worstInbox = Math.max(...inboxKeys.map((key) => queries[key]!.ours.p95));
    const worstSearch = Math.max(...Object.values(search).map((s) => (s as { ours: Percentiles }).ours.p95));
    const output = {
      bench: 'caseload',
      machine: { ...startMachine, loadBeforeQueries, loadAtEnd: loadAverage() },
      config: { ...config, keep: undefined },
      documents: inserted.counts,
      insert: inserted.insert,
      generatorDocsPerSec: inserted.generatorDocsPerSec,
      queries,
      counts,
      search,
      files: {
        oursMb: megabytes(sizes.data),
        oursSearchMb: megabytes(sizes.search),
        rawMb: megabytes(rawSizes.data),
        rawSearchMb: megabytes(rawSizes.search),
        oursOverRaw: ratio(sizes.data, rawSizes.data),
        oursBytesPerDocument: Math.round(sizes.data / Math.max(1, totalDocs)),
      },
      open: { emptyMs: ms(openEmptyMs), reopenMs: ms(reopenMs), firstQueryAfterReopenMs: ms(firstQueryMs) },
      peakRssMb: inserted.peakRssMb,
      targets: {
        ...TARGETS,
        worstInboxP95Ms: worstInbox,
        worstSearchP95Ms: worstSearch,
        inboxMet: worstInbox <= TARGETS.inboxP95Ms,
        searchMet: worstSearch <= TARGETS.searchP95Ms,
      },
    };
    console.log(JSON.stringify(output));
  } finally {
    if (config.keep) progress(`kept ${folder.path}`);
    else folder.remove();
  }
}

await main();
