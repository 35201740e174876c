/** Shared by the store's tests: a temporary folder, a small filled schema, write rows. */
import { createOwnedFolder, kindOfPrefix } from '../../../test-support/owned-folder';
import {
  fillWithDefaultSettings,
  normalizeMangoQuery,
  prepareQuery,
  type BulkWriteRow,
  type MangoQuery,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorageInstance,
} from 'rxdb';
import { now } from 'rxdb/plugins/utils';
import { getRxStorageSqlite, type SqliteStorageSettings } from '../index';

export type Case = {
  id: string;
  status: string;
  departmentId: string;
  updatedAt: number;
  subject: string;
};

export const caseSchema: RxJsonSchema<RxDocumentData<Case>> = fillWithDefaultSettings<Case>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    status: { type: 'string', maxLength: 12 },
    departmentId: { type: 'string', maxLength: 40 },
    updatedAt: { type: 'integer', minimum: 0, maximum: 8_640_000_000_000_000, multipleOf: 1 },
    subject: { type: 'string' },
  },
  required: ['id', 'status', 'departmentId', 'updatedAt', 'subject'],
  indexes: [['status', 'departmentId', 'updatedAt'], ['updatedAt']],
});

/** A temporary folder, removed by `remove()` or, if the test process dies first, by the next run (test-support/owned-folder.ts). */
export function temporaryFolder(prefix = 'ventanilla-store-'): { folder: string; remove: () => void } {
  const owned = createOwnedFolder(kindOfPrefix(prefix));
  return { folder: owned.path, remove: () => owned.remove() };
}

export async function openCases(directory: string, databaseName = 'clerk', settings: Partial<SqliteStorageSettings> = {}) {
  const storage = getRxStorageSqlite({ directory, ...settings });
  const instance = await storage.createStorageInstance<Case>({
    databaseInstanceToken: 'token-' + databaseName,
    databaseName,
    collectionName: 'cases',
    schema: caseSchema,
    options: {},
    multiInstance: false,
    devMode: false,
  });
  return { storage, instance };
}

let revCounter = 0;

/** A document as RxDB hands it to a storage: meta fields filled, a fresh revision. */
export function caseDoc(fields: Partial<Case> & { id: string }, previous?: RxDocumentData<Case>, lwt = now()): RxDocumentData<Case> {
  const height = previous ? Number(previous._rev.split('-')[0]) + 1 : 1;
  return {
    status: 'open',
    departmentId: 'urbanismo',
    updatedAt: 1_700_000_000_000,
    subject: 'Licencia de obra menor',
    ...fields,
    _deleted: false,
    _rev: `${height}-rev${++revCounter}`,
    _meta: { lwt },
    _attachments: {},
  };
}

export function insertRows(docs: RxDocumentData<Case>[]): BulkWriteRow<Case>[] {
  return docs.map((document) => ({ document }));
}

export function preparedCaseQuery(query: MangoQuery<Case>) {
  return prepareQuery<RxDocumentData<Case>>(caseSchema, normalizeMangoQuery(caseSchema, query as MangoQuery<RxDocumentData<Case>>));
}

export async function ids(instance: RxStorageInstance<Case, unknown, unknown>, query: MangoQuery<Case>): Promise<string[]> {
  const result = await instance.query(preparedCaseQuery(query));
  return result.documents.map((doc) => doc.id);
}
