import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { take, toArray } from 'rxjs/operators';
import { fillWithDefaultSettings, type MangoQuery, type MangoQuerySelector, type RxDocumentData, type RxStorageDefaultCheckpoint } from 'rxdb';
import { createBlob } from 'rxdb/plugins/utils';
import { getRxStorageSqlite, OPEN_SQLITE_INSTANCES } from './index';
import { caseDoc, caseSchema, ids, insertRows, openCases, preparedCaseQuery, temporaryFolder, type Case } from './test-support/storage-fixtures';

let tmp: ReturnType<typeof temporaryFolder>;
beforeEach(() => {
  tmp = temporaryFolder();
});
afterEach(async () => {
  for (const open of [...OPEN_SQLITE_INSTANCES]) await open.close();
  tmp.remove();
});

describe('bulkWrite and findDocumentsById', () => {
  it('stores documents exactly as written and finds them by id, deleted ones only when asked', async () => {
    const { instance } = await openCases(tmp.folder);
    const kept = caseDoc({ id: 'a', subject: 'Empadronamiento 🏠 en C/ Mayor «1»' });
    const gone = { ...caseDoc({ id: 'b' }), _deleted: true };
    expect((await instance.bulkWrite(insertRows([kept, gone]), 'test')).error).toEqual([]);

    expect(await instance.findDocumentsById(['a', 'b', 'missing'], false)).toEqual([kept]);
    const withDeleted = await instance.findDocumentsById(['a', 'b'], true);
    expect(withDeleted.sort((x, y) => x.id.localeCompare(y.id))).toEqual([kept, gone]);
  });

  it('answers a write on a stale revision with a 409 conflict carrying the stored document, and keeps the stored one', async () => {
    const { instance } = await openCases(tmp.folder);
    const first = caseDoc({ id: 'a', status: 'open' });
    await instance.bulkWrite(insertRows([first]), 'test');
    const second = caseDoc({ id: 'a', status: 'pending' }, first);
    expect((await instance.bulkWrite([{ previous: first, document: second }], 'test')).error).toEqual([]);

    const stale = caseDoc({ id: 'a', status: 'closed' }, first);
    const { error } = await instance.bulkWrite([{ previous: first, document: stale }], 'test');
    expect(error).toHaveLength(1);
    expect(error[0]).toMatchObject({ status: 409, documentId: 'a', documentInDb: second });

    const blindInsert = await instance.bulkWrite(insertRows([caseDoc({ id: 'a' })]), 'test');
    expect(blindInsert.error[0]).toMatchObject({ status: 409, documentInDb: second });
    expect(await instance.findDocumentsById(['a'], false)).toEqual([second]);
  });

  it('writes the rows without conflict even when others in the same call conflict', async () => {
    const { instance } = await openCases(tmp.folder);
    const a = caseDoc({ id: 'a' });
    await instance.bulkWrite(insertRows([a]), 'test');
    const { error } = await instance.bulkWrite(insertRows([caseDoc({ id: 'a' }), caseDoc({ id: 'b' })]), 'test');
    expect(error.map((e) => e.documentId)).toEqual(['a']);
    expect((await instance.findDocumentsById(['b'], false)).map((d) => d.id)).toEqual(['b']);
  });
});

describe('query and count', () => {
  async function seed() {
    const { instance } = await openCases(tmp.folder);
    const docs = [
      caseDoc({ id: 'c1', status: 'open', departmentId: 'urbanismo', updatedAt: 30 }),
      caseDoc({ id: 'c2', status: 'open', departmentId: 'urbanismo', updatedAt: 10 }),
      caseDoc({ id: 'c3', status: 'open', departmentId: 'padron', updatedAt: 20 }),
      caseDoc({ id: 'c4', status: 'closed', departmentId: 'urbanismo', updatedAt: 40 }),
      caseDoc({ id: 'c5', status: 'open', departmentId: 'urbanismo', updatedAt: 10 }),
      { ...caseDoc({ id: 'c6', status: 'open', departmentId: 'urbanismo', updatedAt: 5 }), _deleted: true },
    ];
    await instance.bulkWrite(insertRows(docs), 'test');
    return instance;
  }

  it('returns an inbox page from the index range, in index order, without deleted documents', async () => {
    const instance = await seed();
    const inbox: MangoQuery<Case> = { selector: { _deleted: false, status: 'open', departmentId: 'urbanismo' } as MangoQuerySelector<Case>, sort: [{ updatedAt: 'asc' }] };
    expect(preparedCaseQuery(inbox).queryPlan).toMatchObject({ selectorSatisfiedByIndex: true, sortSatisfiedByIndex: true });
    expect(await ids(instance, inbox)).toEqual(['c2', 'c5', 'c1']);
    expect(await ids(instance, { ...inbox, skip: 1, limit: 1 })).toEqual(['c5']);
    expect((await instance.count(preparedCaseQuery(inbox))).count).toBe(3);
  });

  it('sorts descending and filters what the index cannot answer in JavaScript, with the same results', async () => {
    const instance = await seed();
    const query: MangoQuery<Case> = {
      selector: { _deleted: false, status: 'open', subject: { $regex: '^Licencia' }, updatedAt: { $gte: 10 } } as MangoQuerySelector<Case>,
      sort: [{ updatedAt: 'desc' }],
    };
    expect(preparedCaseQuery(query).queryPlan.selectorSatisfiedByIndex).toBe(false);
    expect(await ids(instance, query)).toEqual(['c1', 'c3', 'c2', 'c5']);
    expect(await ids(instance, { ...query, limit: 2 })).toEqual(['c1', 'c3']);
    expect((await instance.count(preparedCaseQuery(query))).count).toBe(4);
  });

  it('pages newest first with ties in id order, as RxDB sorts them', async () => {
    const instance = await seed();
    const newest: MangoQuery<Case> = {
      selector: { _deleted: false, status: 'open', departmentId: 'urbanismo' } as MangoQuerySelector<Case>,
      sort: [{ updatedAt: 'desc' }],
    };
    expect(preparedCaseQuery(newest).queryPlan.sortSatisfiedByIndex).toBe(false);
    expect(await ids(instance, { ...newest, limit: 2 })).toEqual(['c1', 'c2']);
    expect(await ids(instance, { ...newest, skip: 1, limit: 2 })).toEqual(['c2', 'c5']);
    expect(await ids(instance, { ...newest, sort: [{ updatedAt: 'desc' }, { id: 'desc' }], limit: 2 })).toEqual(['c1', 'c5']);
    expect(await ids(instance, newest)).toEqual(['c1', 'c2', 'c5']);
  });

  it('pages newest first over several statuses at once, merging one backward run per status', async () => {
    const instance = await seed();
    const active: MangoQuery<Case> = {
      selector: { _deleted: false, status: { $in: ['open', 'closed'] }, departmentId: 'urbanismo' } as MangoQuerySelector<Case>,
      sort: [{ updatedAt: 'desc' }],
      index: ['_deleted', 'status', 'departmentId', 'updatedAt', 'id'],
    };
    expect(await ids(instance, { ...active, limit: 2 })).toEqual(['c4', 'c1']);
    expect(await ids(instance, { ...active, skip: 2, limit: 2 })).toEqual(['c2', 'c5']);
    expect(await ids(instance, active)).toEqual(['c4', 'c1', 'c2', 'c5']);
  });

  it('finds deleted documents when the selector asks for them', async () => {
    const instance = await seed();
    expect(await ids(instance, { selector: { _deleted: true } as MangoQuerySelector<Case> })).toEqual(['c6']);
  });

  it('scans an SQLite index for every schema index, never the whole table', async () => {
    const { instance } = await openCases(tmp.folder);
    const db = instance.internals.connection.db;
    const table = instance.internals.table;
    const columns = db.prepare(`SELECT name FROM pragma_table_info(?) WHERE name LIKE 'ix_%'`).pluck().all(table) as string[];
    expect(columns).toHaveLength(caseSchema.indexes!.length);
    for (const column of columns) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT data FROM "${table}" WHERE ${column} >= ? AND ${column} <= ? ORDER BY ${column}`).all(Buffer.alloc(0), Buffer.alloc(0)) as { detail: string }[];
      expect(plan.map((row) => row.detail).join(' ')).toMatch(/USING INDEX/);
    }
  });
});

describe('getChangedDocumentsSince', () => {
  it('pages through documents that share a timestamp, each exactly once, in (lwt, id) order', async () => {
    const { instance } = await openCases(tmp.folder);
    const lwt = 1_700_000_000_000;
    const docs = ['m', 'a', 'ñ', 'z', '😀', 'b', 'A', 'é'].map((id) => caseDoc({ id }, undefined, lwt));
    docs.push(caseDoc({ id: 'later' }, undefined, lwt + 1));
    await instance.bulkWrite(insertRows(docs), 'test');

    const seen: string[] = [];
    let checkpoint: RxStorageDefaultCheckpoint | undefined;
    for (;;) {
      const page = await instance.getChangedDocumentsSince!(3, checkpoint);
      seen.push(...page.documents.map((d) => d.id));
      checkpoint = page.checkpoint;
      if (page.documents.length < 3) break;
    }
    const sameTime = ['m', 'a', 'ñ', 'z', '😀', 'b', 'A', 'é'].sort();
    expect(seen).toEqual([...sameTime, 'later']);
    expect(checkpoint).toEqual({ id: 'later', lwt: lwt + 1 });
  });

  it('returns an updated document once, at its new position', async () => {
    const { instance } = await openCases(tmp.folder);
    const a = caseDoc({ id: 'a' }, undefined, 1000);
    await instance.bulkWrite(insertRows([a, caseDoc({ id: 'b' }, undefined, 2000)]), 'test');
    await instance.bulkWrite([{ previous: a, document: caseDoc({ id: 'a', status: 'closed' }, a, 3000) }], 'test');
    const all = await instance.getChangedDocumentsSince!(10);
    expect(all.documents.map((d) => [d.id, d.status])).toEqual([['b', 'open'], ['a', 'closed']]);
    expect((await instance.getChangedDocumentsSince!(10, { id: 'b', lwt: 2000 })).documents.map((d) => d.id)).toEqual(['a']);
  });
});

describe('changeStream', () => {
  it('emits each committed write once, with its checkpoint, to every instance of the same file', async () => {
    const { instance } = await openCases(tmp.folder);
    const { instance: other } = await openCases(tmp.folder);
    const heard = firstValueFrom(other.changeStream().pipe(take(2), toArray()));
    const a = caseDoc({ id: 'a' });
    await instance.bulkWrite(insertRows([a]), 'first');
    await instance.bulkWrite([{ previous: a, document: { ...caseDoc({ id: 'a' }, a), _deleted: true } }], 'second');
    const [inserted, deleted] = await heard;
    expect(inserted!.context).toBe('first');
    expect(inserted!.events.map((e) => [e.operation, e.documentId])).toEqual([['INSERT', 'a']]);
    expect(inserted!.checkpoint).toEqual({ id: 'a', lwt: a._meta.lwt });
    expect(deleted!.events.map((e) => e.operation)).toEqual(['DELETE']);
  });

  it('emits nothing for a write that only conflicted', async () => {
    const { instance } = await openCases(tmp.folder);
    await instance.bulkWrite(insertRows([caseDoc({ id: 'a' })]), 'test');
    const events: unknown[] = [];
    const sub = instance.changeStream().subscribe((bulk) => events.push(bulk));
    await instance.bulkWrite(insertRows([caseDoc({ id: 'a' })]), 'test');
    sub.unsubscribe();
    expect(events).toEqual([]);
  });
});

describe('cleanup', () => {
  it('purges only deleted documents older than the given age, and says when more remain', async () => {
    const { instance } = await openCases(tmp.folder);
    const old = Date.now() - 60_000;
    const docs: RxDocumentData<Case>[] = [];
    for (let i = 0; i < 2_100; i++) docs.push({ ...caseDoc({ id: `old-${i}` }, undefined, old), _deleted: true });
    docs.push({ ...caseDoc({ id: 'recent' }), _deleted: true }, caseDoc({ id: 'alive' }, undefined, old));
    await instance.bulkWrite(insertRows(docs), 'test');

    expect(await instance.cleanup(30_000)).toBe(false);
    expect(await instance.cleanup(30_000)).toBe(true);
    const left = await instance.findDocumentsById(['old-0', 'old-2099', 'recent', 'alive'], true);
    expect(left.map((d) => d.id).sort()).toEqual(['alive', 'recent']);
  });
});

describe('attachments', () => {
  it('stores attachment data beside the document, returns it by digest, and drops it with the document', async () => {
    const schema = fillWithDefaultSettings<Case>({ ...caseSchema, indexes: [], attachments: {} } as never);
    const storage = getRxStorageSqlite({ directory: tmp.folder });
    const instance = await storage.createStorageInstance<Case>({
      databaseInstanceToken: 't', databaseName: 'clerk', collectionName: 'withfiles', schema, options: {}, multiInstance: false, devMode: false,
    });
    const data = createBlob('solicitud firmada', 'text/plain');
    const doc = { ...caseDoc({ id: 'a' }), _attachments: { 'solicitud.txt': { length: 17, type: 'text/plain', digest: 'md5-x', data } } };
    expect((await instance.bulkWrite([{ document: doc as never }], 'test')).error).toEqual([]);

    const stored = (await instance.findDocumentsById(['a'], false))[0]!;
    expect(stored._attachments).toEqual({ 'solicitud.txt': { length: 17, type: 'text/plain', digest: 'md5-x' } });
    const blob = await instance.getAttachmentData('a', 'solicitud.txt', 'md5-x');
    expect(await blob.text()).toBe('solicitud firmada');
    expect(blob.type).toBe('text/plain');
    await expect(instance.getAttachmentData('a', 'solicitud.txt', 'md5-other')).rejects.toThrow(/does not exist/);

    const deleted = { ...caseDoc({ id: 'a' }, stored), _deleted: true, _attachments: {} };
    await instance.bulkWrite([{ previous: stored, document: deleted }], 'test');
    await expect(instance.getAttachmentData('a', 'solicitud.txt', 'md5-x')).rejects.toThrow(/does not exist/);
  });
});

describe('files', () => {
  it('keeps every document across close and reopen', async () => {
    const first = await openCases(tmp.folder);
    const docs = Array.from({ length: 50 }, (_, i) => caseDoc({ id: `c${i}`, updatedAt: i }));
    await first.instance.bulkWrite(insertRows(docs), 'test');
    await first.instance.close();

    const again = await openCases(tmp.folder);
    expect(await ids(again.instance, { selector: {}, sort: [{ updatedAt: 'desc' }], limit: 3 })).toEqual(['c49', 'c48', 'c47']);
    expect((await again.instance.findDocumentsById(['c7'], false))[0]).toEqual(docs[7]);
  });

  it('builds a newly added index over the documents already stored', async () => {
    const first = await openCases(tmp.folder);
    await first.instance.bulkWrite(insertRows([caseDoc({ id: 'x', subject: 'b' }), caseDoc({ id: 'y', subject: 'a' })]), 'test');
    await first.instance.close();

    const withSubjectIndex = fillWithDefaultSettings<Case>({
      ...caseSchema,
      properties: { ...caseSchema.properties, subject: { type: 'string', maxLength: 100 } },
      indexes: [['subject']],
    } as never);
    const storage = getRxStorageSqlite({ directory: tmp.folder });
    const instance = await storage.createStorageInstance<Case>({
      databaseInstanceToken: 't', databaseName: 'clerk', collectionName: 'cases', schema: withSubjectIndex, options: {}, multiInstance: false, devMode: false,
    });
    const result = await instance.query(preparedCaseQuery({ selector: {}, sort: [{ subject: 'asc' }], index: ['_deleted', 'subject', 'id'] } as never));
    expect(result.documents.map((d) => d.id)).toEqual(['y', 'x']);
  });

  it('puts each database in its own file and deletes the file when its last collection is removed', async () => {
    const storage = getRxStorageSqlite({ directory: tmp.folder });
    const { instance } = await openCases(tmp.folder, 'ayto/../escape');
    const file = storage.fileOf('ayto/../escape');
    expect(file.startsWith(tmp.folder)).toBe(true);
    expect(existsSync(file)).toBe(true);
    await instance.remove();
    expect(existsSync(file)).toBe(false);
  });
});
