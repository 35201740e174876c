import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addRxPlugin, createRxDatabase, type RxDatabase } from 'rxdb';
import { RxDBDevModePlugin, disableWarnings } from 'rxdb/plugins/dev-mode';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { collections, NO_DUE_DATE, type Collections, type Message, type Ticket } from '../../core/schemas';
import { getRxStorageSqlite, OPEN_SQLITE_INSTANCES } from './index';
import { openLocalDatabase, type LocalDatabase } from './local-database';
import { SNIPPET_MARK } from './search-index';
import { temporaryFolder } from './test-support/storage-fixtures';

const T0 = Date.UTC(2026, 10, 2, 9, 0);

function ticket(id: string, subject: string, overrides: Partial<Ticket> = {}): Ticket {
  return {
    id, reference: `2026-${id}`, subject, status: 'new', priority: 'normal', channel: 'email',
    departmentId: 'urbanismo', assigneeId: '', citizenId: 'cit-1',
    createdAt: T0, updatedAt: T0, lastActivityAt: T0, dueAt: NO_DUE_DATE, tags: [], ...overrides,
  };
}

function message(id: string, ticketId: string, text: string): Message {
  return { id, kind: 'email_in', ticketId, citizenId: 'cit-1', text, attachments: [], createdAt: T0, auto: false };
}

let tmp: ReturnType<typeof temporaryFolder>;
let local: LocalDatabase | undefined;
beforeEach(() => {
  tmp = temporaryFolder('ventanilla-local-');
});
afterEach(async () => {
  await local?.close();
  local = undefined;
  for (const open of [...OPEN_SQLITE_INSTANCES]) await open.close();
  tmp.remove();
});

describe('the local database', () => {
  it('opens every collection of the council on SQLite and keeps the data across restarts', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    expect(Object.keys(local.db.collections).sort()).toEqual(Object.keys(collections).sort());
    await local.db.tickets.insert(ticket('t1', 'Licencia de obra menor'));
    await local.close();

    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    expect((await local.db.tickets.findOne('t1').exec())?.subject).toBe('Licencia de obra menor');
  });

  it('refuses a document that breaks its schema with a clear error, and stores nothing of it', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    const broken = { ...ticket('t1', 'Vado permanente'), status: 'lost-in-the-mail' } as unknown as Ticket;
    await expect(local.db.tickets.insert(broken)).rejects.toMatchObject({ code: 'VD2' });
    expect(await local.db.tickets.count().exec()).toBe(0);
  });

  it('refuses a query RxDB cannot run, and keeps answering the next one', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    await local.db.tickets.insert(ticket('t1', 'Vado permanente'));
    await expect(local.db.tickets.find({ selector: { status: { $nonsense: 1 } } as never }).exec()).rejects.toThrow();
    expect(await local.db.tickets.count({ selector: { status: 'new' } }).exec()).toBe(1);
  });
});

describe('two RxDatabases on one file in one process', () => {
  it('see each other’s writes as they happen', async () => {
    disableWarnings();
    addRxPlugin(RxDBDevModePlugin);
    const open = () =>
      createRxDatabase<Collections>({
        name: 'shared',
        storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlite({ directory: tmp.folder }) }),
        multiInstance: false,
        ignoreDuplicate: true,
      });
    const service: RxDatabase<Collections> = await open();
    const screen: RxDatabase<Collections> = await open();
    try {
      await service.addCollections({ tickets: collections.tickets });
      await screen.addCollections({ tickets: collections.tickets });
      const counts: number[] = [];
      const seen = new Promise<void>((resolve) => {
        const sub = screen.tickets.count({ selector: { status: 'new' } }).$.subscribe((n) => {
          counts.push(n);
          if (n === 2) {
            sub.unsubscribe();
            resolve();
          }
        });
      });
      await service.tickets.bulkInsert([ticket('t1', 'Uno'), ticket('t2', 'Dos')]);
      await seen;
      expect(counts.at(-1)).toBe(2);
      expect((await screen.tickets.findOne('t2').exec())?.subject).toBe('Dos');
    } finally {
      await screen.close();
      await service.close();
    }
  });
});

describe('full-text search', () => {
  const strip = (snippet: string) => snippet.replaceAll(SNIPPET_MARK.start, '[').replaceAll(SNIPPET_MARK.end, ']');

  it('finds Spanish words without accents, in other forms, and by prefix, in subjects and message texts', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    await local.db.tickets.bulkInsert([
      ticket('t1', 'Trámite de licencia de obra menor'),
      ticket('t2', 'Solicitud de vado permanente'),
      ticket('t3', 'Queja por ruido nocturno'),
    ]);
    await local.db.messages.insert(message('m1', 't3', 'El bar de la calle Peñalver tiene música hasta las tres.'));
    await local.searchCaughtUp();

    expect(local.search('tramite').map((h) => h.ticketId)).toEqual(['t1']);
    expect(local.search('LICENCIAS').map((h) => h.ticketId)).toEqual(['t1']);
    expect(local.search('solicitudes vado').map((h) => h.ticketId)).toEqual(['t2']);
    expect(local.search('penalver').map((h) => h.ticketId)).toEqual(['t3']);
    expect(local.search('musi')).toMatchObject([{ ticketId: 't3', source: 'message', documentId: 'm1' }]);
    expect(strip(local.search('peñalver')[0]!.snippet)).toContain('[Peñalver]');
    expect(local.search('"obra mayor"')).toEqual([]);
    expect(local.search('"obra menor"').map((h) => h.ticketId)).toEqual(['t1']);
    expect(local.search('  "  ')).toEqual([]);
  });

  it('gives each hit the snippet of its own ticket when many tickets match', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    const streets = ['Mayor', 'Ancha', 'Real', 'Nueva', 'del Sol', 'de la Vega', 'Portugal', 'Castilla'];
    await local.db.tickets.bulkInsert(streets.map((street, i) => ticket(`t${i}`, `Licencia de obra en calle ${street}`)));
    await local.searchCaughtUp();
    const hits = local.search('licencia obra', { limit: 20 });
    expect(hits).toHaveLength(streets.length);
    for (const hit of hits) {
      const street = streets[Number(hit.ticketId.slice(1))]!;
      expect(strip(hit.snippet)).toBe(`[Licencia] de [obra] en calle ${street}`);
    }
  });

  it('ranks a ticket whose subject matches above one that only mentions the word in passing', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    await local.db.tickets.bulkInsert([ticket('t1', 'Consulta general'), ticket('t2', 'Empadronamiento de menor')]);
    await local.db.messages.insert(
      message('m1', 't1', 'Buenos días, quería preguntar varias cosas sobre tasas, basuras, el mercado y de paso el empadronamiento de mi hija.'),
    );
    await local.searchCaughtUp();
    expect(local.search('empadronamiento').map((h) => h.ticketId)).toEqual(['t2', 't1']);
  });

  it('follows edits and deletions, and catches up on what was written while it was closed', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    const doc = await local.db.tickets.insert(ticket('t1', 'Bonificación del IBI'));
    await local.searchCaughtUp();
    await doc.incrementalPatch({ subject: 'Fraccionamiento del IBI' });
    await local.searchCaughtUp();
    expect(local.search('bonificacion')).toEqual([]);
    expect(local.search('fraccionamiento').map((h) => h.ticketId)).toEqual(['t1']);
    await (await local.db.tickets.findOne('t1').exec())!.remove();
    await local.searchCaughtUp();
    expect(local.search('ibi')).toEqual([]);
    await local.close();

    // Written by a process that had no search index open.
    const plain = await createRxDatabase<Collections>({
      name: 'ana',
      storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlite({ directory: tmp.folder }) }),
      multiInstance: false,
    });
    await plain.addCollections(collections);
    await plain.tickets.insert(ticket('t2', 'Ayuda a domicilio'));
    await plain.close();

    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    // Opening does not wait for the index to catch up: a test that needs every change searchable asks.
    await local.searchCaughtUp();
    expect(local.search('domicilio').map((h) => h.ticketId)).toEqual(['t2']);
  });

  it('rebuilds a damaged search index from the database', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    await local.db.tickets.insert(ticket('t1', 'Recogida de enseres'));
    await local.close();
    writeFileSync(local.file.replace(/\.sqlite$/, '.search.sqlite'), 'no soy un índice');

    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    await local.searchCaughtUp();
    expect(local.search('enseres').map((h) => h.ticketId)).toEqual(['t1']);
  });
});
