import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseEvent } from './index';
import { databaseEngines } from '../test-support/server-databases';
import { change, insert, message, ticket } from '../test-support/replication-fixtures';

describe.each(databaseEngines())('change events on $name', (engine) => {
  beforeAll(() => engine.start(), 60_000);
  afterAll(() => engine.stop());
  afterEach(() => engine.closeAll());

  it('announces each commit with its collection and updatedAt once it is committed', async () => {
    const { db } = await engine.open();
    const heard: DatabaseEvent[] = [];
    db.subscribe((event) => heard.push(event));
    await db.push('messages', [insert(message('m1', 't1'))]);
    expect(heard).toHaveLength(1);
    // Committed before anyone hears of it: a pull on the event finds the document.
    const lastEvent = heard[0] as Extract<DatabaseEvent, { type: 'change' }>;
    expect((await db.pull('messages', { id: '', updatedAt: lastEvent.updatedAt - 1 }, 10)).documents).toHaveLength(1);

    const moved = await db.push('tickets', [insert(ticket('t1', 'A'))]);
    const messageMoved = (await db.getDocuments('messages', ['m1']))[0]!.updatedAt;
    expect(heard.slice(1)).toEqual([
      { type: 'change', collection: 'tickets', updatedAt: moved.updatedAt },
      { type: 'change', collection: 'messages', updatedAt: messageMoved },
    ]);
  });

  it('announces nothing for a push that wrote nothing', async () => {
    const { db } = await engine.open();
    const stored = ticket('t1', 'A');
    await db.push('tickets', [insert(stored)]);
    const heard: DatabaseEvent[] = [];
    db.subscribe((event) => heard.push(event));
    await db.push('tickets', [insert({ ...stored, subject: 'conflict' })]);
    await db.push('tickets', [insert(stored)]);
    await db.push('tickets', [change(stored, { ...stored, departmentId: 'B' })], { authorize: () => 'no' });
    expect(heard).toEqual([]);
  });

  it('streams the events as an async iterable until the consumer stops', async () => {
    const { db } = await engine.open();
    const controller = new AbortController();
    const stream = db.changes(controller.signal);
    const first = await db.push('tickets', [insert(ticket('t1', 'A'))]);
    const second = await db.push('tickets', [insert(ticket('t2', 'A'))]);
    const received: DatabaseEvent[] = [];
    for await (const event of stream) {
      received.push(event);
      if (received.length === 2) controller.abort();
    }
    expect(received).toEqual([
      { type: 'change', collection: 'tickets', updatedAt: first.updatedAt },
      { type: 'change', collection: 'tickets', updatedAt: second.updatedAt },
    ]);
  });

  it('ends the event streams when the database closes', async () => {
    const { db } = await engine.open();
    const stream = db.changes()[Symbol.asyncIterator]();
    const next = stream.next();
    await db.close();
    expect(await next).toEqual({ value: undefined, done: true });
  });
});
