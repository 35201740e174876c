/**
 * The search index tests' set-up (search-index*.test.ts, local-database-backlog.test.ts): a
 * temporary folder, the clerk's local database in it, indexes of their own over the same
 * collections; after each test every one of them is closed and the folder removed.
 */
import Database from 'better-sqlite3';
import { createRxDatabase } from 'rxdb';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { afterEach, beforeEach } from 'vitest';
import { collections, type Collections, type Message } from '../../../core/schemas';
import { getRxStorageSqlite, OPEN_SQLITE_INSTANCES } from '../index';
import { openLocalDatabase, type LocalDatabase, type LocalDatabaseOptions } from '../local-database';
import { SearchIndex, type SearchIndexOptions } from '../search-index';
import { temporaryFolder } from './storage-fixtures';

const T0 = Date.UTC(2026, 10, 2, 9, 0);
/** The clerk whose database the tests open. */
export const CLERK = 'ana';

/** Message n of a citizen's tickets (50 of them), its text `${text} ${n}`: ids sort as they were written. */
export function numberedMessage(n: number, text: string): Message {
  return { id: `m-${String(n).padStart(5, '0')}`, kind: 'email_in', ticketId: `t-${n % 50}`, citizenId: 'cit-1', text: `${text} ${n}`, attachments: [], createdAt: T0 + n, auto: false };
}

/** What an index file holds, read the way a second process would. */
export function indexedIn(file: string): { documents: number; texts: number; checkpoint: string | undefined; rowids: Record<string, number> } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      documents: db.prepare('SELECT count(*) FROM search_docs').pluck().get() as number,
      texts: db.prepare('SELECT count(*) FROM search_fts').pluck().get() as number,
      checkpoint: db.prepare(`SELECT checkpoint FROM search_checkpoints WHERE collection = 'messages'`).pluck().get() as string | undefined,
      rowids: Object.fromEntries(db.prepare('SELECT doc_key, rowid FROM search_docs').raw().all() as [string, number][]),
    };
  } finally {
    db.close();
  }
}

/**
 * Writes messages into the clerk's database the way a process without the search index open
 * would (an older version, a service killed before its writer ran): the index's backlog.
 */
export async function writeWithoutIndex(directory: string, messages: readonly Message[]): Promise<void> {
  const plain = await createRxDatabase<Collections>({
    name: CLERK,
    storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlite({ directory, durability: 'normal' }) }),
    multiInstance: false,
  });
  try {
    await plain.addCollections(collections);
    const { error } = await plain.messages.bulkInsert([...messages]);
    if (error.length > 0) throw new Error(`${error.length} messages refused, the first: ${JSON.stringify(error[0])}`);
  } finally {
    await plain.close();
  }
}

export type SearchFixture = {
  /** This test's temporary folder. */
  readonly folder: string;
  /** Opens the clerk's database in the folder (closed after the test unless the test closes it). */
  open(options?: Partial<Omit<LocalDatabaseOptions, 'directory' | 'name'>>): Promise<LocalDatabase>;
  /** Opens an index of its own, `${name}.search.sqlite` in the folder (another file than the database's). */
  index(name: string, options?: SearchIndexOptions): SearchIndex;
};

/** Registers the hooks of a describe block or file, and gives what its tests open. */
export function searchFixture(prefix: string): SearchFixture {
  let tmp: ReturnType<typeof temporaryFolder> | undefined;
  const databases: LocalDatabase[] = [];
  const indexes: SearchIndex[] = [];
  beforeEach(() => {
    tmp = temporaryFolder(prefix);
  });
  afterEach(async () => {
    // Closing twice is a no-op: what a test closed itself is closed again harmlessly.
    for (const index of indexes.splice(0)) await index.close();
    for (const local of databases.splice(0)) await local.close();
    for (const open of [...OPEN_SQLITE_INSTANCES]) await open.close();
    tmp?.remove();
    tmp = undefined;
  });
  const folder = () => {
    if (!tmp) throw new Error('the search fixture is used outside a test');
    return tmp.folder;
  };
  return {
    get folder() {
      return folder();
    },
    async open(options = {}) {
      const local = await openLocalDatabase({ directory: folder(), name: CLERK, ...options });
      databases.push(local);
      return local;
    },
    index(name, options = {}) {
      const index = SearchIndex.open(`${folder()}/${name}.search.sqlite`, options);
      indexes.push(index);
      return index;
    },
  };
}
