import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReplicationCheckpoint, ServerDatabase } from './index';
import { databaseEngines } from '../test-support/server-databases';
import { change, ids, insert, message, pullAll, ticket } from '../test-support/replication-fixtures';

/** A clerk's replica of tickets and messages, pulled incrementally with their scopes. */
function replicaOf(db: ServerDatabase, scopes: string[]) {
  const checkpoints: Record<string, ReplicationCheckpoint | null> = { tickets: null, messages: null };
  const documents: Record<string, Map<string, Record<string, unknown>>> = { tickets: new Map(), messages: new Map() };
  return {
    /** Pulls what changed since the last sync; returns the ids that arrived, by collection. */
    async sync(limit = 2) {
      const arrived: Record<string, string[]> = {};
      for (const collection of ['tickets', 'messages']) {
        const { documents: pulled, checkpoint } = await pullAll(db, collection, { scopes, from: checkpoints[collection], limit });
        checkpoints[collection] = checkpoint;
        for (const document of pulled) documents[collection]!.set(String(document.id), document);
        arrived[collection] = ids(pulled);
      }
      return arrived;
    },
    /** What the replica shows: the documents it holds that are not deleted. */
    visible(collection: string) {
      return [...documents[collection]!.values()].filter((document) => document._deleted !== true).map((document) => String(document.id)).sort();
    },
    get(collection: string, id: string) {
      return documents[collection]!.get(id);
    },
    /** A document the clerk wrote on this workstation (and pushed): the replica holds it before any pull. */
    hold(collection: string, document: Record<string, unknown>) {
      documents[collection]!.set(String(document.id), document);
    },
  };
}

/** A clerk of these departments as `push` sees them (server/replication/rights.ts pusherOf). */
const clerkOf = (departments: string[]) => ({ sees: (scope: string) => scope === '*' || scope === '' || departments.includes(scope), exitScope: departments[0] ?? '' });

describe.each(databaseEngines())('department scopes on $name', (engine) => {
  beforeAll(() => engine.start(), 60_000);
  afterAll(() => engine.stop());
  afterEach(() => engine.closeAll());

  it('gives a clerk the tickets of their departments, the intake queue and what everyone sees, and nothing else', async () => {
    const { db } = await engine.open();
    await db.push('tickets', [insert(ticket('ta', 'A')), insert(ticket('tb', 'B')), insert(ticket('ti', ''))]);
    await db.push('departments', [insert({ id: 'A', name: 'Urbanismo', _deleted: false }), insert({ id: 'B', name: 'Padrón', _deleted: false })]);
    await db.push('templates', [
      insert({ id: 'tpl-a', key: 'acuse', departmentId: 'A', _deleted: false }),
      insert({ id: 'tpl-b', key: 'acuse', departmentId: 'B', _deleted: false }),
      insert({ id: 'tpl-all', key: 'saludo', _deleted: false }),
    ]);
    const clerk = { scopes: ['A', ''] };

    expect(ids((await pullAll(db, 'tickets', clerk)).documents).sort()).toEqual(['ta', 'ti']);
    expect(ids((await pullAll(db, 'departments', clerk)).documents).sort()).toEqual(['A', 'B']);
    // Routing runs alike on every workstation: every department's templates reach everyone.
    expect(ids((await pullAll(db, 'templates', clerk)).documents).sort()).toEqual(['tpl-a', 'tpl-all', 'tpl-b']);
    expect(ids((await pullAll(db, 'tickets', { scopes: [] })).documents)).toEqual([]);
    expect(ids((await pullAll(db, 'tickets', { scopes: 'all' })).documents).sort()).toEqual(['ta', 'tb', 'ti']);
    const stored = await db.getDocuments('tickets', ['ta', 'tb', 'ti']);
    expect(Object.fromEntries(stored.map((row) => [row.id, row.scope]))).toEqual({ ta: 'A', tb: 'B', ti: '' });
  });

  it('takes a moved ticket and its messages out of the old department replicas, and brings them back when it returns', async () => {
    const { db } = await engine.open();
    const inA = ticket('t1', 'A');
    const inB = { ...inA, departmentId: 'B' };
    const thread = [message('m1', 't1'), message('m2', 't1')];
    await db.push('tickets', [insert(inA), insert(ticket('t2', 'A'))]);
    await db.push('messages', thread.map(insert));
    const clerkA = replicaOf(db, ['A']);
    const clerkB = replicaOf(db, ['B']);
    const clerkAB = replicaOf(db, ['A', 'B']);
    await Promise.all([clerkA.sync(), clerkB.sync(), clerkAB.sync()]);
    expect(clerkA.visible('messages')).toEqual(['m1', 'm2']);
    expect(clerkB.visible('tickets')).toEqual([]);
    const storedThread = await db.getDocuments('messages', ['m1', 'm2']);

    // A supervisor moves the ticket to B; no workstation pushes any deletion.
    await db.push('tickets', [change(inA, inB)]);

    expect(await clerkA.sync()).toEqual({ tickets: ['t1'], messages: ['m1', 'm2'] });
    expect(clerkA.visible('tickets')).toEqual(['t2']);
    expect(clerkA.visible('messages')).toEqual([]);
    expect(clerkA.get('tickets', 't1')).toEqual({ ...inB, _deleted: true });
    expect(clerkA.get('messages', 'm1')).toEqual({ ...thread[0], _deleted: true });
    expect(await clerkB.sync()).toEqual({ tickets: ['t1'], messages: ['m1', 'm2'] });
    expect(clerkB.visible('tickets')).toEqual(['t1']);
    expect(clerkB.visible('messages')).toEqual(['m1', 'm2']);
    // Who serves both departments keeps everything, with no tombstone on the way.
    await clerkAB.sync();
    expect(clerkAB.get('tickets', 't1')).toEqual(inB);
    expect(clerkAB.visible('messages')).toEqual(['m1', 'm2']);

    // The stored documents are untouched: only their scope and updatedAt changed.
    const movedThread = await db.getDocuments('messages', ['m1', 'm2']);
    expect(movedThread.map((row) => row.body)).toEqual(storedThread.map((row) => row.body));
    expect(movedThread.map((row) => row.scope)).toEqual(['B', 'B']);
    expect(movedThread[0]!.updatedAt).toBeGreaterThan(storedThread[0]!.updatedAt);
    expect((await db.getDocuments('tickets', ['t1']))[0]).toMatchObject({ deleted: false, body: JSON.stringify(inB) });

    // And back to A.
    await db.push('tickets', [change(inB, inA)]);
    expect(await clerkA.sync()).toEqual({ tickets: ['t1'], messages: ['m1', 'm2'] });
    expect(clerkA.visible('tickets')).toEqual(['t1', 't2']);
    expect(clerkA.visible('messages')).toEqual(['m1', 'm2']);
    expect(clerkA.get('messages', 'm2')).toEqual(thread[1]);
    await clerkB.sync();
    expect(clerkB.visible('tickets')).toEqual([]);
    expect(clerkB.visible('messages')).toEqual([]);
  });

  it('takes a ticket a clerk creates straight into another department out of their replica, with its messages, and brings it back when it returns', async () => {
    const { db } = await engine.open();
    const clerkA = replicaOf(db, ['A', '']);
    const colleagueA = replicaOf(db, ['A', '']);
    const clerkB = replicaOf(db, ['B', '']);
    await db.push('tickets', [insert(ticket('ta', 'A'))]);
    await Promise.all([clerkA.sync(), colleagueA.sync(), clerkB.sync()]);

    // Routed at the counter straight to B, with the visit written down: both are in A's replica.
    const routed = ticket('tb', 'B');
    const visit = message('mb', 'tb');
    clerkA.hold('tickets', routed);
    clerkA.hold('messages', visit);
    await db.push('tickets', [insert(routed)], { pusher: clerkOf(['A']) });
    await db.push('messages', [insert(visit)], { pusher: clerkOf(['A']) });

    expect(await clerkA.sync()).toEqual({ tickets: ['tb'], messages: ['mb'] });
    expect(clerkA.visible('tickets')).toEqual(['ta']);
    expect(clerkA.visible('messages')).toEqual([]);
    // B's clerks get it as a new case, with no tombstone on the way.
    expect(await clerkB.sync()).toEqual({ tickets: ['tb'], messages: ['mb'] });
    expect(clerkB.get('tickets', 'tb')).toEqual(routed);
    // Who shares A with the creator gets the tombstone of a case they never had: harmless.
    await colleagueA.sync();
    expect(colleagueA.visible('tickets')).toEqual(['ta']);

    // Sent back to A by B's supervisor: it returns, with its message.
    await db.push('tickets', [change(routed, { ...routed, departmentId: 'A' })]);
    expect(await clerkA.sync()).toEqual({ tickets: ['tb'], messages: ['mb'] });
    expect(clerkA.visible('tickets')).toEqual(['ta', 'tb']);
    expect(clerkA.get('messages', 'mb')).toEqual(visit);
  });

  it('records no exit for what a pusher creates where they see it, or for a pusher who sees everything', async () => {
    const { db } = await engine.open();
    await db.push('tickets', [insert(ticket('t-own', 'A')), insert(ticket('t-intake', ''))], { pusher: clerkOf(['A']) });
    await db.push('tickets', [insert(ticket('t-admin', 'B'))]);
    const clerkA = replicaOf(db, ['A', '']);
    await clerkA.sync();
    expect(clerkA.visible('tickets')).toEqual(['t-intake', 't-own']);
    expect(clerkA.get('tickets', 't-admin')).toBeUndefined();
  });

  it('keeps a message whose ticket is not there yet in the intake queue until the ticket arrives', async () => {
    const { db } = await engine.open();
    await db.push('messages', [insert(message('early', 'late-ticket'))]);
    expect((await db.getDocuments('messages', ['early']))[0]!.scope).toBe('');
    const intake = replicaOf(db, ['']);
    const clerkA = replicaOf(db, ['A']);
    await Promise.all([intake.sync(), clerkA.sync()]);
    expect(intake.visible('messages')).toEqual(['early']);

    await db.push('tickets', [insert(ticket('late-ticket', 'A'))]);
    expect((await db.getDocuments('messages', ['early']))[0]!.scope).toBe('A');
    await Promise.all([intake.sync(), clerkA.sync()]);
    expect(intake.visible('messages')).toEqual([]);
    expect(clerkA.visible('messages')).toEqual(['early']);

    // Messages of a known ticket take its scope at once.
    await db.push('messages', [insert(message('reply', 'late-ticket'))]);
    expect((await db.getDocuments('messages', ['reply']))[0]!.scope).toBe('A');
  });

  it('sends one tombstone per page for a document that left several of the puller departments', async () => {
    const { db } = await engine.open();
    const steps = ['A', 'B', 'C'].map((departmentId) => ticket('wanderer', departmentId));
    await db.push('tickets', [insert(steps[0]!)]);
    await db.push('tickets', [change(steps[0]!, steps[1]!)]);
    await db.push('tickets', [change(steps[1]!, steps[2]!)]);
    const { documents } = await db.pull('tickets', null, 10, { scopes: ['A', 'B'] });
    expect(documents).toEqual([{ ...steps[2], _deleted: true }]);
    expect((await db.pull('tickets', null, 10, { scopes: ['C'] })).documents).toEqual([steps[2]]);
  });

  it('gives the rules of every department to everyone, whatever department they move to', async () => {
    const { db } = await engine.open();
    const rule = { id: 'r1', name: 'Licencias', order: 1, enabled: true, _deleted: false };
    await db.push('rules', [insert({ ...rule, departmentId: 'A' })]);
    const clerkB = { scopes: ['B'] };
    expect((await db.pull('rules', null, 10, clerkB)).documents).toEqual([{ ...rule, departmentId: 'A' }]);
    await db.push('rules', [change({ ...rule, departmentId: 'A' }, { ...rule, departmentId: 'C' })]);
    expect((await db.pull('rules', null, 10, clerkB)).documents).toEqual([{ ...rule, departmentId: 'C' }]);
  });

  it('lets a push choose the scope of its documents', async () => {
    const { db } = await engine.open();
    await db.push('citizens', [insert({ id: 'c1', name: 'Ana', _deleted: false })], { scopeOf: () => 'A' });
    expect((await db.getDocuments('citizens', ['c1']))[0]!.scope).toBe('A');
    expect((await db.pull('citizens', null, 10, { scopes: ['B'] })).documents).toEqual([]);
  });
});
