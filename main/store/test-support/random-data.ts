/**
 * Seeded random tickets and Mango queries for the storage differential test
 * (main/store/differential.test.ts). Everything here is deterministic for a given seed, so a
 * failure printed with its seed replays exactly with `DIFF_SEED=<seed>`.
 *
 * The values are chosen to hit the places where a storage built on index strings can drift from
 * RxDB's memory storage: strings that are prefixes of each other or differ only by a trailing
 * space or a control character (RxDB pads index strings with spaces), characters on both sides
 * of the UTF-16 surrogate range (JavaScript orders '\uE000' after '😀', UTF-8 and SQLite order it
 * before), strings whose UTF-16 length exceeds the schema's maxLength (ajv counts code points),
 * many ties on every index field, negative and fractional numbers, missing optional index fields
 * (RxDB indexes them as '' and 0), null, nested objects and arrays of objects.
 */
import type { MangoQuery, MangoQuerySelector, MangoQuerySortPart, RxJsonSchema } from 'rxdb';

export type TicketLine = { sku: string; qty: number };

export type Ticket = {
  id: string;
  subject: string;
  status: string;
  priority: number;
  score: number;
  urgent: boolean;
  citizen: { name: string; address: { city: string; zip?: string | null } };
  department?: string;
  dueDay?: number;
  note?: string | null;
  amount?: number;
  mixed?: string | number | boolean | null;
  tags: string[];
  lines?: TicketLine[];
};

export const ticketSchema: RxJsonSchema<Ticket> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    subject: { type: 'string', maxLength: 24 },
    status: { type: 'string', maxLength: 8 },
    priority: { type: 'integer', minimum: -5, maximum: 5, multipleOf: 1 },
    score: { type: 'number', minimum: -1000, maximum: 1000, multipleOf: 0.25 },
    urgent: { type: 'boolean' },
    citizen: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        address: {
          type: 'object',
          properties: { city: { type: 'string', maxLength: 16 }, zip: { type: ['string', 'null'] } },
          required: ['city'],
        },
      },
      required: ['name', 'address'],
    },
    // Optional but indexed: RxDB's index string renders a missing string as '' and a missing number as 0.
    department: { type: 'string', maxLength: 10 },
    dueDay: { type: 'integer', minimum: 0, maximum: 400, multipleOf: 1 },
    note: { type: ['string', 'null'] },
    amount: { type: 'number' },
    // ajv's strict mode refuses a union type list; anyOf says the same.
    mixed: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] },
    tags: { type: 'array', items: { type: 'string' } },
    lines: {
      type: 'array',
      items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku', 'qty'] },
    },
  },
  required: ['id', 'subject', 'status', 'priority', 'score', 'urgent', 'citizen', 'tags'],
  indexes: [
    ['status', 'priority'],
    'subject',
    ['urgent', 'score', 'subject'],
    ['citizen.address.city', 'priority'],
    ['department', 'dueDay'],
    'score',
  ],
};

export const TICKET_INDEXES: readonly (string | readonly string[])[] = ticketSchema.indexes ?? [];

/** mulberry32: small, fast, and good enough to shuffle test data; not for anything secret. */
export class Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  some<T>(items: readonly T[], min: number, max: number): T[] {
    const count = this.int(min, max);
    return Array.from({ length: count }, () => this.pick(items));
  }
}

/** DIFF_SEED replays a failing run; otherwise a fresh seed, printed with every failure. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.DIFF_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed)) throw new Error(`DIFF_SEED must be an integer, got ${fromEnv}`);
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

const ATOMS = [
  'a', 'b', 'z', 'A', 'Z', 'k', '0', '9', '-', '.', '_', ' ', 'ñ', 'Ñ', 'á', 'é', 'ü', 'ß', 'İ',
  '\u212A', // KELVIN SIGN: equal to 'k' under /i with the u flag
  '😀', '🇪🇸', '👩‍💻', '中', '文', '\uE000', '\uFFFD', '\uFFFF', '\t', '\n', '\u0000', '\u001F',
  '\uD800', '\uDFFF', // lone surrogates: valid in a JS string and for ajv, not in UTF-8
];

function codePoints(value: string): number {
  return [...value].length;
}

function randomWord(random: Random, maxCodePoints: number): string {
  const target = random.int(0, Math.min(maxCodePoints, 6));
  let word = '';
  while (codePoints(word) < target) word += random.pick(ATOMS);
  return [...word].slice(0, maxCodePoints).join('');
}

/** A pool with prefixes, near-duplicates and edge characters, so that ties and bounds are common. */
function stringPool(random: Random, maxCodePoints: number, size: number): string[] {
  const fixed = [
    '', 'a', 'ab', 'abc', 'ab ', 'ab\t', 'a b', 'ab\u0000', 'Ab', 'ñ', 'ña', 'ñá', 'n', 'ñu😀', '😀', '😀a',
    '🇪🇸', '\uE000', '\uE000a', '\uFFFD', '\uFFFF', '中文', 'z', 'zz',
    '😀'.repeat(maxCodePoints), // UTF-16 length twice the maxLength; still valid for ajv
  ];
  const pool = new Set(fixed.filter((value) => codePoints(value) <= maxCodePoints));
  while (pool.size < size) pool.add(randomWord(random, maxCodePoints));
  return [...pool];
}

export type Pools = {
  subject: string[];
  status: string[];
  city: string[];
  department: string[];
  text: string[];
  tag: string[];
  sku: string[];
  score: number[];
  amount: number[];
};

export function createPools(random: Random): Pools {
  return {
    subject: stringPool(random, 24, 40),
    status: ['new', 'open', 'open ', 'opén', 'closed', 'ñoño', '', '😀', 'Open', '\uE000'],
    city: stringPool(random, 16, 14),
    department: stringPool(random, 10, 10),
    text: stringPool(random, 30, 25),
    tag: ['urgent', 'vip', 'ñ', '😀', '', 'a', 'ab', 'A', '\uE000', 'tag 1'],
    sku: ['x', 'y', 'z', 'ñ', '😀', ''],
    score: [-1000, -999.75, -10.5, -1, -0.25, 0, 0.25, 0.5, 1, 2.75, 10, 999.75, 1000],
    amount: [-0, 0, -1, 1, 0.1, 0.2, 0.30000000000000004, -273.15, 1e-7, 1.5e21, -(2 ** 53), 2 ** 53, 42, 3.14159],
  };
}

function randomScore(random: Random, pools: Pools): number {
  return random.chance(0.6) ? random.pick(pools.score) : random.int(-4000, 4000) / 4;
}

function randomAmount(random: Random, pools: Pools): number {
  return random.chance(0.5) ? random.pick(pools.amount) : Math.round((random.next() - 0.5) * 2e6) / 1000;
}

function randomLeaf(random: Random, pools: Pools): string | number | boolean | null {
  switch (random.int(0, 4)) {
    case 0: return random.pick(pools.text);
    case 1: return randomAmount(random, pools);
    case 2: return random.chance(0.5);
    case 3: return null;
    default: return random.int(-3, 3);
  }
}

/** A unique id: unicode prefix + a counter, so ids are often prefixes of each other ('ñ1', 'ñ10'). */
export function ticketId(random: Random, serial: number): string {
  const prefixes = ['t', 'T', 'ñ', 'á', '😀', '🇪🇸', '中', '\uE000', '\uFFFD', '\uD800', 'a-b', 'a.b', 'a\u0000b', 'z'];
  return random.pick(prefixes) + String(serial);
}

/** Optional fields are left out, set to null (where the schema allows) or filled. */
export function randomTicket(random: Random, pools: Pools, id: string): Ticket {
  const ticket: Ticket = {
    id,
    subject: random.chance(0.8) ? random.pick(pools.subject) : randomWord(random, 24),
    status: random.pick(pools.status),
    priority: random.int(-5, 5),
    score: randomScore(random, pools),
    urgent: random.chance(0.3),
    citizen: { name: random.pick(pools.text), address: { city: random.pick(pools.city) } },
    tags: random.some(pools.tag, 0, 4),
  };
  if (random.chance(0.5)) ticket.citizen.address.zip = random.chance(0.3) ? null : random.pick(['28001', '08001', '', 'ñ']);
  if (random.chance(0.7)) ticket.department = random.pick(pools.department);
  if (random.chance(0.7)) ticket.dueDay = random.chance(0.2) ? random.pick([0, 400]) : random.int(0, 40);
  if (random.chance(0.6)) ticket.note = random.chance(0.3) ? null : random.pick(pools.text);
  if (random.chance(0.7)) ticket.amount = randomAmount(random, pools);
  if (random.chance(0.6)) ticket.mixed = randomLeaf(random, pools);
  if (random.chance(0.6)) {
    ticket.lines = Array.from({ length: random.int(0, 3) }, () => ({ sku: random.pick(pools.sku), qty: random.int(-2, 5) }));
  }
  return ticket;
}

/** Changes a few fields of a ticket (what incrementalModify applies). */
export function mutateTicket(random: Random, pools: Pools, ticket: Ticket): Ticket {
  const fresh = randomTicket(random, pools, ticket.id);
  const next: Ticket = structuredClone(ticket);
  const fields = random.some(Object.keys(fresh) as (keyof Ticket)[], 1, 3);
  for (const field of fields) {
    if (field === 'id') continue;
    (next as Record<string, unknown>)[field] = structuredClone(fresh[field]);
  }
  if (random.chance(0.2)) delete next.note;
  if (random.chance(0.1)) delete next.department;
  return next;
}

// ---------------------------------------------------------------------------------------------
// Write history

export type WriteOp =
  | { kind: 'bulkInsert'; tickets: Ticket[] }
  | { kind: 'modify'; id: string; next: Ticket }
  | { kind: 'patch'; id: string; patch: Partial<Ticket> }
  | { kind: 'remove'; id: string }
  | { kind: 'bulkRemove'; ids: string[] }
  | { kind: 'bulkUpsert'; tickets: Ticket[] }
  | { kind: 'insert'; ticket: Ticket };

/**
 * A history of bulk inserts, edits (incrementalModify, incrementalPatch), deletions (remove,
 * bulkRemove) and re-insertions of deleted ids (bulkUpsert, insert), planned once and applied to
 * both databases. Returns every id ever written.
 */
export function planHistory(random: Random, pools: Pools, docCount: number): { ops: WriteOp[]; ids: string[] } {
  const live = new Map<string, Ticket>();
  const deleted = new Set<string>();
  const ids: string[] = [];
  let serial = 0;
  const fresh = (): Ticket => {
    const ticket = randomTicket(random, pools, ticketId(random, serial++));
    ids.push(ticket.id);
    return ticket;
  };
  const ops: WriteOp[] = [];
  for (let written = 0; written < docCount; written += 500) {
    const tickets = Array.from({ length: Math.min(500, docCount - written) }, fresh);
    tickets.forEach((ticket) => live.set(ticket.id, ticket));
    ops.push({ kind: 'bulkInsert', tickets });
  }
  const anyLive = (): Ticket => random.pick([...live.values()]);
  const remove = (id: string): void => {
    live.delete(id);
    deleted.add(id);
  };
  for (let i = 0; i < 240; i++) {
    const ticket = anyLive();
    const roll = random.int(0, 3);
    if (roll === 0) {
      const next = mutateTicket(random, pools, ticket);
      live.set(ticket.id, next);
      ops.push({ kind: 'modify', id: ticket.id, next });
    } else if (roll === 1) {
      const { id: _id, ...changes } = randomTicket(random, pools, ticket.id);
      const patch: Partial<Ticket> = random.pick([{ subject: changes.subject }, { score: changes.score, urgent: changes.urgent }, { citizen: changes.citizen, tags: changes.tags }]);
      live.set(ticket.id, { ...ticket, ...patch });
      ops.push({ kind: 'patch', id: ticket.id, patch });
    } else {
      remove(ticket.id);
      ops.push({ kind: 'remove', id: ticket.id });
    }
  }
  const bulkRemoved = [...new Set(Array.from({ length: 300 }, () => anyLive().id))];
  bulkRemoved.forEach(remove);
  ops.push({ kind: 'bulkRemove', ids: bulkRemoved });

  const resurrected = [...deleted].filter(() => random.chance(0.15));
  const upserts = [
    ...resurrected.map((id) => randomTicket(random, pools, id)),
    ...Array.from({ length: 100 }, () => mutateTicket(random, pools, anyLive())),
    ...Array.from({ length: 100 }, fresh),
  ];
  const upserted = new Map(upserts.map((ticket) => [ticket.id, ticket]));
  upserted.forEach((ticket, id) => {
    live.set(id, ticket);
    deleted.delete(id);
  });
  ops.push({ kind: 'bulkUpsert', tickets: [...upserted.values()] });
  for (const id of [...deleted].filter(() => random.chance(0.05))) {
    const ticket = randomTicket(random, pools, id);
    live.set(id, ticket);
    deleted.delete(id);
    ops.push({ kind: 'insert', ticket });
  }
  return { ops, ids };
}

// ---------------------------------------------------------------------------------------------
// Queries

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Selector = { [key: string]: Json };

type FieldKind = 'string' | 'number' | 'boolean' | 'nullable' | 'mixed' | 'stringArray' | 'lineArray';

/** Every field path a query may use; nested paths and paths into arrays of objects included. */
const QUERY_FIELDS: { path: string; kind: FieldKind; values: (random: Random, pools: Pools) => Json }[] = [
  { path: 'id', kind: 'string', values: (r) => r.pick(['t1', 'ñ', 'ñ1', '😀', '\uE000', 'z', 'a-b1', '']) },
  { path: 'subject', kind: 'string', values: (r, p) => r.pick(p.subject) },
  { path: 'status', kind: 'string', values: (r, p) => r.pick(p.status) },
  { path: 'citizen.address.city', kind: 'string', values: (r, p) => r.pick(p.city) },
  { path: 'citizen.name', kind: 'string', values: (r, p) => r.pick(p.text) },
  { path: 'department', kind: 'string', values: (r, p) => r.pick(p.department) },
  { path: 'priority', kind: 'number', values: (r) => r.int(-6, 6) },
  { path: 'score', kind: 'number', values: (r, p) => (r.chance(0.8) ? randomScore(r, p) : r.pick([-5000, 5000, 0.1, -0.3])) },
  { path: 'dueDay', kind: 'number', values: (r) => r.pick([-1, 0, 1, 5, 20, 39, 40, 400, 401]) },
  { path: 'amount', kind: 'number', values: (r, p) => randomAmount(r, p) },
  { path: 'urgent', kind: 'boolean', values: (r) => r.chance(0.5) },
  { path: 'note', kind: 'nullable', values: (r, p) => (r.chance(0.3) ? null : r.pick(p.text)) },
  { path: 'citizen.address.zip', kind: 'nullable', values: (r) => r.pick([null, '28001', '08001', '', 'ñ']) },
  { path: 'mixed', kind: 'mixed', values: (r, p) => randomLeaf(r, p) },
  { path: 'tags', kind: 'stringArray', values: (r, p) => r.pick(p.tag) },
  { path: 'tags.0', kind: 'string', values: (r, p) => r.pick(p.tag) },
  { path: 'lines', kind: 'lineArray', values: (r, p) => r.pick(p.sku) },
  { path: 'lines.sku', kind: 'string', values: (r, p) => r.pick(p.sku) },
  { path: 'lines.qty', kind: 'number', values: (r) => r.int(-3, 6) },
];

/** Fields that are queried more often: the index fields, where the planner's ranges matter. */
const INDEX_FIELD_PATHS = ['status', 'priority', 'subject', 'urgent', 'score', 'citizen.address.city', 'department', 'dueDay', 'id'];

const TYPE_NAMES: Json[] = ['string', 'number', 'int', 'long', 'double', 'decimal', 'bool', 'boolean', 'null', 'array', 'object', 'undefined', 2, 8, 10, 16];

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function randomRegex(random: Random, sample: string): { $regex: string; $options?: string } {
  const chars = [...sample];
  const start = random.int(0, chars.length);
  let pattern = escapeRegex(chars.slice(start, start + random.int(0, 2)).join(''));
  switch (random.int(0, 5)) {
    case 0: pattern = '^' + pattern; break;
    case 1: pattern = pattern + '$'; break;
    case 2: pattern = pattern + '.'; break;
    case 3: pattern = '^.' + pattern; break;
    case 4: pattern = '[a-zñ]' + pattern; break;
    default: break;
  }
  const options = random.pick(['', '', 'i', 'iu', 'u', 'm', 's', 'is']);
  return options === '' ? { $regex: pattern } : { $regex: pattern, $options: options };
}

function valueOf(random: Random, pools: Pools, field: (typeof QUERY_FIELDS)[number]): Json {
  // Now and then compare across types, which mingo answers by type order or by "no match".
  if (random.chance(0.05)) return randomLeaf(random, pools);
  return field.values(random, pools);
}

/** One field's condition: an operator object (sometimes two operators, e.g. a range). */
function fieldCondition(random: Random, pools: Pools, field: (typeof QUERY_FIELDS)[number], depth: number): Json {
  const value = (): Json => valueOf(random, pools, field);
  const list = (): Json[] => Array.from({ length: random.int(0, 4) }, value);
  const sample = (): string => {
    const v = field.values(random, pools);
    return typeof v === 'string' ? v : 'a';
  };
  const ops: (() => Json)[] = [
    () => (random.chance(0.3) ? value() : { $eq: value() }), // shorthand and $eq
    () => ({ $ne: value() }),
    () => ({ [random.pick(['$gt', '$gte'])]: value(), [random.pick(['$lt', '$lte'])]: value() }),
    () => ({ [random.pick(['$gt', '$gte', '$lt', '$lte'])]: value() }),
    () => ({ $in: list() }),
    () => ({ $nin: list() }),
    () => ({ $exists: random.chance(0.5) }),
    () => ({ $type: random.chance(0.8) ? random.pick(TYPE_NAMES) : random.some(TYPE_NAMES, 1, 3) }),
  ];
  if (field.kind === 'number') ops.push(() => ({ $mod: [random.pick([1, 2, 3, 4, 7]), random.int(-2, 3)] }));
  if (field.kind !== 'number' && field.kind !== 'boolean') ops.push(() => randomRegex(random, sample()));
  // The array operators get half of the picks on an array field, or they would hardly ever come up.
  const arrayOps: (() => Json)[] = [];
  if (field.kind === 'stringArray' || field.kind === 'lineArray') {
    arrayOps.push(() => ({ $size: random.int(0, 4) }));
  }
  if (field.kind === 'stringArray') {
    arrayOps.push(() => ({ $elemMatch: random.pick<Json>([{ $eq: value() }, { $in: list() }, { $gte: value(), $lt: value() }, randomRegex(random, sample())]) }));
  }
  if (field.kind === 'lineArray') {
    arrayOps.push(() => ({
      $elemMatch: random.pick<Json>([
        { sku: value() },
        { qty: { $gt: random.int(-2, 5) } },
        { sku: { $in: list() }, qty: { $lte: random.int(-2, 5) } },
        { $or: [{ sku: value() }, { qty: random.int(-2, 5) }] },
      ]),
    }));
  }
  if (depth < 2) {
    ops.push(() => {
      const inner = fieldCondition(random, pools, field, depth + 1);
      // $not takes an operator expression or a regex, never a bare value.
      return { $not: inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? inner : { $eq: inner } };
    });
  }
  return arrayOps.length > 0 && random.chance(0.5) ? random.pick(arrayOps)() : random.pick(ops)();
}

function pickField(random: Random): (typeof QUERY_FIELDS)[number] {
  if (random.chance(0.1)) return random.pick(QUERY_FIELDS.filter((field) => field.kind === 'stringArray' || field.kind === 'lineArray'));
  if (random.chance(0.55)) {
    const path = random.pick(INDEX_FIELD_PATHS);
    const field = QUERY_FIELDS.find((candidate) => candidate.path === path);
    if (field) return field;
  }
  return random.pick(QUERY_FIELDS);
}

/**
 * What a screen asks for most: an equality or a range on the leading fields of an index, so the
 * planner narrows the scan to a range of one of the schema's indexes (and the test stays fast).
 */
function indexAnchor(random: Random, pools: Pools): Selector {
  const eq = (value: Json): Json => (random.chance(0.3) ? value : { $eq: value });
  const range = (low: Json, high: Json): Json => ({ [random.pick(['$gt', '$gte'])]: low, [random.pick(['$lt', '$lte'])]: high });
  const score = (): number => randomScore(random, pools);
  switch (random.int(0, 6)) {
    case 0: return { status: eq(random.pick(pools.status)) };
    case 1: return { status: eq(random.pick(pools.status)), priority: random.chance(0.5) ? eq(random.int(-5, 5)) : range(random.int(-6, 2), random.int(-2, 6)) };
    case 2: return { 'citizen.address.city': eq(random.pick(pools.city)) };
    case 3: return { urgent: eq(random.chance(0.5)), score: range(score(), score()) };
    case 4: return { subject: random.chance(0.5) ? eq(random.pick(pools.subject)) : range(random.pick(pools.subject), random.pick(pools.subject)) };
    case 5: return { department: eq(random.pick(pools.department)), dueDay: range(random.int(-1, 20), random.int(10, 401)) };
    default: return { score: range(score(), score()) };
  }
}

export function randomSelector(random: Random, pools: Pools, depth = 0): Selector {
  const selector: Selector = depth === 0 && random.chance(0.65) ? indexAnchor(random, pools) : {};
  const clauses = random.int(depth === 0 ? 0 : 1, depth === 0 ? 3 : 2);
  for (let i = 0; i < clauses; i++) {
    if (depth < 2 && random.chance(depth === 0 ? 0.2 : 0.1)) {
      const operator = random.pick(['$and', '$or', '$nor']);
      const branches = Array.from({ length: random.int(1, 3) }, () => randomSelector(random, pools, depth + 1));
      if (selector[operator] === undefined) selector[operator] = branches;
      continue;
    }
    const field = pickField(random);
    if (selector[field.path] === undefined) selector[field.path] = fieldCondition(random, pools, field, depth);
  }
  return selector;
}

export const SORT_FIELDS = [
  'id', 'subject', 'status', 'priority', 'score', 'urgent', 'citizen.address.city', 'department', 'dueDay',
  'note', 'amount', 'mixed', 'citizen.address.zip', 'citizen.name',
];

export function randomSort(random: Random, fields: readonly string[] = SORT_FIELDS): MangoQuerySortPart<Ticket>[] {
  const count = random.int(1, 3);
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(random.pick(fields));
  return [...chosen].map((field) => ({ [field]: random.chance(0.5) ? 'asc' : 'desc' }) as MangoQuerySortPart<Ticket>);
}

export function randomQuery(random: Random, pools: Pools): MangoQuery<Ticket> {
  const query: MangoQuery<Ticket> = {
    // The generator builds plain JSON; RxDB's selector type cannot describe paths like 'tags.0'.
    selector: randomSelector(random, pools) as MangoQuerySelector<Ticket>,
  };
  if (random.chance(0.75)) query.sort = randomSort(random);
  if (random.chance(0.15)) query.index = random.pick(TICKET_INDEXES) as string | string[];
  if (random.chance(0.4)) query.skip = random.pick([0, 1, 2, 5, 17, 100, 5000]);
  if (random.chance(0.7)) query.limit = random.pick([0, 1, 2, 3, 10, 50, 200]);
  return query;
}

/** Printable and copy-pasteable: every character outside printable ASCII as a \u escape. */
export function show(value: unknown): string {
  return (JSON.stringify(value, (_key, v: unknown) => (Object.is(v, -0) ? '-0' : v)) ?? 'undefined').replace(
    /[^\x20-\x7e]/g,
    (char) => '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}
