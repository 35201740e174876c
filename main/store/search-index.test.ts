// The search index's writer on a thread of its own (search-index-worker.ts): what it leaves when
// the database closes in the middle of a backlog, and what the next open does with it. The search
// itself (Spanish words, ranking, edits and deletions) is tested in local-database.test.ts.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../core/schemas';
import { OPEN_SQLITE_INSTANCES } from './index';
import { openLocalDatabase, type LocalDatabase } from './local-database';
import { temporaryFolder } from './test-support/storage-fixtures';

const T0 = Date.UTC(2026, 10, 2, 9, 0);

function message(n: number): Message {
  return { id: `m-${String(n).padStart(5, '0')}`, kind: 'email_in', ticketId: `t-${n % 50}`, citizenId: 'cit-1', text: `Consulta sobre el expediente ${n} del padrón`, attachments: [], createdAt: T0 + n, auto: false };
}

/** What the index file holds, read the way a second process would. */
function indexed(file: string): { documents: number; checkpoint: string | undefined } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      documents: db.prepare('SELECT count(*) FROM search_docs').pluck().get() as number,
      checkpoint: db.prepare(`SELECT checkpoint FROM search_checkpoints WHERE collection = 'messages'`).pluck().get() as string | undefined,
    };
  } finally {
    db.close();
  }
}

let tmp: ReturnType<typeof temporaryFolder>;
let local: LocalDatabase | undefined;
beforeEach(() => {
  tmp = temporaryFolder('ventanilla-search-');
});
afterEach(async () => {
  await local?.close();
  local = undefined;
  for (const open of [...OPEN_SQLITE_INSTANCES]) await open.close();
  tmp.remove();
});

describe('the search index’s writer thread', () => {
  it('closed in the middle of a backlog, leaves whole batches only, and the next open indexes the rest, each document once', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    const searchFile = local.file.replace(/\.sqlite$/, '.search.sqlite');
    const messages = Array.from({ length: 12_000 }, (_, n) => message(n));
    await local.db.messages.bulkInsert(messages);
    // No wait for the index: the writer is somewhere in its 5,000-document batches.
    await local.close();
    local = undefined;

    const left = indexed(searchFile);
    expect([0, 5_000, 10_000]).toContain(left.documents);
    if (left.documents > 0) expect(JSON.parse(left.checkpoint!)).toMatchObject({ id: messages[left.documents - 1]!.id });

    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    // Opening waits for the index to catch up.
    expect(local.search('expediente 11999').map((hit) => hit.documentId)).toEqual(['m-11999']);
    expect(local.search('expediente 7').length).toBeGreaterThan(0);
    await local.close();
    local = undefined;
    expect(indexed(searchFile).documents).toBe(12_000);
  }, 60_000);

  it('indexes what the service writes while a search runs on the service’s own thread', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    await local.db.messages.bulkInsert(Array.from({ length: 3 }, (_, n) => message(n)));
    await local.searchCaughtUp();
    expect(local.search('padron').map((hit) => hit.documentId).sort()).toEqual(['m-00000', 'm-00001', 'm-00002']);
    // Each write is announced; the writer indexes it before searchCaughtUp resolves.
    for (let n = 3; n < 8; n++) {
      await local.db.messages.insert(message(n));
      await local.searchCaughtUp();
      expect(local.search(`expediente ${n}`).map((hit) => hit.documentId)).toEqual([message(n).id]);
    }
  });
});
