// The search index's writer on a thread of its own (search-index-worker.ts): what it leaves when
// the database closes in the middle of a backlog, and what the next open does with it. The search
// itself (Spanish words, ranking, edits and deletions) is tested in local-database.test.ts.
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import type { LocalDatabase } from './local-database';
import type { SearchIndex } from './search-index';
import { indexedIn as indexed, numberedMessage, searchFixture } from './test-support/search-fixture';

const message = (n: number) => numberedMessage(n, 'Consulta sobre el expediente del padrón');

const fixture = searchFixture('ventanilla-search-');

describe('the search index’s writer thread', () => {
  it('closed in the middle of a backlog, leaves whole batches only, and the next open indexes the rest, each document once', async () => {
    let local = await fixture.open();
    const searchFile = local.file.replace(/\.sqlite$/, '.search.sqlite');
    const messages = Array.from({ length: 12_000 }, (_, n) => message(n));
    await local.db.messages.bulkInsert(messages);
    // No wait for the index: the writer is somewhere in its 5,000-document batches.
    await local.close();

    const left = indexed(searchFile);
    expect([0, 5_000, 10_000]).toContain(left.documents);
    if (left.documents > 0) expect(JSON.parse(left.checkpoint!)).toMatchObject({ id: messages[left.documents - 1]!.id });

    local = await fixture.open();
    await local.searchCaughtUp();
    expect(local.search('expediente 11999').map((hit) => hit.documentId)).toEqual(['m-11999']);
    expect(local.search('expediente 7').length).toBeGreaterThan(0);
    await local.close();
    expect(indexed(searchFile).documents).toBe(12_000);
  }, 60_000);

  it('indexes what the service writes while a search runs on the service’s own thread', async () => {
    const local = await fixture.open();
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

describe('the search index’s writer, started when there are changes and gone when there are none', () => {
  /** The clerk's database, and an index of its own (in another file) with a short idle delay. */
  async function indexOf(idleExitMs: number, log: string[] = []): Promise<{ local: LocalDatabase; index: SearchIndex; file: string }> {
    const local = await fixture.open();
    const index = fixture.index('writer-test', { idleExitMs, log: (line) => log.push(line) });
    return { local, index, file: index.file };
  }

  it('starts no writer when the collections hold nothing it has not indexed', async () => {
    const { local, index } = await indexOf(60_000);
    index.follow({ tickets: local.db.tickets, messages: local.db.messages });
    expect(index.writerStatus).toEqual({ state: 'stopped', starts: 0 });
    expect(index.status()).toEqual({ caughtUp: true });
    await index.caughtUp();
    await local.db.messages.insert(message(1));
    expect(index.writerStatus.starts).toBe(1);
    await index.caughtUp();
    expect(index.search('expediente 1').map((hit) => hit.documentId)).toEqual(['m-00001']);
  });

  it('exits once it has indexed everything and no change came for idleExitMs, and the next change starts it again and is found', async () => {
    const { local, index } = await indexOf(50);
    await local.db.messages.bulkInsert([message(1), message(2)]);
    index.follow({ tickets: local.db.tickets, messages: local.db.messages });
    await index.caughtUp();
    expect(index.search('expediente 2').map((hit) => hit.documentId)).toEqual(['m-00002']);
    await index.writerReaches('stopped');
    expect(index.writerStatus).toEqual({ state: 'stopped', starts: 1 });

    await local.db.messages.insert(message(3));
    expect(index.writerStatus.starts).toBe(2);
    await index.caughtUp();
    expect(index.search('expediente 3').map((hit) => hit.documentId)).toEqual(['m-00003']);
    await index.writerReaches('stopped');
    expect(index.writerStatus).toEqual({ state: 'stopped', starts: 2 });
  });

  it('stays while changes keep coming closer together than idleExitMs', async () => {
    const { local, index } = await indexOf(60_000);
    index.follow({ tickets: local.db.tickets, messages: local.db.messages });
    for (let n = 0; n < 5; n++) {
      await local.db.messages.insert(message(n));
      await index.caughtUp();
    }
    expect(index.writerStatus).toEqual({ state: 'running', starts: 1 });
    expect(index.search('padron')).toHaveLength(5);
  });

  it('indexes a change that arrives while the writer is exiting, with a writer started once the old one is gone', async () => {
    const { local, index, file } = await indexOf(0);
    await local.db.messages.insert(message(6));
    index.follow({ tickets: local.db.tickets, messages: local.db.messages });
    // The writer is told to exit as soon as it has indexed the first; the change is committed and announced meanwhile.
    await index.writerReaches('stopping');
    await local.db.messages.insert(message(7));
    const stateWhenAnnounced = index.writerStatus.state;
    await index.caughtUp();
    expect(index.search('expediente 7').map((hit) => hit.documentId)).toEqual(['m-00007']);
    expect(indexed(file).documents).toBe(2);
    // Whether the old writer was still exiting (the case of this test) or already gone, a second one indexed it.
    expect(['stopping', 'stopped', 'starting']).toContain(stateWhenAnnounced);
    expect(index.writerStatus.starts).toBe(2);
  });

  it('starts again at the next change after its writer crashed in the middle of a backlog, and loses nothing', async () => {
    const log: string[] = [];
    const { local, index, file } = await indexOf(60_000, log);
    const messages = Array.from({ length: 16_000 }, (_, n) => message(n));
    await local.db.messages.bulkInsert(messages);
    index.follow({ tickets: local.db.tickets, messages: local.db.messages });
    const following = index.caughtUp().then(
      () => undefined,
      (error: Error) => error,
    );
    // Killed once its first 5,000-document transaction is committed: in the middle of another.
    await vi.waitFor(() => expect(indexed(file).documents).toBeGreaterThan(0), { timeout: 30_000, interval: 5 });
    await index.terminateWriter();
    expect((await following)?.message).toMatch(/its writer stopped: exit code 1/);
    expect(log.some((line) => line.includes('its writer stopped'))).toBe(true);
    expect(index.writerStatus).toEqual({ state: 'stopped', starts: 1 });
    // Whole batches only: the one it was in was rolled back, and the checkpoint says where it was.
    const left = indexed(file);
    expect([5_000, 10_000, 15_000]).toContain(left.documents);
    expect(left.texts).toBe(left.documents);
    expect(JSON.parse(left.checkpoint!)).toMatchObject({ id: messages[left.documents - 1]!.id });

    await local.db.messages.insert(message(16_000));
    await index.caughtUp();
    expect(index.writerStatus.starts).toBe(2);
    expect(indexed(file)).toMatchObject({ documents: 16_001, texts: 16_001 });
    expect(index.search('expediente 15999').map((hit) => hit.documentId)).toEqual(['m-15999']);
    expect(index.search('expediente 16000').map((hit) => hit.documentId)).toEqual(['m-16000']);
  }, 60_000);

  it('goes on after a checkpoint saved without a position (an older version’s) without indexing again what it had', async () => {
    const { local, index: first, file } = await indexOf(60_000);
    await local.db.messages.bulkInsert([message(1), message(2), message(3)]);
    first.follow({ tickets: local.db.tickets, messages: local.db.messages });
    await first.caughtUp();
    await first.close();
    const before = indexed(file).rowids;
    const db = new Database(file);
    const saved = JSON.parse(db.prepare(`SELECT checkpoint FROM search_checkpoints WHERE collection = 'messages'`).pluck().get() as string) as Record<string, unknown>;
    expect(saved).toMatchObject({ id: 'm-00003', position: expect.any(String) });
    db.prepare(`UPDATE search_checkpoints SET checkpoint = ? WHERE collection = 'messages'`).run(JSON.stringify({ id: saved.id, lwt: saved.lwt }));
    db.close();
    await local.db.messages.insert(message(4));

    const index = fixture.index('writer-test', { idleExitMs: 60_000 });
    index.follow({ tickets: local.db.tickets, messages: local.db.messages });
    await index.caughtUp();
    const after = indexed(file).rowids;
    // The three it had keep their rows (indexing one again gives it a new one); the fourth is added.
    expect(after).toMatchObject(before);
    expect(Object.keys(after).sort()).toEqual(['m:m-00001', 'm:m-00002', 'm:m-00003', 'm:m-00004']);
    expect(JSON.parse(indexed(file).checkpoint!)).toMatchObject({ id: 'm-00004', position: expect.any(String) });
  });

  it('closes cleanly while its writer is still starting', async () => {
    const { local, index, file } = await indexOf(60_000);
    await local.db.messages.insert(message(1));
    index.follow({ tickets: local.db.tickets, messages: local.db.messages });
    const following = index.caughtUp();
    expect(index.writerStatus.state).toBe('starting');
    await index.close();
    await following;
    expect(index.writerStatus).toEqual({ state: 'stopped', starts: 1 });
    // What it indexed before closing is whole; the next open indexes the rest.
    expect([0, 1]).toContain(indexed(file).documents);
  });

  it('closes cleanly while its writer is exiting, and starts no other for a change announced meanwhile', async () => {
    const { local, index } = await indexOf(0);
    await local.db.messages.insert(message(0));
    index.follow({ tickets: local.db.tickets, messages: local.db.messages });
    await index.writerReaches('stopping');
    const inserted = local.db.messages.insert(message(1));
    await index.close();
    await inserted;
    await index.caughtUp();
    expect(index.writerStatus).toEqual({ state: 'stopped', starts: 1 });
  });
});
