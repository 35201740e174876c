// Opening the clerk's database while its search index is far behind the replica (a restart in
// the middle of a first replica, after a long offline spell, or with a rebuilt index): the open
// does not wait for the index, the data answers at once, the search answers with what is indexed
// while the status says it is behind, and nothing is lost when the database closes meanwhile.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { LocalDatabase } from './local-database';
import type { SearchIndexStatus } from './search-index';
import { indexedIn, numberedMessage, searchFixture, writeWithoutIndex } from './test-support/search-fixture';

const fixture = searchFixture('ventanilla-backlog-');

/** Indexed before the backlog: ten messages about a building licence. */
const EARLY = Array.from({ length: 10 }, (_, n) => numberedMessage(n, 'Licencia de obra menor'));
/** The backlog: 12,000 messages (three of the writer's 5,000-document batches) it has never seen. */
const BACKLOG = Array.from({ length: 12_000 }, (_, n) => numberedMessage(EARLY.length + n, 'Volante de empadronamiento'));
const ALL = EARLY.length + BACKLOG.length;
/** Statuses at once, every count heard, a failed batch tried again soon: what these tests watch. */
const WATCHED = { searchIndex: { behindGraceMs: 0, statusIntervalMs: 0, retryFirstMs: 100 } };

/** A database whose index has the early messages, and a backlog written while no index was open; its index file. */
async function databaseWithBacklog(): Promise<string> {
  const local = await fixture.open();
  await local.db.messages.bulkInsert(EARLY);
  await local.searchCaughtUp();
  await local.close();
  await writeWithoutIndex(fixture.folder, BACKLOG);
  return local.file.replace(/\.sqlite$/, '.search.sqlite');
}

/** Resolves with the first status heard that `accepts`. */
function heardStatus(local: LocalDatabase, accepts: (status: SearchIndexStatus) => boolean): Promise<SearchIndexStatus> {
  return new Promise((resolve) => {
    const stop = local.onSearchStatus((status) => {
      if (!accepts(status)) return;
      stop();
      resolve(status);
    });
  });
}

const found = (local: LocalDatabase, text: string) => local.search(text, { limit: 100 }).map((hit) => hit.documentId);
/**
 * The backlog's message numbered n, by its number (matched as a prefix: n is chosen so that no
 * other number of the backlog starts with it) — none when the index does not have it yet.
 */
const foundNumber = (local: LocalDatabase, n: number) => found(local, `empadronamiento ${n}`);
const idOf = (n: number) => numberedMessage(n, '').id;

describe('opening a database whose search index is far behind', () => {
  it('resolves before the index has caught up, answers reads and queries at once, and says the index is behind until it has caught up', async () => {
    const searchFile = await databaseWithBacklog();
    const indexedBefore = indexedIn(searchFile).rowids;
    // Another connection holds the index's write lock: its writer cannot index a single batch. An
    // open that waited for the index would never resolve (or fail when the batch gives up).
    const lock = new Database(searchFile);
    let local: LocalDatabase;
    let behindSince: number | undefined;
    const heard: SearchIndexStatus[] = [];
    try {
      lock.exec('BEGIN IMMEDIATE');
      local = await fixture.open(WATCHED);
      local.onSearchStatus((status) => heard.push(status));
      const behind = local.searchStatus();
      expect(behind).toMatchObject({ caughtUp: false, behindSince: expect.any(Number) });
      behindSince = behind.behindSince;

      // The data is all there.
      expect(await local.db.messages.count().exec()).toBe(ALL);
      expect((await local.db.messages.findOne(BACKLOG.at(-1)!.id).exec())?.text).toBe(BACKLOG.at(-1)!.text);
      expect(await local.db.messages.count({ selector: { ticketId: 't-7' } }).exec()).toBe([...EARLY, ...BACKLOG].filter((message) => message.ticketId === 't-7').length);
      // The search answers with what is indexed: the early messages, none of the backlog.
      expect(found(local, 'licencia obra').sort()).toEqual(EARLY.map((message) => message.id));
      expect(found(local, 'empadronamiento')).toEqual([]);
      expect(local.searchStatus()).toMatchObject({ caughtUp: false, behindSince });
      lock.exec('ROLLBACK');
    } finally {
      lock.close();
    }

    // Whether the writer was still waiting for the lock or its batch had given up (it tries again
    // 100 ms later), it catches up by itself.
    if (!local.searchStatus().caughtUp) await heardStatus(local, (status) => status.caughtUp);
    await local.searchCaughtUp();
    expect(local.searchStatus()).toEqual({ caughtUp: true });
    expect(heard.at(-1)).toEqual({ caughtUp: true });
    for (const status of heard.slice(0, -1)) expect(status).toMatchObject({ caughtUp: false, behindSince });
    expect(foundNumber(local, ALL - 1)).toEqual([idOf(ALL - 1)]);
    expect(local.search('empadronamiento', { limit: 100 })).toHaveLength(50);
    // Every document once, and the early ones kept their rows: indexed on from the checkpoint.
    const after = indexedIn(searchFile);
    expect(after).toMatchObject({ documents: ALL, texts: ALL, rowids: indexedBefore });
  }, 60_000);

  it('while catching up, finds what its first batches indexed, and everything once caught up', async () => {
    await databaseWithBacklog();
    const local = await fixture.open(WATCHED);
    // The writer says how much is left after each full batch: the first 5,000 of the backlog are indexed by then.
    const firstCount = await heardStatus(local, (status) => status.remaining !== undefined);
    expect(firstCount).toMatchObject({ caughtUp: false, remaining: BACKLOG.length - 5_000 });
    expect(found(local, 'licencia')).toHaveLength(EARLY.length);
    // The backlog's messages 1234 and 5009 (the last of the first batch) are found.
    for (const n of [1_234, 5_009]) expect(foundNumber(local, n)).toEqual([idOf(n)]);

    await local.searchCaughtUp();
    expect(local.searchStatus()).toEqual({ caughtUp: true });
    // And the rest: the first of the second batch, the last of the backlog.
    for (const n of [5_010, ALL - 1]) expect(foundNumber(local, n)).toEqual([idOf(n)]);
  }, 60_000);

  it('closed while its index catches up, loses nothing, and the next open goes on from the checkpoint', async () => {
    const searchFile = await databaseWithBacklog();
    let local = await fixture.open(WATCHED);
    await heardStatus(local, (status) => status.remaining !== undefined);
    // Still catching up (it says so at once when it has caught up): closed in the middle of the backlog.
    expect(local.searchStatus().caughtUp).toBe(false);
    await local.close();

    // Whole batches only (the one in hand when told to close is finished), and the checkpoint says where it stopped.
    const left = indexedIn(searchFile);
    expect([EARLY.length + 5_000, EARLY.length + 10_000, ALL]).toContain(left.documents);
    expect(left.texts).toBe(left.documents);
    expect(JSON.parse(left.checkpoint!)).toMatchObject({ id: [...EARLY, ...BACKLOG][left.documents - 1]!.id });

    local = await fixture.open();
    await local.searchCaughtUp();
    // The rest indexed once; what was indexed before closing kept its rows (not indexed again).
    expect(indexedIn(searchFile)).toMatchObject({ documents: ALL, texts: ALL, rowids: left.rowids });
    expect(foundNumber(local, ALL - 1)).toEqual([idOf(ALL - 1)]);
  }, 60_000);
});
