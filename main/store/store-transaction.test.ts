import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBulk } from 'rxdb';
import { getRxStorageSqlite, OPEN_SQLITE_INSTANCES } from './index';
import { writeInOneTransaction } from './store-transaction';
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
});
