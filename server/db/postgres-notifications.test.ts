import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseEvent } from './index';
import { postgresEngine } from '../test-support/server-databases';
import { ids, insert, message, nextEvent, pullAll, ticket } from '../test-support/replication-fixtures';

describe('several server processes on one PostgreSQL', () => {
  const engine = postgresEngine();
  beforeAll(() => engine.start(), 60_000);
  afterAll(() => engine.stop());
  afterEach(() => engine.closeAll());

  it('tells every server process about every commit, and each process once about its own', async () => {
    const { db: first, where } = await engine.open();
    const { db: second } = await engine.open(where);
    const heardByFirst: DatabaseEvent[] = [];
    const heardBySecond: DatabaseEvent[] = [];
    first.subscribe((event) => heardByFirst.push(event));
    second.subscribe((event) => heardBySecond.push(event));

    const secondHearsMessages = nextEvent(second, (event) => event.type === 'change' && event.collection === 'messages');
    const messages = await first.push('messages', [insert(message('m1', 't1'))]);
    await secondHearsMessages;
    const firstHearsTickets = nextEvent(first, (event) => event.type === 'change' && event.collection === 'tickets');
    // A new ticket with a waiting message: one commit, two collections.
    const tickets = await second.push('tickets', [insert(ticket('t1', 'A'))]);
    await firstHearsTickets;
    const messageMoved = (await first.getDocuments('messages', ['m1']))[0]!.updatedAt;

    const expected: DatabaseEvent[] = [
      { type: 'change', collection: 'messages', updatedAt: messages.updatedAt! },
      { type: 'change', collection: 'tickets', updatedAt: tickets.updatedAt! },
      { type: 'change', collection: 'messages', updatedAt: messageMoved },
    ];
    // NOTIFYs arrive in commit order, so once the last one is in nothing more can follow.
    if (heardByFirst.length < 3) await nextEvent(first, (event) => event.type === 'change' && event.collection === 'messages');
    expect(heardByFirst).toEqual(expected);
    expect(heardBySecond).toEqual(expected);
  });

  it('keeps pushing and pulling after PostgreSQL restarts, and tells the listeners to resync', async () => {
    const { db: first, where } = await engine.open();
    const { db: second } = await engine.open(where);
    await first.push('tickets', [insert(ticket('before', 'A'))]);
    const resyncs = [first, second].map((db) => nextEvent(db, (event) => event.type === 'resync', 30_000));

    await engine.cluster!.restart({
      whileDown: async () => {
        await expect(first.push('tickets', [insert(ticket('during', 'A'))])).rejects.toThrow();
        await expect(second.pull('tickets', null, 10)).rejects.toThrow();
      },
    });
    await Promise.all(resyncs);

    const secondHears = nextEvent(second, (event) => event.type === 'change' && event.collection === 'tickets');
    const after = await first.push('tickets', [insert(ticket('after', 'A'))]);
    expect(after.written).toEqual(['after']);
    expect(await secondHears).toEqual({ type: 'change', collection: 'tickets', updatedAt: after.updatedAt });
    expect(ids((await pullAll(second, 'tickets')).documents)).toEqual(['before', 'after']);
  });

  it('applies the migrations once when several processes open a new database at the same time', async () => {
    const where = await engine.newDatabase();
    const opened = await Promise.all([engine.open(where), engine.open(where), engine.open(where)]);
    await opened[0]!.db.push('tickets', [insert(ticket('one', 'A'))]);
    expect(ids((await pullAll(opened[2]!.db, 'tickets')).documents)).toEqual(['one']);
  });
});
