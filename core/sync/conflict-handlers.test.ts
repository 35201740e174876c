import { afterEach, describe, expect, it } from 'vitest';
import { addRxPlugin, createRxDatabase, randomToken, type RxCollection, type RxDatabase, type WithDeleted } from 'rxdb';
import { RxDBDevModePlugin, disableWarnings } from 'rxdb/plugins/dev-mode';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { COLLECTION_NAMES, collections, type Message } from '../schemas';
import { intakeTicket } from '../schemas/test-fixtures';
import type { Ticket } from '../schemas/tickets';
import { pauseNoteId } from '../routing/pause';
import { CONFLICT_HANDLERS, messageConflictHandler, serverWinsConflictHandler, ticketConflictHandler } from './conflict-handlers';
import {
  DOCUMENT_STATE_CHECKS,
  compareCheckpoints,
  decidePushRow,
  isAfterCheckpoint,
  parsePullQuery,
  parsePullResponse,
  parsePushResponse,
  parsePushRows,
  pullQueryString,
  type DocumentState,
  type JsonCheck,
  type PullResponse,
  type ReplicationCheckpoint,
} from './replication-protocol';
import { mergeTickets, stampTicketEdit } from './ticket-merge';

disableWarnings();
addRxPlugin(RxDBDevModePlugin);

const T0 = Date.UTC(2025, 2, 17, 9, 0, 0);
const MINUTE = 60_000;

function ticket(overrides: Partial<Ticket> = {}): WithDeleted<Ticket> {
  return { ...intakeTicket(T0), _deleted: false, ...overrides };
}

function message(overrides: Partial<Message> = {}): WithDeleted<Message> {
  return {
    id: 'msg-from-message-id-hash',
    kind: 'email_in',
    ticketId: '01959c7e-2b40-7c3a-9f1e-4a2b8c0d1e2f',
    citizenId: 'cit-0001',
    text: 'Buenas noches, el bar de la esquina…',
    attachments: [],
    createdAt: T0,
    auto: false,
    _deleted: false,
    ...overrides,
  };
}

describe('ticketConflictHandler', () => {
  it('calls two states equal when they hold the same data, whatever the order of their keys', () => {
    const a = stampTicketEdit(ticket(), { status: 'open' }, T0 + MINUTE, 'usr-ana');
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as WithDeleted<Ticket>;
    expect(ticketConflictHandler.isEqual(a, reordered, 'test')).toBe(true);
  });

  it('never calls two states equal when any field differs, even with the same updatedAt', () => {
    const a = ticket({ tags: ['ruido'] });
    expect(ticketConflictHandler.isEqual(a, { ...a, tags: ['ruido', 'bar'] }, 'test')).toBe(false);
    expect(ticketConflictHandler.isEqual(a, { ...a, _deleted: true }, 'test')).toBe(false);
    expect(ticketConflictHandler.isEqual(a, { ...a, fieldClock: { tags: T0 } }, 'test')).toBe(false);
  });

  it('resolves a conflict with the field-by-field merge', async () => {
    const base = ticket();
    const mine = stampTicketEdit(base, { status: 'open' }, T0 + MINUTE, 'usr-ana');
    const server = stampTicketEdit(base, { priority: 'high' }, T0 + 2 * MINUTE, 'usr-luis');
    const resolved = await ticketConflictHandler.resolve({ newDocumentState: mine, realMasterState: server, assumedMasterState: base }, 'test');
    expect(resolved).toEqual(mergeTickets(mine, server, base));
    expect(resolved).toMatchObject({ status: 'open', priority: 'high' });
  });
});

describe('messageConflictHandler', () => {
  it('calls two states of one message equal without reading their bodies, unless one is deleted', () => {
    const a = message();
    expect(messageConflictHandler.isEqual(a, { ...a, text: 'otra copia del mismo correo' }, 'test')).toBe(true);
    expect(messageConflictHandler.isEqual(a, { ...a, _deleted: true }, 'test')).toBe(false);
    expect(messageConflictHandler.isEqual(a, message({ id: 'otro' }), 'test')).toBe(false);
  });

  it('keeps the server\'s message in a conflict', async () => {
    const server = message({ text: 'la copia del servidor' });
    expect(await messageConflictHandler.resolve({ newDocumentState: message(), realMasterState: server }, 'test')).toBe(server);
  });

  it('tells apart two outbox states of one reply, so the sending workstation pushes each change', () => {
    const queued = message({ kind: 'email_out', outbox: { state: 'queued', workstationId: 'ws-1', attempts: 0, changedAt: 1000 } });
    const sent = { ...queued, outbox: { ...queued.outbox!, state: 'sent' as const, attempts: 1, changedAt: 2000, sentAt: 2000 } };
    expect(messageConflictHandler.isEqual(queued, sent, 'test')).toBe(false);
    expect(messageConflictHandler.isEqual(sent, { ...sent, outbox: { ...sent.outbox } }, 'test')).toBe(true);
  });

  it('keeps the later outbox state in a conflict, whichever side holds it', async () => {
    const sending = message({ kind: 'email_out', outbox: { state: 'sending', workstationId: 'ws-1', attempts: 1, changedAt: 1000 } });
    const sent = { ...sending, outbox: { ...sending.outbox!, state: 'sent' as const, changedAt: 2000, sentAt: 2000 } };
    expect((await messageConflictHandler.resolve({ newDocumentState: sent, realMasterState: sending }, 'test')).outbox?.state).toBe('sent');
    expect(await messageConflictHandler.resolve({ newDocumentState: sending, realMasterState: sent }, 'test')).toBe(sent);
  });

  it('keeps, of two records of one pause, the earlier resume — the one whose due date the ticket keeps — whichever reached the server first', async () => {
    const id = pauseNoteId('t-1', 1_000);
    const byClerk = message({ id, ticketId: 't-1', kind: 'note', auto: true, authorId: 'u-ana', createdAt: 5_001, text: 'Plazo suspendido … hasta las 10:00' });
    const byMail = message({ id, ticketId: 't-1', kind: 'note', auto: true, createdAt: 9_001, text: 'Plazo suspendido … hasta las 11:00' });
    expect(messageConflictHandler.isEqual(byClerk, byMail, 'test')).toBe(false);
    expect(messageConflictHandler.isEqual(byMail, { ...byMail }, 'test')).toBe(true);
    expect(await messageConflictHandler.resolve({ newDocumentState: byMail, realMasterState: byClerk }, 'test')).toBe(byClerk);
    expect(await messageConflictHandler.resolve({ newDocumentState: byClerk, realMasterState: byMail }, 'test')).toBe(byClerk);
  });
});

describe('CONFLICT_HANDLERS', () => {
  it('has a handler for every collection, the server winning where nothing is merged', async () => {
    expect(Object.keys(CONFLICT_HANDLERS).sort()).toEqual([...COLLECTION_NAMES].sort());
    const handler = serverWinsConflictHandler<{ id: string; name: string }>();
    const server = { id: 'd', name: 'Urbanismo', _deleted: false };
    expect(handler.isEqual(server, { name: 'Urbanismo', id: 'd', _deleted: false }, 'test')).toBe(true);
    expect(await handler.resolve({ newDocumentState: { ...server, name: 'Obras' }, realMasterState: server }, 'test')).toBe(server);
  });
});

// ---------------------------------------------------------------------------------------------
// Two workstations and a server in memory, speaking the protocol through JSON as over HTTP:
// RxDB's own replication must converge with these handlers.

/** A collection on the central server: bodies as pushed, positions in their own fields. */
class MemoryCollection {
  private readonly rows = new Map<string, { body: DocumentState; position: ReplicationCheckpoint }>();
  private lastPosition = 0;

  constructor(private readonly check: JsonCheck<unknown>) {}

  pull(query: Record<string, string>): PullResponse {
    const parsed = parsePullQuery(query);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const { checkpoint, limit } = parsed.value;
    const page = [...this.rows.values()]
      .filter((row) => isAfterCheckpoint(row.position, checkpoint))
      .sort((a, b) => compareCheckpoints(a.position, b.position))
      .slice(0, limit);
    return { documents: page.map((row) => row.body), checkpoint: page.at(-1)?.position ?? checkpoint };
  }

  push(body: unknown): DocumentState[] {
    const rows = parsePushRows(body);
    if (!rows.ok) throw new Error(rows.error.message);
    const position = ++this.lastPosition; // one write transaction
    const conflicts: DocumentState[] = [];
    for (const row of rows.value) {
      const checked = this.check(row.newDocumentState);
      if (!checked.ok) throw new Error(checked.error.message);
      const id = row.newDocumentState.id as string;
      const held = this.rows.get(id)?.body;
      const decision = decidePushRow(held, row);
      if (decision === 'conflict' && held) conflicts.push(held);
      if (decision === 'insert' || decision === 'update') this.rows.set(id, { body: row.newDocumentState, position: { updatedAt: position, id } });
    }
    return conflicts;
  }

  get(id: string): DocumentState | undefined {
    return this.rows.get(id)?.body;
  }
}

type Workstation = RxDatabase<{ tickets: RxCollection<Ticket>; messages: RxCollection<Message> }>;

/** Ticket conflicts the workstations resolved, to show the merge really ran. */
let resolvedTicketConflicts = 0;

async function openWorkstation(): Promise<Workstation> {
  const db: Workstation = await createRxDatabase({
    name: `ws${randomToken(10)}`,
    storage: wrappedValidateAjvStorage({ storage: getRxStorageMemory() }),
    multiInstance: false,
  });
  await db.addCollections({
    tickets: {
      schema: collections.tickets.schema,
      conflictHandler: {
        isEqual: CONFLICT_HANDLERS.tickets.isEqual,
        resolve(input, context) {
          resolvedTicketConflicts++;
          return CONFLICT_HANDLERS.tickets.resolve(input, context);
        },
      },
    },
    messages: { schema: collections.messages.schema, conflictHandler: CONFLICT_HANDLERS.messages },
  });
  return db;
}

/** JSON there and back, as the HTTP transport does. */
const overTheWire = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

/** One pull-and-push cycle of a collection, as the workstation runs it when it comes online. */
async function syncOnce<T>(collection: RxCollection<T>, server: MemoryCollection): Promise<void> {
  const replication = replicateRxCollection<T, ReplicationCheckpoint>({
    collection,
    replicationIdentifier: 'memory-server',
    live: false,
    retryTime: 50,
    pull: {
      batchSize: 2,
      async handler(checkpoint, batchSize) {
        const query = Object.fromEntries(new URLSearchParams(pullQueryString({ checkpoint: checkpoint ?? null, limit: batchSize })));
        const answer = parsePullResponse(overTheWire(server.pull(query)));
        if (!answer.ok) throw new Error(answer.error.message);
        return { documents: answer.value.documents as WithDeleted<T>[], checkpoint: answer.value.checkpoint ?? undefined };
      },
    },
    push: {
      batchSize: 2,
      async handler(rows) {
        const answer = parsePushResponse(overTheWire(server.push(overTheWire(rows))));
        if (!answer.ok) throw new Error(answer.error.message);
        return answer.value as WithDeleted<T>[];
      },
    },
  });
  const errors: unknown[] = [];
  replication.error$.subscribe((error) => errors.push(error));
  await replication.awaitInitialReplication();
  await replication.cancel();
  expect(errors).toEqual([]);
}

function plain<T extends { toJSON(): unknown }>(doc: T | null): unknown {
  return doc === null ? null : overTheWire(doc.toJSON());
}

describe('two workstations replicating with RxDB through the protocol', () => {
  const opened: Workstation[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });

  it('converge after both edit the same ticket offline, with every edit kept or in the history', async () => {
    const tickets = new MemoryCollection(DOCUMENT_STATE_CHECKS.tickets as JsonCheck<unknown>);
    const [ana, luis] = [await openWorkstation(), await openWorkstation()];
    opened.push(ana, luis);
    await ana.tickets.insert(ticket());
    await syncOnce(ana.tickets, tickets);
    await syncOnce(luis.tickets, tickets);

    // Offline: Ana takes the ticket and rewrites the subject; Luis, later, raises the priority and
    // rewrites the subject too.
    const id = ticket().id;
    await (await ana.tickets.findOne(id).exec(true)).incrementalModify((data) =>
      stampTicketEdit(data, { assigneeId: 'usr-ana', status: 'open', subject: 'Ruido de un bar' }, T0 + MINUTE, 'usr-ana'),
    );
    await (await luis.tickets.findOne(id).exec(true)).incrementalModify((data) =>
      stampTicketEdit(data, { priority: 'high', subject: 'Ruido del bar La Esquina' }, T0 + 2 * MINUTE, 'usr-luis'),
    );

    // Back online, Ana first: Luis's push conflicts, his workstation merges and pushes the merge.
    resolvedTicketConflicts = 0;
    await syncOnce(ana.tickets, tickets);
    await syncOnce(luis.tickets, tickets);
    expect(resolvedTicketConflicts).toBe(1);
    await syncOnce(luis.tickets, tickets);
    await syncOnce(ana.tickets, tickets);

    const onAna = plain(await ana.tickets.findOne(id).exec());
    const onLuis = plain(await luis.tickets.findOne(id).exec());
    expect(onAna).toEqual(onLuis);
    expect({ ...(tickets.get(id) ?? {}), _deleted: undefined }).toEqual(onAna);
    expect(onAna).toMatchObject({
      assigneeId: 'usr-ana',
      status: 'open',
      priority: 'high',
      subject: 'Ruido del bar La Esquina',
      history: [{ field: 'subject', value: 'Ruido de un bar', clock: T0 + MINUTE, by: 'usr-ana', overwrittenAt: T0 + 2 * MINUTE }],
    });
  });

  it('keep the server\'s copy of a mail that both ingested offline', async () => {
    const messages = new MemoryCollection(DOCUMENT_STATE_CHECKS.messages as JsonCheck<unknown>);
    const [ana, luis] = [await openWorkstation(), await openWorkstation()];
    opened.push(ana, luis);
    await ana.messages.insert(message({ text: 'copia de Ana' }));
    await luis.messages.insert(message({ text: 'copia de Luis' }));

    await syncOnce(ana.messages, messages);
    await syncOnce(luis.messages, messages);
    await syncOnce(luis.messages, messages);

    const id = message().id;
    expect(plain(await luis.messages.findOne(id).exec())).toMatchObject({ text: 'copia de Ana' });
    expect(messages.get(id)).toMatchObject({ text: 'copia de Ana' });
  });
});
