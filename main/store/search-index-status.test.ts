// Whether the search index says it lags behind the database (search-index.ts status/onStatus):
// what the inbox's search uses to warn the clerk that results may be incomplete after a first
// replica or a long offline spell, and to stay quiet while a clerk's own changes are indexed.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { LocalDatabase } from './local-database';
import { SearchIndex, type SearchIndexOptions, type SearchIndexStatus } from './search-index';
import { numberedMessage, searchFixture } from './test-support/search-fixture';

const message = (n: number) => numberedMessage(n, 'Solicitud de volante de empadronamiento');

const fixture = searchFixture('ventanilla-search-status-');

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** The clerk's database, and an index of its own (another file) that follows it, with what it told its listener. */
async function followed(options: SearchIndexOptions): Promise<{ local: LocalDatabase; index: SearchIndex; heard: SearchIndexStatus[] }> {
  const local = await fixture.open();
  const index = fixture.index('status-test', { idleExitMs: 60_000, ...options });
  index.follow({ tickets: local.db.tickets, messages: local.db.messages });
  await index.caughtUp();
  const heard: SearchIndexStatus[] = [];
  index.onStatus((status) => heard.push(status));
  return { local, index, heard };
}

describe('what the search index says about its lag', () => {
  it('says it is behind, since when and about how many documents are left, while it works through a backlog, and caught up once done', async () => {
    const { local, index, heard } = await followed({ behindGraceMs: 0, statusIntervalMs: 0 });
    expect(index.status()).toEqual({ caughtUp: true });

    const before = Date.now();
    await local.db.messages.bulkInsert(Array.from({ length: 12_000 }, (_, n) => message(n)));
    const behind = index.status();
    expect(behind.caughtUp).toBe(false);
    expect(behind.behindSince).toBeGreaterThanOrEqual(before);
    expect(behind.behindSince).toBeLessThanOrEqual(Date.now());

    await index.caughtUp();
    expect(index.status()).toEqual({ caughtUp: true });
    expect(heard.at(-1)).toEqual({ caughtUp: true });
    const whileBehind = heard.slice(0, -1);
    expect(whileBehind.length).toBeGreaterThan(0);
    for (const status of whileBehind) expect(status).toMatchObject({ caughtUp: false, behindSince: behind.behindSince });
    // Counted after each 5,000-document batch: 7,000 left, then 2,000, then none.
    expect(whileBehind.flatMap((status) => (status.remaining === undefined ? [] : [status.remaining]))).toEqual([7_000, 2_000, 0]);
    expect(index.search('empadronamiento 11999').map((hit) => hit.documentId)).toEqual(['m-11999']);
  }, 60_000);

  it('stays quiet about a clerk’s own change, indexed well within the grace', async () => {
    const { local, index, heard } = await followed({});
    // A clerk at work: the writer is running (the first change started it, a cold start under tsx may outlast the grace).
    await local.db.messages.insert(message(0));
    await index.caughtUp();
    heard.length = 0;
    await local.db.messages.insert(message(1));
    // Behind for a moment, but not long enough to trouble the clerk.
    expect(index.status()).toEqual({ caughtUp: true });
    await index.caughtUp();
    expect(index.search('empadronamiento 1').map((hit) => hit.documentId)).toEqual(['m-00001']);
    expect(heard).toEqual([]);
  });

  it('says it is behind once the lag has lasted the grace, stays behind while its writer cannot index, and catches up by itself once it can', async () => {
    const log: string[] = [];
    const { local, index, heard } = await followed({ behindGraceMs: 300, statusIntervalMs: 0, retryFirstMs: 200, log: (line) => log.push(line) });
    // Another connection holds the index's write lock: the writer's batch fails (as on a full
    // disk), the checkpoint does not move, and the index tries again a moment later.
    const lock = new Database(index.file);
    let first: SearchIndexStatus;
    try {
      lock.exec('BEGIN IMMEDIATE');
      await local.db.messages.insert(message(1));
      expect(index.status()).toEqual({ caughtUp: true });
      first = await new Promise<SearchIndexStatus>((resolve) => index.onStatus(resolve));
      expect(first.caughtUp).toBe(false);
      expect(Date.now() - first.behindSince!).toBeGreaterThanOrEqual(300);
      // Tried again (200 ms, then 400 ms later) and failed again: still behind, since the same moment.
      await until(() => log.length >= 2);
      expect(log[0]).toMatch(/database is locked/);
      expect(index.status()).toMatchObject({ caughtUp: false, behindSince: first.behindSince });
      lock.exec('ROLLBACK');
    } finally {
      lock.close();
    }
    // No other change comes: the next try indexes it.
    await until(() => index.status().caughtUp);
    expect(heard).toEqual([first, { caughtUp: true }]);
    expect(index.search('empadronamiento').map((hit) => hit.documentId)).toEqual(['m-00001']);
  });

  it('tells its listeners the count of what is left at most every statusIntervalMs, and at once when it catches up', async () => {
    const { local, index, heard } = await followed({ behindGraceMs: 0, statusIntervalMs: 60_000 });
    await local.db.messages.bulkInsert(Array.from({ length: 12_000 }, (_, n) => message(n)));
    await index.caughtUp();
    expect(heard).toHaveLength(2);
    expect(heard[0]).toMatchObject({ caughtUp: false });
    expect(heard[1]).toEqual({ caughtUp: true });
  }, 60_000);

  it('refuses a grace or an interval that is not a number of milliseconds', () => {
    expect(() => SearchIndex.open(`${fixture.folder}/bad.search.sqlite`, { behindGraceMs: -1 })).toThrow(/behindGraceMs/);
    expect(() => SearchIndex.open(`${fixture.folder}/bad.search.sqlite`, { statusIntervalMs: Number.NaN })).toThrow(/statusIntervalMs/);
    expect(() => SearchIndex.open(`${fixture.folder}/bad.search.sqlite`, { retryFirstMs: -5 })).toThrow(/retryFirstMs/);
  });
});
