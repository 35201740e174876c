import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBulk } from 'rxdb';
import { getRxStorageSqlite, OPEN_SQLITE_INSTANCES } from './index';
import { holdBulkImportSettings, writeInOneTransaction } from './store-transaction';
import { caseDoc, caseSchema, insertRows, openCases, temporaryFolder, type Case } from './test-support/storage-fixtures';

let tmp: ReturnType<typeof temporaryFolder>;
beforeEach(() => {
  tmp = temporaryFolder();
});
afterEach(async () => {
  for (const open of [...OPEN_SQLITE_INSTANCES]) await open.close();
  tmp.remove();
});

/** A second collection of the same database file. */
async function openNotes(directory: string, databaseName = 'clerk') {
  return getRxStorageSqlite({ directory }).createStorageInstance<Case>({
    databaseInstanceToken: 'token-' + databaseName,
    databaseName,
    collectionName: 'notes',
    schema: caseSchema,
    options: {},
    multiInstance: false,
    devMode: false,
  });
}

describe('writeInOneTransaction', () => {
  it('writes to two collections of one file together, and announces both writes only after the commit', async () => {
    const { instance: cases } = await openCases(tmp.folder);
    const notes = await openNotes(tmp.folder);
    const announced: string[] = [];
    const seen = (name: string) => (bulk: EventBulk<unknown, unknown>) => announced.push(`${name}:${bulk.events.length}`);
    const subscriptions = [cases.changeStream().subscribe(seen('cases')), notes.changeStream().subscribe(seen('notes'))];

    const result = writeInOneTransaction([cases, notes], (transaction) => {
      const first = transaction.bulkWrite(cases, insertRows([caseDoc({ id: 'a' }), caseDoc({ id: 'b' })]), 'test');
      const second = transaction.bulkWrite(notes, insertRows([caseDoc({ id: 'n' })]), 'test');
      // Inside the transaction: written, readable, not yet announced.
      expect([...transaction.storedByIds(cases, ['a', 'b', 'x']).keys()].sort()).toEqual(['a', 'b']);
      expect(announced).toEqual([]);
      return [first, second];
    });

    expect(result.map((response) => response.error)).toEqual([[], []]);
    expect(announced).toEqual(['cases:2', 'notes:1']);
    expect((await cases.findDocumentsById(['a', 'b'], false)).map((doc) => doc.id).sort()).toEqual(['a', 'b']);
    expect((await notes.findDocumentsById(['n'], false)).map((doc) => doc.id)).toEqual(['n']);
    subscriptions.forEach((subscription) => subscription.unsubscribe());
  });

  it('stores nothing of either collection and announces nothing when the work throws halfway', async () => {
    const { instance: cases } = await openCases(tmp.folder);
    const notes = await openNotes(tmp.folder);
    const announced: unknown[] = [];
    const subscription = cases.changeStream().subscribe((bulk) => announced.push(bulk));
    expect(() =>
      writeInOneTransaction([cases, notes], (transaction) => {
        transaction.bulkWrite(cases, insertRows([caseDoc({ id: 'a' })]), 'test');
        transaction.bulkWrite(notes, insertRows([caseDoc({ id: 'n' })]), 'test');
        throw new Error('the page turned out to be someone else’s');
      }),
    ).toThrow(/someone else/);
    expect(await cases.findDocumentsById(['a'], true)).toEqual([]);
    expect(await notes.findDocumentsById(['n'], true)).toEqual([]);
    expect(announced).toEqual([]);
    subscription.unsubscribe();
  });

  it('answers conflicts as bulkWrite does, and gives the checkpoint of the last document in change order', async () => {
    const { instance: cases } = await openCases(tmp.folder);
    await cases.bulkWrite(insertRows([caseDoc({ id: 'b' })]), 'test');
    const lwt = 1_800_000_000_000;
    const written = writeInOneTransaction([cases], (transaction) =>
      transaction.bulkWrite(cases, insertRows([caseDoc({ id: 'c' }, undefined, lwt), caseDoc({ id: 'b' }, undefined, lwt), caseDoc({ id: 'd' }, undefined, lwt), caseDoc({ id: 'a' }, undefined, lwt)]), 'test'),
    );
    expect(written.error.map((error) => [error.documentId, error.status])).toEqual([['b', 409]]);
    // Three documents share one lwt: the checkpoint is the last of them by id, so paging on from
    // it skips none of them.
    expect(written.checkpoint).toEqual({ id: 'd', lwt });
    const after = await cases.getChangedDocumentsSince!(10, written.checkpoint);
    expect(after.documents).toEqual([]);
  });

  it('refuses collections of another database file, and leaves the file fsync’ing every commit after a normal-durability one', async () => {
    const { instance: cases } = await openCases(tmp.folder);
    const { instance: elsewhere } = await openCases(tmp.folder, 'another-clerk');
    expect(() => writeInOneTransaction([cases, elsewhere], () => undefined)).toThrow(/several database files/);

    writeInOneTransaction([cases], (transaction) => transaction.bulkWrite(cases, insertRows([caseDoc({ id: 'a' })]), 'test'), { durability: 'normal' });
    // 2 is FULL: the setting of the file's connection, back after the transaction.
    expect(cases.internals.connection.db.pragma('synchronous', { simple: true })).toBe(2);
    expect((await cases.findDocumentsById(['a'], false)).map((doc) => doc.id)).toEqual(['a']);
  });

  it('purges documents for good: nothing deleted left behind, nothing announced, and only in the collections it was given', async () => {
    const { instance: cases } = await openCases(tmp.folder);
    const notes = await openNotes(tmp.folder);
    await cases.bulkWrite(insertRows([caseDoc({ id: 'a' }), caseDoc({ id: 'b' })]), 'test');
    const announced: unknown[] = [];
    const subscription = cases.changeStream().subscribe((bulk) => announced.push(bulk));
    writeInOneTransaction([cases], (transaction) => transaction.purge(cases, ['a', 'not-there']));
    expect(await cases.findDocumentsById(['a'], true)).toEqual([]);
    expect((await cases.findDocumentsById(['b'], true)).map((doc) => doc.id)).toEqual(['b']);
    expect(announced).toEqual([]);
    expect(() => writeInOneTransaction([cases], (transaction) => transaction.purge(notes, ['n']))).toThrow(/not named/);
    subscription.unsubscribe();
  });

  it('holds the bulk-import settings while any import runs, and gives the connection its own back after the last', async () => {
    const { instance: cases } = await openCases(tmp.folder);
    const notes = await openNotes(tmp.folder);
    const db = cases.internals.connection.db;
    const own = { cache: db.pragma('cache_size', { simple: true }), checkpoint: db.pragma('wal_autocheckpoint', { simple: true }) };
    const releaseCases = holdBulkImportSettings(cases);
    const releaseNotes = holdBulkImportSettings(notes);
    const during = { cache: db.pragma('cache_size', { simple: true }), checkpoint: db.pragma('wal_autocheckpoint', { simple: true }) };
    expect(during.cache).toBeLessThan(own.cache as number); // negative: KiB, so more memory
    expect(during.checkpoint).toBeGreaterThan(own.checkpoint as number);
    releaseCases();
    releaseCases(); // twice: counted once
    expect(db.pragma('cache_size', { simple: true })).toBe(during.cache);
    releaseNotes();
    expect({ cache: db.pragma('cache_size', { simple: true }), checkpoint: db.pragma('wal_autocheckpoint', { simple: true }) }).toEqual(own);
  });

  it('stores the JSON text the caller already made for a document as it is, instead of making it again', async () => {
    const { instance: cases } = await openCases(tmp.folder);
    const [row] = insertRows([caseDoc({ id: 'a' })]);
    // Indented, so that the stored text shows whose it is.
    const text = JSON.stringify(row!.document, null, 1);
    writeInOneTransaction([cases], (transaction) => transaction.bulkWrite(cases, [row!], 'test', new Map([[row!.document, text]])));
    const stored = cases.internals.connection.db.prepare(`SELECT data FROM "${cases.internals.table}" WHERE id = 'a'`).pluck().get();
    expect(stored).toBe(text);
    expect(await cases.findDocumentsById(['a'], false)).toEqual([row!.document]);
  });
});
