/**
 * Randomised differential test: our SQLite RxStorage must answer exactly like RxDB's memory
 * storage — the same documents in the same order, the same counts — for thousands of random
 * tickets and thousands of random Mango queries, through RxDB and at the storage-instance level
 * (where deleted documents are visible).
 *
 * A failure prints the seed; replay it with `DIFF_SEED=<seed> npx vitest run main/store/differential`.
 * For a soak run, `DIFF_DOCS=<n>` (default 2,000) and `DIFF_QUERIES=<n>` (per check, default 800;
 * about 2,400 queries and 400 storage-level counts in all) scale it up. The defaults keep the file near
 * 30 s on two cores: our storage parses every row that a filter outside the index touches.
 * Each mismatch is shown with the query, both answers, the documents involved, and what RxDB's
 * own matcher and sort comparator say (the "oracle"), so a storage bug and a memory-storage quirk
 * can be told apart.
 *
 * The operators are the ones RxDB 17 registers with mingo (rxdb/src/rx-query-mingo.ts):
 * $eq $ne $gt $gte $lt $lte $in $nin $exists $regex(+$options) $elemMatch $size $mod $type $not
 * $and $or $nor. $all, $where, $expr and $text are not registered and are never generated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRxDatabase,
  fillWithDefaultSettings,
  getChangedDocumentsSince,
  getQueryMatcher,
  getSortComparator,
  normalizeMangoQuery,
  prepareQuery,
  type FilledMangoQuery,
  type MangoQuery,
  type RxCollection,
  type RxDatabase,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageDefaultCheckpoint,
  type RxStorageInstance,
} from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { getRxStorageSqlite } from './index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Random,
  createPools,
  mutateTicket,
  planHistory,
  randomQuery,
  randomSelector,
  randomSort,
  randomTicket,
  seedFromEnv,
  show,
  ticketId,
  ticketSchema,
  type Ticket,
  type WriteOp,
} from './test-support/random-data.js';

const SEED = seedFromEnv();
const DOC_COUNT = Number(process.env.DIFF_DOCS ?? 2_000);
/** Per check; the file runs about three times as many queries in all, plus a count for each storage-level one. */
const QUERY_COUNT = Number(process.env.DIFF_QUERIES ?? 800);
/** Enough mismatches to see a pattern, few enough to read. */
const MAX_REPORTED = 6;
/** Only a guard against a hang, scaled for soak runs; nothing here asserts on time. */
const TIMEOUT_MS = 60_000 + (QUERY_COUNT * DOC_COUNT) / 20;

type TicketCollection = RxCollection<Ticket>;
type Side = { label: string; db: RxDatabase<{ tickets: TicketCollection }>; tickets: TicketCollection };
type StoredTicket = RxDocumentData<Ticket>;
type TicketInstance = RxStorageInstance<Ticket, unknown, unknown, RxStorageDefaultCheckpoint>;

function candidateStorage(directory: string): { label: string; storage: RxStorage<unknown, unknown> } {
  return { label: 'sqlite', storage: getRxStorageSqlite({ directory }) as RxStorage<unknown, unknown> };
}

// ---------------------------------------------------------------------------------------------
// Comparing answers

/**
 * Key order is not part of a document's identity, and neither is the sign of zero: the memory
 * storage keeps the -0 it was given, a storage that keeps JSON (every persistent one, and RxDB's
 * replication) gives back 0, and mingo's $eq and sort treat them as equal.
 */
function canonical(value: unknown): string {
  return show(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return Object.is(value, -0) ? 0 : value;
}

/** The document as RxDB's user sees it: no _rev or _meta, which differ between two databases. */
function userData(doc: StoredTicket | Ticket): Record<string, unknown> {
  const { _rev: _r, _meta: _m, _attachments: _a, ...rest } = doc as Partial<StoredTicket> & Record<string, unknown>;
  return rest;
}

/** What RxDB's own matcher and sort comparator say over every stored document. */
function oracle(schema: RxJsonSchema<StoredTicket>, all: StoredTicket[], query: FilledMangoQuery<StoredTicket>): string[] {
  const matches = getQueryMatcher(schema, query);
  const sorted = all.filter((doc) => matches(doc)).sort(getSortComparator(schema, query));
  const skip = query.skip ?? 0;
  const end = typeof query.limit === 'number' ? skip + query.limit : undefined;
  return sorted.slice(skip, end).map((doc) => doc.id);
}

/** The ids in order, and each document's data without _rev and _meta. */
type Answer = { ids: string[]; docs: Map<string, unknown> };

/** `whole` keeps _rev and _meta, for storages written with identical documents. */
function answer(docs: readonly (StoredTicket | Ticket)[], whole = false): Answer {
  return { ids: docs.map((doc) => doc.id), docs: new Map(docs.map((doc) => [doc.id, whole ? doc : userData(doc)])) };
}

function sameDoc(x: unknown, y: unknown): boolean {
  // Plain JSON first (cheap, and usually enough); the canonical form only when that differs.
  return JSON.stringify(x) === JSON.stringify(y) || canonical(x) === canonical(y);
}

function sameAnswer(a: Answer, b: Answer): boolean {
  if (a.ids.length !== b.ids.length || a.ids.some((id, i) => b.ids[i] !== id)) return false;
  return a.ids.every((id) => sameDoc(a.docs.get(id), b.docs.get(id)));
}

/** The query, both answers around the first difference, the documents involved, and the oracle's verdict. */
function describeDivergence(what: string, query: unknown, memory: Answer, candidate: Answer, oracleIds?: string[]): string {
  const at = memory.ids.findIndex((id, i) => candidate.ids[i] !== id || !sameDoc(memory.docs.get(id), candidate.docs.get(id)));
  const first = at === -1 ? memory.ids.length : at;
  const from = Math.max(0, first - 1);
  const onlyMemory = memory.ids.filter((id) => !candidate.docs.has(id)).slice(0, 3);
  const onlyCandidate = candidate.ids.filter((id) => !memory.docs.has(id)).slice(0, 3);
  const involved = [...new Set([memory.ids[first], candidate.ids[first], ...onlyMemory, ...onlyCandidate])].filter(
    (id): id is string => id !== undefined,
  );
  const lines = [
    `${what} — seed ${SEED}`,
    `  query: ${show(query)}`,
    `  memory    (${memory.ids.length}): ${show(memory.ids.slice(from, first + 5))} from #${from}`,
    `  candidate (${candidate.ids.length}): ${show(candidate.ids.slice(from, first + 5))} from #${from}`,
  ];
  for (const id of involved) {
    const [m, c] = [memory.docs.get(id), candidate.docs.get(id)];
    lines.push(`  doc ${show(id)}: ${canonical(m ?? c)}`);
    if (m !== undefined && c !== undefined && !sameDoc(m, c)) lines.push(`    but candidate has: ${canonical(c)}`);
  }
  if (oracleIds !== undefined) {
    const agrees = show(oracleIds) === show(memory.ids) ? 'memory' : show(oracleIds) === show(candidate.ids) ? 'candidate' : 'neither';
    lines.push(`  oracle (RxDB's query matcher + sort comparator over all documents) agrees with ${agrees}`);
  }
  return lines.join('\n');
}

function expectNoMismatches(mismatches: string[], checked: number): void {
  expect(mismatches, `${mismatches.length} of ${checked} checks diverged (seed ${SEED}):\n\n${mismatches.join('\n\n')}`).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Writing the same history into both databases

async function applyOp(side: Side, op: WriteOp): Promise<void> {
  const failIfAny = (errors: readonly unknown[]): void => {
    if (errors.length > 0) throw new Error(`${side.label}: ${op.kind} failed: ${show(errors[0])}`);
  };
  switch (op.kind) {
    case 'bulkInsert':
      failIfAny((await side.tickets.bulkInsert(op.tickets.map((t) => structuredClone(t)))).error);
      return;
    case 'modify':
      await (await side.tickets.findOne(op.id).exec(true)).incrementalModify(() => structuredClone(op.next));
      return;
    case 'patch':
      await (await side.tickets.findOne(op.id).exec(true)).incrementalPatch(structuredClone(op.patch));
      return;
    case 'remove':
      await (await side.tickets.findOne(op.id).exec(true)).remove();
      return;
    case 'bulkRemove':
      failIfAny((await side.tickets.bulkRemove(op.ids)).error);
      return;
    case 'bulkUpsert':
      failIfAny((await side.tickets.bulkUpsert(op.tickets.map((t) => structuredClone(t)))).error);
      return;
    case 'insert':
      await side.tickets.insert(structuredClone(op.ticket));
      return;
  }
}

async function openSide(label: string, name: string, storage: RxStorage<unknown, unknown>): Promise<Side> {
  const db = await createRxDatabase<{ tickets: TicketCollection }>({
    name,
    storage: wrappedValidateAjvStorage({ storage }),
    multiInstance: false,
    // Random selectors are rarely satisfied by an index alone; count() must still answer them.
    allowSlowCount: true,
  });
  await db.addCollections({ tickets: { schema: ticketSchema } });
  return { label, db, tickets: db.tickets };
}

// ---------------------------------------------------------------------------------------------

describe(`the SQLite storage against RxDB's memory storage (seed ${SEED})`, () => {
  let directory = '';
  let memory: Side | undefined;
  let candidate: Side | undefined;
  let writtenIds: string[] = [];

  const sides = (): [Side, Side] => {
    if (!memory || !candidate) throw new Error('databases not open');
    return [memory, candidate];
  };
  const schemaOf = (side: Side): RxJsonSchema<StoredTicket> => side.tickets.schema.jsonSchema;
  const instanceOf = (side: Side): TicketInstance => side.tickets.storageInstance as unknown as TicketInstance;
  /** Every stored document, deleted ones included, straight from the storage instance. */
  const everything = async (side: Side): Promise<StoredTicket[]> => {
    const schema = schemaOf(side);
    return (await instanceOf(side).query(prepareQuery(schema, normalizeMangoQuery(schema, { selector: {} })))).documents;
  };

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ventanilla-differential-'));
    memory = await openSide('memory', 'memory', getRxStorageMemory());
    const { label, storage } = candidateStorage(directory);
    candidate = await openSide(label, 'candidate', storage);
    const random = new Random(SEED);
    const { ops, ids } = planHistory(random, createPools(random), DOC_COUNT);
    writtenIds = ids;
    for (const op of ops) {
      await applyOp(memory, op);
      await applyOp(candidate, op);
    }
  }, TIMEOUT_MS);

  afterAll(async () => {
    try {
      await memory?.db.close();
      await candidate?.db.close();
    } finally {
      if (directory !== '') rmSync(directory, { recursive: true, force: true });
    }
  });

  it('holds the same documents, deleted ones included, after inserts, edits, deletions and re-insertions', async () => {
    const [a, b] = sides();
    const [left, right] = [await everything(a), await everything(b)];
    const deletedFlags = (docs: StoredTicket[]): string[] => docs.map((doc) => `${show(doc.id)}:${String(doc._deleted)}`);
    expect(deletedFlags(right)).toEqual(deletedFlags(left));
    expect(sameAnswer(answer(left), answer(right)), describeDivergence('full scan', {}, answer(left), answer(right))).toBe(true);
    expect(left.filter((doc) => doc._deleted).length, 'the history leaves deleted documents behind').toBeGreaterThan(DOC_COUNT / 20);
  }, TIMEOUT_MS);

  it('returns the same documents in the same order for thousands of random queries', async () => {
    const [a, b] = sides();
    const random = new Random(SEED + 1);
    const pools = createPools(new Random(SEED));
    const mismatches: string[] = [];
    let nonEmpty = 0;
    for (let i = 0; i < QUERY_COUNT && mismatches.length < MAX_REPORTED; i++) {
      const query = randomQuery(random, pools);
      const found = async (side: Side) => answer((await side.tickets.find(query).exec()).map((doc) => doc.toJSON(true) as StoredTicket));
      const [left, right] = [await found(a), await found(b)];
      if (left.ids.length > 0) nonEmpty++;
      if (!sameAnswer(left, right)) {
        const schema = schemaOf(a);
        const filled = normalizeMangoQuery(schema, query as MangoQuery<StoredTicket>);
        filled.selector = { ...filled.selector, _deleted: { $eq: false } };
        mismatches.push(describeDivergence(`find #${i}`, query, left, right, oracle(schema, await everything(a), filled)));
      }
    }
    expectNoMismatches(mismatches, QUERY_COUNT);
    // A generator that only produced empty answers would prove nothing.
    expect(nonEmpty).toBeGreaterThan(QUERY_COUNT / 4);
  }, TIMEOUT_MS);

  it('counts the same documents for every random selector', async () => {
    const [a, b] = sides();
    const random = new Random(SEED + 2);
    const pools = createPools(new Random(SEED));
    const mismatches: string[] = [];
    for (let i = 0; i < QUERY_COUNT && mismatches.length < MAX_REPORTED; i++) {
      // count() takes no sort, skip or limit (RxDB's dev-mode rejects them: QU15).
      const { selector, index } = randomQuery(random, pools);
      const query: MangoQuery<Ticket> = index === undefined ? { selector } : { selector, index };
      const [left, right] = [await a.tickets.count(query).exec(), await b.tickets.count(query).exec()];
      if (left !== right) mismatches.push(`count #${i} — seed ${SEED}\n  query: ${show(query)}\n  memory ${left}, candidate ${right}`);
    }
    expectNoMismatches(mismatches, QUERY_COUNT);
  }, TIMEOUT_MS);

  it('finds the same documents by id, and deleted ones only when asked', async () => {
    const [a, b] = sides();
    const random = new Random(SEED + 3);
    const mismatches: string[] = [];
    const rounds = Math.ceil(QUERY_COUNT / 10);
    for (let i = 0; i < rounds && mismatches.length < MAX_REPORTED; i++) {
      const ids = [...random.some(writtenIds, 0, 20), ...random.some(['missing', 'ñ-missing', '😀', '\uE000'], 0, 2)];
      const withDeleted = random.chance(0.5);
      const bySorted = (docs: readonly StoredTicket[]) => answer([...docs].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)));
      const [left, right] = [
        bySorted(await instanceOf(a).findDocumentsById(ids, withDeleted)),
        bySorted(await instanceOf(b).findDocumentsById(ids, withDeleted)),
      ];
      if (!sameAnswer(left, right)) mismatches.push(describeDivergence(`findDocumentsById(withDeleted=${withDeleted}) #${i}`, ids, left, right));
      const [mapA, mapB] = [await a.tickets.findByIds(ids).exec(), await b.tickets.findByIds(ids).exec()];
      const viaRxdb = (map: Map<string, { toJSON(): unknown }>) => [...map.entries()].map(([id, doc]) => `${show(id)}=${canonical(doc.toJSON())}`).sort();
      if (show(viaRxdb(mapA)) !== show(viaRxdb(mapB))) mismatches.push(`findByIds #${i} — seed ${SEED}\n  ids: ${show(ids)}\n  memory ${show(viaRxdb(mapA))}\n  candidate ${show(viaRxdb(mapB))}`);
    }
    expectNoMismatches(mismatches, rounds);
  }, TIMEOUT_MS);

  it('answers storage-level queries and counts over deleted documents like the memory storage', async () => {
    const [a, b] = sides();
    const random = new Random(SEED + 4);
    const pools = createPools(new Random(SEED));
    const schema = schemaOf(a);
    const storageIndexes = (schema.indexes ?? []).filter((index) => !index.includes('_meta.lwt')) as string[][];
    const mismatches: string[] = [];
    const all = await everything(a);
    const rounds = Math.ceil(QUERY_COUNT / 2);
    for (let i = 0; i < rounds && mismatches.length < MAX_REPORTED; i++) {
      const selector: Record<string, unknown> = randomSelector(random, pools);
      const deletedFilter = random.pick([true, false, undefined, { $eq: true }, { $ne: false }, { $in: [true, false] }]);
      if (deletedFilter !== undefined) selector._deleted = deletedFilter;
      const query: MangoQuery<StoredTicket> = { selector: selector as MangoQuery<StoredTicket>['selector'] };
      if (random.chance(0.7)) query.sort = randomSort(random, ['id', 'subject', 'status', 'priority', 'score', 'urgent', '_deleted', 'note', 'mixed']) as MangoQuery<StoredTicket>['sort'];
      if (random.chance(0.15)) query.index = random.pick(storageIndexes);
      const counted = { ...query };
      if (random.chance(0.4)) query.skip = random.int(0, 30);
      if (random.chance(0.6)) query.limit = random.int(0, 100);
      const prepared = prepareQuery(schema, normalizeMangoQuery(schema, query));
      const [left, right] = [answer((await instanceOf(a).query(prepared)).documents), answer((await instanceOf(b).query(prepared)).documents)];
      if (!sameAnswer(left, right)) mismatches.push(describeDivergence(`storage query #${i}`, query, left, right, oracle(schema, all, prepared.query)));
      const preparedCount = prepareQuery(schema, normalizeMangoQuery(schema, counted));
      const [countA, countB] = [(await instanceOf(a).count(preparedCount)).count, (await instanceOf(b).count(preparedCount)).count];
      if (countA !== countB) mismatches.push(`storage count #${i} — seed ${SEED}\n  query: ${show(counted)}\n  memory ${countA}, candidate ${countB}`);
    }
    expectNoMismatches(mismatches, rounds);
  }, TIMEOUT_MS);

  it('pages through every stored document exactly once, in (lwt, id) order, with getChangedDocumentsSince', async () => {
    const random = new Random(SEED + 5);
    for (const side of sides()) {
      const expected = (await everything(side)).map((doc) => doc.id).sort();
      const seen: StoredTicket[] = [];
      let checkpoint: RxStorageDefaultCheckpoint | undefined;
      for (let page = 0; page < 10_000; page++) {
        const limit = random.pick([1, 2, 7, 50, 333]);
        const result = await getChangedDocumentsSince(instanceOf(side), limit, checkpoint);
        expect(result.documents.length, `${side.label}: page ${page} longer than its limit ${limit}`).toBeLessThanOrEqual(limit);
        seen.push(...result.documents);
        checkpoint = result.checkpoint;
        if (result.documents.length < limit) break;
      }
      const outOfOrder = seen.findIndex((doc, i) => {
        const previous = seen[i - 1];
        return previous !== undefined && (previous._meta.lwt > doc._meta.lwt || (previous._meta.lwt === doc._meta.lwt && previous.id >= doc.id));
      });
      expect(outOfOrder, `${side.label}: document #${outOfOrder} out of (lwt, id) order, seed ${SEED}`).toBe(-1);
      expect(seen.map((doc) => doc.id).sort(), `${side.label}: every document once, seed ${SEED}`).toEqual(expected);
    }
  }, TIMEOUT_MS);
});

// ---------------------------------------------------------------------------------------------

describe(`the SQLite storage instance written directly, documents identical to the byte (seed ${SEED})`, () => {
  const schema = fillWithDefaultSettings(ticketSchema);
  const instances: TicketInstance[] = [];
  let directory = '';

  afterAll(async () => {
    try {
      for (const instance of instances) await instance.close();
    } finally {
      if (directory !== '') rmSync(directory, { recursive: true, force: true });
    }
  });

  const open = async (storage: RxStorage<unknown, unknown>, databaseName: string): Promise<TicketInstance> => {
    const instance = (await wrappedValidateAjvStorage({ storage }).createStorageInstance({
      databaseInstanceToken: 'differential',
      databaseName,
      collectionName: 'tickets',
      schema,
      options: {},
      multiInstance: false,
      devMode: false,
    })) as unknown as TicketInstance;
    instances.push(instance);
    return instance;
  };

  it('agrees on write conflicts, queries over lwt, and every page of getChangedDocumentsSince when many documents share an lwt', async () => {
    directory = mkdtempSync(join(tmpdir(), 'ventanilla-differential-raw-'));
    const reference = await open(getRxStorageMemory(), 'raw-memory');
    const candidate = await open(candidateStorage(directory).storage, 'raw-candidate');
    const random = new Random(SEED + 6);
    const pools = createPools(new Random(SEED));
    // Few distinct lwts (multiples of 0.01 within RX_META_SCHEMA): most documents tie on lwt.
    const lwt = (): number => 1_700_000_000_000 + random.int(0, 12) * 0.25;
    const stored = (ticket: Ticket, height: number): StoredTicket => ({
      ...ticket,
      _deleted: random.chance(0.2),
      _rev: `${height}-differential`,
      _meta: { lwt: lwt() },
      _attachments: {},
    });
    const first = Array.from({ length: Math.ceil(DOC_COUNT / 2) }, (_, serial) => stored(randomTicket(random, pools, ticketId(random, serial)), 1));
    const mismatches: string[] = [];
    const writeBoth = async (rows: Parameters<TicketInstance['bulkWrite']>[0], step: string): Promise<void> => {
      const [left, right] = [await reference.bulkWrite(structuredClone(rows), step), await candidate.bulkWrite(structuredClone(rows), step)];
      const errors = (result: typeof left) => result.error.map((error) => `${error.documentId}:${error.status}`).sort();
      if (show(errors(left)) !== show(errors(right))) mismatches.push(`${step} write errors — seed ${SEED}\n  memory ${show(errors(left))}\n  candidate ${show(errors(right))}`);
    };
    await writeBoth(first.map((document) => ({ document })), 'insert');
    // Updates: most with the right previous revision, some stale (a conflict), some re-inserts (a conflict).
    const second = first.filter(() => random.chance(0.4)).map((previous) => {
      const roll = random.int(0, 9);
      const document = stored(mutateTicket(random, pools, previous), 2);
      if (roll === 0) return { document, previous: { ...previous, _rev: '9-stale' } };
      if (roll === 1) return { document };
      return { document, previous };
    });
    await writeBoth(second, 'update');

    const all = (await reference.query(prepareQuery(schema, normalizeMangoQuery(schema, { selector: {} })))).documents;
    const rounds = Math.ceil(QUERY_COUNT / 2);
    for (let i = 0; i < rounds && mismatches.length < MAX_REPORTED; i++) {
      const selector: Record<string, unknown> = randomSelector(random, pools);
      if (random.chance(0.5)) selector['_meta.lwt'] = random.pick([{ $gt: lwt() }, { $lte: lwt() }, { $eq: lwt() }, { $gte: lwt(), $lt: lwt() }]);
      if (random.chance(0.5)) selector._deleted = random.chance(0.5);
      const query: MangoQuery<StoredTicket> = { selector: selector as MangoQuery<StoredTicket>['selector'] };
      if (random.chance(0.8)) query.sort = randomSort(random, ['_meta.lwt', 'id', 'subject', 'score', 'urgent', '_deleted', 'amount']) as MangoQuery<StoredTicket>['sort'];
      if (random.chance(0.2)) query.index = random.pick((schema.indexes ?? []) as string[][]);
      if (random.chance(0.3)) query.skip = random.int(0, 30);
      if (random.chance(0.6)) query.limit = random.int(0, 100);
      const prepared = prepareQuery(schema, normalizeMangoQuery(schema, query));
      const [left, right] = [answer((await reference.query(prepared)).documents, true), answer((await candidate.query(prepared)).documents, true)];
      if (!sameAnswer(left, right)) mismatches.push(describeDivergence(`raw query #${i}`, query, left, right, oracle(schema, all, prepared.query)));
    }

    let [checkpointA, checkpointB] = [undefined as RxStorageDefaultCheckpoint | undefined, undefined as RxStorageDefaultCheckpoint | undefined];
    for (let page = 0; page < 10_000 && mismatches.length < MAX_REPORTED; page++) {
      const limit = random.pick([1, 3, 10, 64]);
      const [left, right] = [await getChangedDocumentsSince(reference, limit, checkpointA), await getChangedDocumentsSince(candidate, limit, checkpointB)];
      const what = `getChangedDocumentsSince page ${page} (limit ${limit}, after ${show(checkpointA)})`;
      if (!sameAnswer(answer(left.documents, true), answer(right.documents, true))) {
        mismatches.push(describeDivergence(what, {}, answer(left.documents, true), answer(right.documents, true)));
      } else if (show(left.checkpoint) !== show(right.checkpoint)) {
        mismatches.push(`${what} — seed ${SEED}\n  memory's next checkpoint ${show(left.checkpoint)}, candidate's ${show(right.checkpoint)}`);
      }
      [checkpointA, checkpointB] = [left.checkpoint, right.checkpoint];
      if (left.documents.length < limit) break;
    }
    expectNoMismatches(mismatches, rounds);
  }, TIMEOUT_MS);
});
