import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReplicatedDocument, ReplicationCheckpoint } from './index';
import { databaseEngines } from '../test-support/server-databases';
import { byteOrder, change, ids, insert, pullAll, ticket } from '../test-support/replication-fixtures';

describe.each(databaseEngines())('replication store on $name', (engine) => {
  beforeAll(() => engine.start(), 60_000);
  afterAll(() => engine.stop());
  afterEach(() => engine.closeAll());

  it('stores the pushed body byte for byte and pulls it back with the same keys in the same order', async () => {
    const { db } = await engine.open();
    const body: ReplicatedDocument = {
      zeta: 'last key first',
      id: 'exact-1',
      subject: 'Solicitud de licencia de obra menor — C/ Ñandú, 3º 2ª',
      emoji: '🏛️👩🏽‍💼',
      combining: 'e\u0301 vs é',
      escapes: 'quote " backslash \\ tab \t newline \n nul \u0000 line-sep \u2028',
      html: '<p onclick="x()">Hola &amp; adiós</p>',
      numbers: [0, -1, 1.5, 1e21, 9007199254740991, -0.000001],
      nested: { b: [{ y: 1, x: 2 }], a: null, empty: {}, list: [] },
      flag: true,
      blank: '',
      _deleted: false,
    };
    const pushed = await db.push('tickets', [insert(body)]);
    expect(pushed).toMatchObject({ conflicts: [], written: ['exact-1'] });

    const [stored] = await db.getDocuments('tickets', ['exact-1']);
    expect(stored!.body).toBe(JSON.stringify(body));
    const { documents } = await db.pull('tickets', null, 10);
    expect(JSON.stringify(documents[0])).toBe(JSON.stringify(body));
    // Nothing of the server's (updatedAt, scope) inside the body.
    expect(Object.keys(documents[0]!)).toEqual(Object.keys(body));
  });

  it('gives every write transaction a strictly larger updatedAt, even when the clock goes back and after a reopen', async () => {
    const { db, where } = await engine.open();
    const now = Date.now();
    const first = await db.push('tickets', [insert(ticket('t1', 'A')), insert(ticket('t2', 'A'))], { now: now + 86_400_000 });
    const second = await db.push('tickets', [insert(ticket('t3', 'A'))], { now: now + 86_400_000 });
    const third = await db.push('tickets', [insert(ticket('t4', 'A'))], { now });
    expect(first.updatedAt).toBe(now + 86_400_000);
    expect(second.updatedAt).toBe(first.updatedAt! + 1);
    expect(third.updatedAt).toBe(second.updatedAt! + 1);
    await db.close();

    const { db: reopened } = await engine.open(where);
    const afterReopen = await reopened.push('tickets', [insert(ticket('t5', 'A'))], { now });
    expect(afterReopen.updatedAt).toBeGreaterThan(third.updatedAt!);
    const stored = await reopened.getDocuments('tickets', ['t1', 't2', 't3', 't4', 't5']);
    const at = Object.fromEntries(stored.map((row) => [row.id, row.updatedAt]));
    // One push, one updatedAt for all its documents.
    expect(at.t1).toBe(at.t2);
    expect([at.t2, at.t3, at.t4, at.t5]).toEqual([...new Set([at.t2!, at.t3!, at.t4!, at.t5!])].sort((a, b) => a - b));
  });

  it('pages documents that share an updatedAt by id in byte order, each exactly once, whatever the limit', async () => {
    const { db } = await engine.open();
    const exotic = [
      'a', 'B', 'Z', 'z', 'ä', 'Ä', 'ñandú', 'Ñ', 'é', 'e\u0301', '[x]', '[', ']', '"quoted"', "it's", '(1)', '{}', '-', '_',
      ' space', 'back\\slash', 'emoji😀', '😀', '𝔘', '\uffff', '\ue000', '中文', 'a\u00a0b', '~', '0', '9', 'ẞ', 'ß',
    ];
    // Alternating departments, so the scoped pull (one window per department) is paged too.
    const result = await db.push('tickets', exotic.map((id, index) => insert(ticket(id, index % 2 === 0 ? 'A' : 'B'))));
    expect(result.written).toHaveLength(exotic.length);
    const expected = [...exotic].sort(byteOrder);

    for (const scopes of ['all', ['A', 'B']] as const) {
      for (const limit of [1, 2, 3]) {
        const seen: string[] = [];
        let checkpoint: ReplicationCheckpoint | null = null;
        for (;;) {
          const page = await db.pull('tickets', checkpoint, limit, { scopes });
          if (page.documents.length === 0) break;
          expect(page.documents.length).toBeLessThanOrEqual(limit);
          if (seen.length + limit <= exotic.length) expect(page.documents).toHaveLength(limit);
          seen.push(...ids(page.documents));
          expect(page.checkpoint).toEqual({ id: seen.at(-1), updatedAt: result.updatedAt });
          checkpoint = page.checkpoint;
        }
        expect(seen, `scopes ${String(scopes)}, limit ${limit}`).toEqual(expected);
      }
    }
  });

  it('answers an empty page with the checkpoint it was given', async () => {
    const { db } = await engine.open();
    expect(await db.pull('tickets', null, 5)).toEqual({ documents: [], checkpoint: null });
    const checkpoint = { id: 'x', updatedAt: 42 };
    expect(await db.pull('tickets', checkpoint, 5, { scopes: ['A'] })).toEqual({ documents: [], checkpoint });
  });

  it('never lets a pull miss a document while 50 pushes commit concurrently', async () => {
    const { db, where } = await engine.open();
    // Pulls come through a second instance (another server process), so they are not queued
    // behind the pushes for the first one's connections.
    const { db: reader } = await engine.open(where);
    const departments = ['A', 'B', 'C'];
    const pushed: { id: string; departmentId: string }[] = [];
    let pushing = true;
    // Pushes of different sizes, so a later one can be ready to commit before an earlier one.
    const pushes = Promise.all(
      Array.from({ length: 50 }, (_, push) => {
        const documents = Array.from({ length: 1 + ((push * 7) % 40) }, (_, n) => ticket(`p${push}-${n}`, departments[(push + n) % 3]!));
        pushed.push(...documents);
        return db.push('tickets', documents.map(insert));
      }),
    ).finally(() => (pushing = false));

    /** Pulls from its own checkpoint until the pushes are done and a last pull finds nothing new. */
    const puller = async (scopes: 'all' | string[], limit: number) => {
      const seen = new Map<string, number>();
      let checkpoint: ReplicationCheckpoint | null = null;
      for (;;) {
        const stillPushing = pushing;
        const page = await reader.pull('tickets', checkpoint, limit, { scopes });
        for (const document of page.documents) seen.set(String(document.id), (seen.get(String(document.id)) ?? 0) + 1);
        checkpoint = page.checkpoint;
        if (!stillPushing && page.documents.length === 0) return seen;
        if (page.documents.length === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const [results, ...pullers] = await Promise.all([
      pushes,
      puller('all', 3),
      puller('all', 7),
      puller('all', 50),
      puller(['A', 'B'], 5),
    ]);

    expect(new Set(results.map((result) => result.updatedAt)).size).toBe(50);
    const everyId = pushed.map((document) => document.id).sort();
    const inAB = pushed.filter((document) => document.departmentId !== 'C').map((document) => document.id).sort();
    pullers.forEach((seen, index) => {
      expect([...seen.keys()].sort(), `puller ${index}`).toEqual(index === 3 ? inAB : everyId);
      expect([...seen.values()].every((count) => count === 1), `puller ${index}`).toBe(true);
    });
  });

  it('answers a push whose assumed state is stale with the stored document, and changes nothing', async () => {
    const { db } = await engine.open();
    const original = ticket('c1', 'A', { status: 'new' });
    const first = { ...original, status: 'open' };
    await db.push('tickets', [insert(original)]);
    await db.push('tickets', [change(original, first)]);
    const [before] = await db.getDocuments('tickets', ['c1']);

    const stale = await db.push('tickets', [change(original, { ...original, status: 'closed' })]);
    expect(stale).toMatchObject({ conflicts: [first], written: [], updatedAt: null });
    expect(await db.getDocuments('tickets', ['c1'])).toEqual([before]);
  });

  it('treats a push without assumed state onto an existing document as a conflict', async () => {
    const { db } = await engine.open();
    const stored = ticket('c2', 'A', { status: 'new' });
    await db.push('tickets', [insert(stored)]);
    const result = await db.push('tickets', [insert({ ...stored, status: 'open' })]);
    expect(result.conflicts).toEqual([stored]);
    expect(result.written).toEqual([]);
  });

  it('accepts a retried push whose answer was lost as a success, without a new updatedAt', async () => {
    const { db } = await engine.open();
    const original = ticket('c3', 'A', { status: 'new' });
    const edited = { ...original, status: 'open' };
    await db.push('tickets', [insert(original)]);
    const first = await db.push('tickets', [change(original, edited)]);
    const retry = await db.push('tickets', [change(original, edited)]);
    expect(retry).toMatchObject({ conflicts: [], written: ['c3'], retried: ['c3'], updatedAt: null });
    expect((await db.getDocuments('tickets', ['c3']))[0]!.updatedAt).toBe(first.updatedAt);
    // A retried insert too, and in another key order.
    const retriedInsert = await db.push('tickets', [insert({ status: 'open', _deleted: false, subject: edited.subject, departmentId: 'A', id: 'c3' })]);
    expect(retriedInsert).toMatchObject({ conflicts: [], retried: ['c3'] });
  });

  it('compares the assumed state with the stored one as JSON, whatever the order of keys', async () => {
    const { db } = await engine.open();
    const original = ticket('c4', 'A', { tags: ['b', 'a'], fieldClock: { subject: 1, status: 2 } });
    await db.push('tickets', [insert(original)]);
    const reordered = { fieldClock: { status: 2, subject: 1 }, _deleted: false, tags: ['b', 'a'], subject: original.subject, departmentId: 'A', id: 'c4' };
    expect(await db.push('tickets', [change(reordered, { ...original, subject: 'nuevo' })])).toMatchObject({ conflicts: [], written: ['c4'] });
    // Arrays keep their order: a different order is a different state.
    const otherOrder = { ...original, subject: 'nuevo', tags: ['a', 'b'] };
    const result = await db.push('tickets', [change(otherOrder, { ...original, subject: 'otro' })]);
    expect(result.conflicts).toHaveLength(1);
  });

  it('writes a document the server does not have, whatever state the client assumed', async () => {
    const { db } = await engine.open();
    const result = await db.push('tickets', [change(ticket('c5', 'A', { status: 'ghost' }), ticket('c5', 'A'))]);
    expect(result).toMatchObject({ conflicts: [], written: ['c5'] });
  });

  it('keeps a deleted document, marked deleted, and replicates the deletion', async () => {
    const { db } = await engine.open();
    const alive = ticket('d1', 'A');
    const deleted = { ...alive, _deleted: true };
    await db.push('tickets', [insert(alive)]);
    const { checkpoint } = await db.pull('tickets', null, 10);
    await db.push('tickets', [change(alive, deleted)]);

    const [stored] = await db.getDocuments('tickets', ['d1']);
    expect(stored).toMatchObject({ deleted: true, body: JSON.stringify(deleted) });
    expect((await db.pull('tickets', checkpoint, 10)).documents).toEqual([deleted]);
    // And it can come back.
    expect(await db.push('tickets', [change(deleted, alive)])).toMatchObject({ written: ['d1'] });
    expect((await db.getDocuments('tickets', ['d1']))[0]!.deleted).toBe(false);
  });

  it('processes the rows of one push in order, even for the same document twice', async () => {
    const { db } = await engine.open();
    const v1 = ticket('r1', 'A', { n: 1 });
    const v2 = { ...v1, n: 2 };
    const result = await db.push('tickets', [insert(v1), change(v1, v2), change(v1, { ...v1, n: 3 })]);
    expect(result).toMatchObject({ written: ['r1'], retried: [], conflicts: [v2] });
    expect((await db.getDocuments('tickets', ['r1']))[0]!.body).toBe(JSON.stringify(v2));
  });

  it('refuses a whole push when one row is outside the pusher rights, and stores nothing', async () => {
    const { db } = await engine.open();
    await db.push('tickets', [insert(ticket('z1', 'B'))]);
    const clerkOfA = (row: { scope: string; stored: { scope: string } | null }) =>
      row.scope !== 'A' && row.scope !== '' ? 'outside your departments' : row.stored && row.stored.scope !== 'A' ? 'not your ticket' : null;

    const moveIn = await db.push('tickets', [insert(ticket('z2', 'A')), change(ticket('z1', 'B'), ticket('z1', 'A'))], { authorize: clerkOfA });
    expect(moveIn).toEqual({ conflicts: [], written: [], retried: [], refused: [{ id: 'z1', reason: 'not your ticket' }], updatedAt: null });
    expect(await db.getDocuments('tickets', ['z2'])).toEqual([]);
    expect(ids((await pullAll(db, 'tickets')).documents)).toEqual(['z1']);
    expect((await db.push('tickets', [insert(ticket('z2', 'A'))], { authorize: clerkOfA })).written).toEqual(['z2']);
  });

  it('uses the primary key configured for a collection', async () => {
    const { db } = await engine.open({ ...(await engine.newDatabase()), primaryKeys: { humans: 'passportId' } });
    const human = { passportId: 'X-1', firstName: 'Ana', age: 40, _deleted: false };
    expect((await db.push('humans', [insert(human)])).written).toEqual(['X-1']);
    expect((await db.push('humans', [insert({ ...human, age: 41 })])).conflicts).toEqual([human]);
    expect((await db.pull('humans', null, 10)).checkpoint?.id).toBe('X-1');
  });

  it('refuses malformed pushes and pulls with an input error', async () => {
    const { db } = await engine.open();
    await expect(db.push('tickets', [insert({ subject: 'no id', _deleted: false })])).rejects.toMatchObject({ code: 'DB_INVALID_INPUT' });
    await expect(db.pull('tickets', null, 0)).rejects.toMatchObject({ code: 'DB_INVALID_INPUT' });
    await expect(db.pull('tickets', { id: 'x', updatedAt: Number.NaN }, 10)).rejects.toMatchObject({ code: 'DB_INVALID_INPUT' });
  });
});
