// The first replica imported without RxDB's replication protocol (first-replica.ts), against the
// real central server: RxDB's replication must carry on from what the import wrote as if it had
// pulled the pages itself.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { CollectionName, Ticket } from '../../core/schemas';
import { stampTicketEdit, type DocumentState, type PushRow } from '../../core/sync';
import { openLocalDatabase, type LocalDatabase } from '../store/local-database';
import { pendingPushIds } from './pending-pushes';
import { startSync, type StartSyncOptions, type SyncHandle } from './start-sync';
import { pushAs, serverDocuments } from './test-support/central-server';
import { ADMIN, note, ticket } from './test-support/council';
import { startWorkstation } from './test-support/workstation-process';
import { fastRetries, useSyncFixture } from './test-support/sync-fixture';

const fixture = useSyncFixture('ventanilla-first-replica-');

/** What crossed the wire: documents received per collection by pulls, and every push with its answer. */
type Traffic = { pulled: Map<string, number>; pushes: { collection: string; rows: PushRow[]; answer: unknown }[] };

/** fetch, recording the traffic; `hold(url)` returning true keeps that request waiting until the sync stops. */
function recordingFetch(traffic: Traffic, hold: (url: string) => boolean = () => false): StartSyncOptions['fetch'] {
  return async (input, init) => {
    if (hold(input)) {
      await new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    }
    const response = await fetch(input, init);
    const route = /\/replication\/([^/]+)\/(pull|push)/.exec(input);
    if (!route || !response.ok) return response;
    const [, collection, kind] = route as unknown as [string, string, string];
    const answer: unknown = await response.clone().json();
    if (kind === 'pull') {
      const documents = (answer as { documents: unknown[] }).documents.length;
      traffic.pulled.set(collection, (traffic.pulled.get(collection) ?? 0) + documents);
    } else {
      traffic.pushes.push({ collection, rows: JSON.parse(String(init.body)) as PushRow[], answer });
    }
    return response;
  };
}

const newTraffic = (): Traffic => ({ pulled: new Map(), pushes: [] });

/** An administrator's workstation in this process, so the test can read the replica's bookkeeping. */
async function openWorkstation(folder: string, options: Partial<StartSyncOptions> = {}): Promise<{ local: LocalDatabase; sync: SyncHandle; close(): Promise<void> }> {
  const local = await openLocalDatabase({ directory: folder, name: 'admin' });
  const sync = await startSync({ db: local.db, serverUrl: fixture.server.url, credentials: { ...ADMIN, workstation: 'test' }, ...fastRetries, ...options });
  return {
    local,
    sync,
    async close() {
      await sync.stop();
      await local.close();
    },
  };
}

/** Documents without local bookkeeping, sorted by id. */
async function replicaOf(local: LocalDatabase, collection: CollectionName): Promise<Record<string, unknown>[]> {
  const documents = await local.db.collections[collection].find({ sort: [{ id: 'asc' }] }).exec();
  return documents.map((document) => {
    const { _meta: _m, _rev: _r, _attachments: _a, _deleted: _d, ...body } = document.toMutableJSON(true) as Record<string, unknown>;
    return body;
  });
}

/** What the server holds and has not deleted, as the replica shows it. */
async function onServer(collection: CollectionName): Promise<Record<string, unknown>[]> {
  const documents = await serverDocuments(fixture.server.url, ADMIN, collection);
  return documents
    .filter((document) => !document._deleted)
    .map(({ _deleted: _d, ...body }) => body)
    .sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
}

/** A council's caseload on the server: tickets with a note each, written by the administrator. */
async function seed(tickets: number, at = Date.now()): Promise<void> {
  const rows = (documents: object[]) => documents.map((document) => ({ newDocumentState: { ...document, _deleted: false } }));
  const ids = Array.from({ length: tickets }, (_, index) => `t-${String(index).padStart(4, '0')}`);
  for (let start = 0; start < ids.length; start += 100) {
    const chunk = ids.slice(start, start + 100);
    await pushAs(fixture.server.url, ADMIN, 'tickets', rows(chunk.map((id) => ticket(id, at))));
    await pushAs(fixture.server.url, ADMIN, 'messages', rows(chunk.map((id) => note(`n-${id}`, id, at))));
  }
}

/**
 * Every row RxDB keeps for the replica in the database file — the collections' documents and the
 * replications' bookkeeping (assumed server states, checkpoints) — as the stored JSON text, with
 * what differs between any two replicas by nature made alike: write times (`lwt`, checkpoints
 * made of them) and the database's own token in revisions. RxDB's own tables of the database
 * (`_rxdb_internal`: collection meta, tokens) are left out.
 */
function storedRows(file: string, token: string): Record<string, string[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'rx:%' AND name NOT LIKE 'rx:_rxdb_internal:%' ORDER BY name`).pluck().all() as string[];
    return Object.fromEntries(
      tables.map((table) => {
        const rows = db.prepare(`SELECT data FROM "${table}" ORDER BY id`).pluck().all() as string[];
        const alike = rows.map((data) => {
          const row = JSON.parse(data) as { isCheckpoint?: string; itemId?: string; checkpointData?: unknown; _rev: string };
          // The push checkpoint names the newest local write, a time: only its presence counts.
          // The revisions of checkpoints count how often each was written (RxDB writes one per
          // pull of 500, the import one per page): only their suffix counts.
          if (row.isCheckpoint === '1') {
            // Assigned in place: the keys keep their order, which is compared too.
            row._rev = row._rev.replace(/^\d+-/, 'n-');
            if (row.itemId === 'up') row.checkpointData = 'a local checkpoint';
            return JSON.stringify(row);
          }
          return data.replaceAll(token, '<token>');
        });
        return [table, alike.map((data) => data.replace(/"lwt":[0-9.e+]+/g, '"lwt":0'))];
      }),
    );
  } finally {
    db.close();
  }
}

/** The tickets stored in the replica's file, read beside the open workstation (WAL: committed rows only). */
function ticketRows(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM "rx:tickets:0"`).pluck().get() as number;
  } finally {
    db.close();
  }
}

async function until(what: string, test: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a first replica imported page by page', () => {
  it('holds what the server holds, pulled once, and RxDB takes over: local edits push against the right state, server changes arrive', async () => {
    await seed(25);
    // A deletion the replica receives as such (a soft-deleted document in the feed).
    const deleted = (await serverDocuments(fixture.server.url, ADMIN, 'tickets')).find((document) => document.id === 't-0003')!;
    expect(await pushAs(fixture.server.url, ADMIN, 'tickets', [{ assumedMasterState: deleted, newDocumentState: { ...deleted, _deleted: true } }])).toEqual([]);
    const traffic = newTraffic();
    const workstation = await openWorkstation(path.join(fixture.folder, 'admin'), { pullBatchSize: 4, fetch: recordingFetch(traffic) });
    try {
      const { local, sync } = workstation;
      await sync.awaitInSync();
      expect((await sync.firstReplicas).tickets).toEqual({ outcome: 'complete', documents: 25, pages: 7 });
      for (const collection of ['tickets', 'messages', 'users'] as const) {
        expect(await replicaOf(local, collection)).toEqual(await onServer(collection));
      }
      expect((await onServer('tickets')).map((document) => document.id)).not.toContain('t-0003');
      const tombstone = await local.db.tickets.storageInstance.findDocumentsById(['t-0003'], true);
      expect(tombstone.map((document) => document._deleted)).toEqual([true]);
      // Each document crossed the wire once: RxDB's replication did not pull the pages again.
      expect(traffic.pulled.get('tickets')).toBe(25);
      expect(traffic.pulled.get('messages')).toBe(25);
      // Nothing counts as a local change to push: every document has its assumed server state,
      // and the push checkpoint followed the import.
      const tickets = sync.replications.tickets!;
      expect(await pendingPushIds(tickets.internalReplicationState!)).toEqual(new Set());
      expect(traffic.pushes).toEqual([]);
      const metaDocs = await tickets.metaInstance!.findDocumentsById(['t-0007|0', 'up|1', 'down|1'], false);
      const server = (await serverDocuments(fixture.server.url, ADMIN, 'tickets')).find((document) => document.id === 't-0007');
      expect(metaDocs.find((document) => document.id === 't-0007|0')?.docData).toEqual(server);
      expect(metaDocs.map((document) => document.id).sort()).toEqual(['down|1', 't-0007|0', 'up|1']);

      // A clerk's edit is pushed with the server's state as the assumed one: no conflict.
      const edited = await local.db.tickets.findOne('t-0007').exec();
      await edited!.incrementalModify((data) => stampTicketEdit(data, { status: 'open' }, Date.now(), 'admin'));
      await until('the edit on the server', async () => (await onServer('tickets')).find((document) => document.id === 't-0007')?.status === 'open');
      expect(traffic.pushes).toHaveLength(1);
      expect(traffic.pushes[0]!.rows[0]!.assumedMasterState).toEqual(server);
      expect(traffic.pushes[0]!.answer).toEqual([]);

      // A change made on the server arrives.
      const before = (await serverDocuments(fixture.server.url, ADMIN, 'tickets')).find((document) => document.id === 't-0011')!;
      const after = { ...stampTicketEdit(before as unknown as Ticket, { priority: 'high' }, Date.now(), 'admin'), _deleted: false } as DocumentState;
      expect(await pushAs(fixture.server.url, ADMIN, 'tickets', [{ assumedMasterState: before, newDocumentState: after }])).toEqual([]);
      await until('the server change in the replica', async () => (await local.db.tickets.findOne('t-0011').exec())?.priority === 'high');
      await sync.awaitInSync();
      expect(await replicaOf(local, 'tickets')).toEqual(await onServer('tickets'));
      expect(traffic.pushes).toHaveLength(1);
    } finally {
      await workstation.close();
    }
  }, 90_000);

  it('stores exactly what RxDB’s replication stores: the same documents and assumed server states, byte for byte but for write times', async () => {
    await seed(14);
    const deleted = (await serverDocuments(fixture.server.url, ADMIN, 'tickets')).find((document) => document.id === 't-0005')!;
    expect(await pushAs(fixture.server.url, ADMIN, 'tickets', [{ assumedMasterState: deleted, newDocumentState: { ...deleted, _deleted: true } }])).toEqual([]);
    const replicas: Record<string, Record<string, string[]>> = {};
    // One after the other: RxDB's open core opens at most 13 collections per process.
    for (const firstReplica of ['protocol', 'import'] as const) {
      const workstation = await openWorkstation(path.join(fixture.folder, firstReplica), { firstReplica, pullBatchSize: 4 });
      await workstation.sync.awaitInSync();
      const { file } = workstation.local;
      const { token } = workstation.local.db;
      await workstation.close();
      replicas[firstReplica] = storedRows(file, token);
    }
    const { protocol, import: imported } = replicas as { protocol: Record<string, string[]>; import: Record<string, string[]> };
    // Every collection and its replication's bookkeeping, with rows in them.
    expect(Object.keys(protocol).filter((table) => table.startsWith('rx:rx-replication-meta-'))).toHaveLength(8);
    expect(protocol['rx:tickets:0']).toHaveLength(14);
    expect(protocol['rx:tickets:0']!.filter((data) => data.includes('"_deleted":true'))).toHaveLength(1);
    expect(imported).toEqual(protocol);
  }, 90_000);

  it('pushes what the clerk wrote before the replica arrived, and hands a page holding a local document to RxDB', async () => {
    await seed(12);
    const folder = path.join(fixture.folder, 'admin');
    // Written offline before the first sync: one ticket of the clerk's own, and one the server
    // also holds (the same id and body, as a copy restored from a backup would be).
    const offline = await openLocalDatabase({ directory: folder, name: 'admin' });
    const at = Date.now();
    const serverCopy = (await serverDocuments(fixture.server.url, ADMIN, 'tickets')).find((document) => document.id === 't-0009')!;
    const { _deleted: _d, ...serverBody } = serverCopy;
    await offline.db.tickets.bulkInsert([ticket('t-local', at), serverBody as never]);
    await offline.close();

    const traffic = newTraffic();
    const workstation = await openWorkstation(folder, { pullBatchSize: 3, fetch: recordingFetch(traffic) });
    try {
      const { local, sync } = workstation;
      await sync.awaitInSync();
      // Tickets sort by id, and t-0009 is on the fourth page of three.
      expect((await sync.firstReplicas).tickets).toEqual({ outcome: 'local-documents', documents: 9, pages: 3 });
      expect((await sync.firstReplicas).messages).toMatchObject({ outcome: 'complete', documents: 12 });
      expect((await onServer('tickets')).map((document) => document.id)).toContain('t-local');
      expect(await replicaOf(local, 'tickets')).toEqual(await onServer('tickets'));
      expect(await replicaOf(local, 'messages')).toEqual(await onServer('messages'));
      expect(await pendingPushIds(sync.replications.tickets!.internalReplicationState!)).toEqual(new Set());
      // The mark of an unfinished import is gone: the next start is RxDB's alone.
      expect(await sync.replications.tickets!.metaInstance!.findDocumentsById(['first|1'], false)).toEqual([]);
    } finally {
      await workstation.close();
    }
  }, 90_000);

  it('stopped midway, resumes from the last page written: nothing pulled twice, nothing lost', async () => {
    await seed(30);
    const folder = path.join(fixture.folder, 'admin');
    const first = newTraffic();
    // The fourth page of tickets never comes: the workstation is shut down while waiting.
    const stalled = await openWorkstation(folder, {
      pullBatchSize: 5,
      fetch: recordingFetch(first, (url) => url.includes('/tickets/pull') && (first.pulled.get('tickets') ?? 0) >= 15),
    });
    await until('three pages of tickets and every message', async () => (await stalled.local.db.tickets.count().exec()) === 15 && (await stalled.local.db.messages.count().exec()) === 30);
    // Long enough for a fourth page to be written, were it not held.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stalled.close();

    const check = await openLocalDatabase({ directory: folder, name: 'admin' });
    const held = await check.db.tickets.count().exec();
    await check.close();
    // Three pages pulled; the third written while the fourth was asked for.
    expect(held).toBe(15);

    const second = newTraffic();
    const workstation = await openWorkstation(folder, { pullBatchSize: 5, fetch: recordingFetch(second) });
    try {
      await workstation.sync.awaitInSync();
      // Tickets resume the import; messages, complete before the stop, are RxDB's from now on.
      expect(await workstation.sync.firstReplicas).toMatchObject({ tickets: { outcome: 'complete', documents: 15 }, messages: { outcome: 'not-first', documents: 0 } });
      expect(await replicaOf(workstation.local, 'tickets')).toEqual(await onServer('tickets'));
      expect(await replicaOf(workstation.local, 'messages')).toEqual(await onServer('messages'));
      expect(second.pulled.get('tickets')).toBe(30 - held);
      expect(second.pushes).toEqual([]);
      expect(await pendingPushIds(workstation.sync.replications.tickets!.internalReplicationState!)).toEqual(new Set());
    } finally {
      await workstation.close();
    }
  }, 90_000);

  it('hands the rest to RxDB at once when the server fails to answer a page, and the clerk’s changes still go through', async () => {
    await seed(20);
    const traffic = newTraffic();
    let failures = 0;
    const failing: StartSyncOptions['fetch'] = async (input, init) => {
      // The third page of tickets, once: the server's answer is lost.
      if (input.includes('/tickets/pull') && (traffic.pulled.get('tickets') ?? 0) === 10 && failures++ === 0) throw new TypeError('fetch failed');
      return recordingFetch(traffic)!(input, init);
    };
    const workstation = await openWorkstation(path.join(fixture.folder, 'admin'), { pullBatchSize: 5, fetch: failing });
    try {
      const { local, sync } = workstation;
      await sync.awaitInSync();
      expect(failures).toBeGreaterThan(0);
      expect((await sync.firstReplicas).tickets).toBeUndefined();
      expect(await replicaOf(local, 'tickets')).toEqual(await onServer('tickets'));
      expect(traffic.pulled.get('tickets')).toBe(20);
      // A clerk's change counts as waiting at once (RxDB's replication runs) and goes through.
      await local.db.tickets.insert(ticket('t-clerk', Date.now()));
      await until('the clerk ticket on the server', async () => (await onServer('tickets')).some((document) => document.id === 't-clerk'));
      expect(traffic.pushes.map((push) => push.answer)).toEqual([[]]);
    } finally {
      await workstation.close();
    }
  }, 90_000);

  it('stopped while pages fetched ahead wait for their transaction and the next is in flight, writes nothing more and resumes from what it wrote', async () => {
    await seed(30);
    const folder = path.join(fixture.folder, 'admin');
    const first = newTraffic();
    let held!: () => void;
    const nextPageHeld = new Promise<void>((resolve) => (held = resolve));
    // Two pages of tickets arrive; the third is asked for at once and never answered.
    const stalled = await openWorkstation(folder, {
      pullBatchSize: 3,
      fetch: recordingFetch(first, (url) => {
        const hold = url.includes('/tickets/pull') && (first.pulled.get('tickets') ?? 0) >= 6;
        if (hold) held();
        return hold;
      }),
    });
    await nextPageHeld;
    // The pages wait for more (up to ten a transaction, a second for each): nothing written yet.
    const atStop = ticketRows(stalled.local.file);
    await stalled.close();
    expect(first.pulled.get('tickets')).toBe(6);
    expect(atStop).toBe(0);
    // Nothing was written after the stop, neither the pages that had arrived nor the one in flight.
    expect(ticketRows(stalled.local.file)).toBe(atStop);

    const second = newTraffic();
    const workstation = await openWorkstation(folder, { pullBatchSize: 3, fetch: recordingFetch(second) });
    try {
      await workstation.sync.awaitInSync();
      expect(await replicaOf(workstation.local, 'tickets')).toEqual(await onServer('tickets'));
      // The checkpoint had not moved past what was written: the rest pulled once.
      expect(second.pulled.get('tickets')).toBe(30 - atStop);
      expect(await pendingPushIds(workstation.sync.replications.tickets!.internalReplicationState!)).toEqual(new Set());
    } finally {
      await workstation.close();
    }
  }, 90_000);

  it('keeps the pages fetched ahead when the server dies before the next one, and carries on from them once it is back', async () => {
    await seed(30);
    const traffic = newTraffic();
    let held!: () => void;
    const nextPageHeld = new Promise<void>((resolve) => (held = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding = true;
    const dying: StartSyncOptions['fetch'] = async (input, init) => {
      // The fifth page of tickets is asked for while four wait for their transaction; it reaches
      // the server only after the server has died.
      if (holding && input.includes('/tickets/pull') && (traffic.pulled.get('tickets') ?? 0) >= 12) {
        holding = false;
        held();
        await released;
      }
      return recordingFetch(traffic)!(input, init);
    };
    const workstation = await openWorkstation(path.join(fixture.folder, 'admin'), { pullBatchSize: 3, fetch: dying });
    try {
      const { local, sync } = workstation;
      await nextPageHeld;
      await fixture.server.kill();
      release();
      // The four pages are written (the import hands over to RxDB's replication, which waits
      // for the server): nothing fetched is lost.
      await until('the pages fetched before the server died', async () => (await local.db.tickets.count().exec()) === 12);
      expect(traffic.pulled.get('tickets')).toBe(12);
      await fixture.server.restart();
      await sync.awaitInSync();
      expect(await replicaOf(local, 'tickets')).toEqual(await onServer('tickets'));
      expect(await replicaOf(local, 'messages')).toEqual(await onServer('messages'));
      // Each document crossed the wire once: RxDB's replication went on from their checkpoint.
      expect(traffic.pulled.get('tickets')).toBe(30);
      expect(traffic.pulled.get('messages')).toBe(30);
      expect(traffic.pushes).toEqual([]);
    } finally {
      await workstation.close();
    }
  }, 90_000);

  it('killed with SIGKILL during the import, the next start completes it with nothing lost or doubled', async () => {
    await seed(150);
    const before = { tickets: await onServer('tickets'), messages: await onServer('messages') };
    const dataDir = path.join(fixture.folder, 'ana');
    const options = { dataDir, serverUrl: fixture.server.url, ...ADMIN, ...fastRetries, pullBatchSize: 1 };
    const doomed = await startWorkstation(options);
    let seen = 0;
    await until('the import under way', async () => (seen = (await doomed.dump('tickets')).length) >= 20);
    doomed.kill();
    expect(seen).toBeLessThan(150);

    const workstation = await startWorkstation(options);
    fixture.workstations.push(workstation);
    const status = await workstation.awaitInSync(60_000);
    expect(await workstation.dump('tickets')).toEqual(before.tickets);
    expect(await workstation.dump('messages')).toEqual(before.messages);
    expect(status.pendingPushes).toBe(0);
    // Nothing was pushed back: the server holds exactly what it held.
    expect(await onServer('tickets')).toEqual(before.tickets);
  }, 120_000);
});
