import { afterEach, describe, expect, it } from 'vitest';
import { parseStreamEvent } from '../core/sync/replication-protocol';
import { findEndOfFeed } from './replication/change-stream';
import { databaseEngines } from './test-support/server-databases';
import { insertRow, messageDoc, ticketDoc, updateRow } from './test-support/council-documents';
import { eventData, openSse, type SseItem, type SseReader } from './test-support/sse-reader';
import { addUser, apiClient, tokenFor, useTestServers, type TestServer } from './test-support/test-server';

const isChange = (collection: string) => (item: SseItem) => eventData(item)?.type === 'changes' && eventData(item)?.collection === collection;
const ids = (item: SseItem) => ((eventData(item)?.documents ?? []) as { id: string }[]).map((document) => document.id);

describe.each(databaseEngines())('the change stream on $name', (engine) => {
  const start = useTestServers(engine);
  const streams: SseReader[] = [];
  // Registered after the servers' hooks, so it runs before them: streams close before their servers.
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });

  async function stream(server: TestServer, token: string) {
    const reader = await openSse(`${server.url}/api/v1/replication/stream`, token);
    streams.push(reader);
    return reader;
  }

  it('opens with a resync of every collection, then keeps the connection alive with heartbeat comments', async () => {
    const server = await start({ heartbeatMs: 100 });
    const clerk = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const reader = await stream(server, tokenFor(clerk));

    expect(reader.status).toBe(200);
    expect(reader.contentType).toBe('text/event-stream; charset=utf-8');
    expect(await reader.next()).toEqual({ kind: 'retry', ms: 2000 });
    const first = await reader.next();
    expect(first.kind === 'event' && parseStreamEvent(first.data)).toEqual({ ok: true, value: { type: 'resync' } });
    expect(await reader.next((item) => item.kind === 'comment', 2_000)).toEqual({ kind: 'comment', text: 'heartbeat' });
  });

  it('streams a push from another workstation within a second, and only what the user may see', async () => {
    const server = await start();
    const ana = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const luis = await addUser(server.db, 'luis', 'clerk', ['urbanismo']);
    const admin = await addUser(server.db, 'admin', 'admin');
    const anaStream = await stream(server, tokenFor(ana));
    const adminStream = await stream(server, tokenFor(admin));
    await anaStream.next((item) => item.kind === 'event');
    await adminStream.next((item) => item.kind === 'event');
    const client = apiClient(server.url);

    await client.push(tokenFor(admin), 'tickets', [insertRow(ticketDoc('t-padron', 'padron'))]);
    await client.push(tokenFor(admin), 'messages', [insertRow(messageDoc('m-padron', 't-padron'))]);
    const pushedAt = performance.now();
    expect((await client.push(tokenFor(luis), 'tickets', [insertRow(ticketDoc('t-urb', 'urbanismo'))])).status).toBe(200);
    const event = await anaStream.next(isChange('tickets'), 1_000);
    expect(performance.now() - pushedAt).toBeLessThan(1_000);
    expect(ids(event)).toEqual(['t-urb']);
    const parsed = event.kind === 'event' ? parseStreamEvent(event.data) : undefined;
    expect(parsed).toMatchObject({ ok: true, value: { type: 'changes', collection: 'tickets', checkpoint: { id: 't-urb' } } });

    // The administrator sees everything.
    await adminStream.next((item) => isChange('tickets')(item) && ids(item).includes('t-urb'), 1_000);
    expect(adminStream.items.filter(isChange('tickets')).flatMap(ids)).toEqual(['t-padron', 't-urb']);
    expect(adminStream.items.filter(isChange('messages')).flatMap(ids)).toEqual(['m-padron']);
    // Nothing of padron ever reached the clerk.
    await client.push(tokenFor(luis), 'tickets', [insertRow(ticketDoc('t-urb-2', 'urbanismo'))]);
    await anaStream.next((item) => isChange('tickets')(item) && ids(item).includes('t-urb-2'), 1_000);
    const seen = anaStream.items.flatMap((item) => (item.kind === 'event' ? [item.data] : []));
    expect(seen.join('\n')).not.toContain('padron');
  });

  it('streams a ticket that leaves the clerk’s departments as a deletion, with its messages', async () => {
    const server = await start();
    const ana = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const admin = tokenFor(await addUser(server.db, 'admin', 'admin'));
    const client = apiClient(server.url);
    const ticket = ticketDoc('t1', 'urbanismo');
    await client.push(admin, 'tickets', [insertRow(ticket)]);
    await client.push(admin, 'messages', [insertRow(messageDoc('m1', 't1'))]);
    const reader = await stream(server, tokenFor(ana));
    await reader.next((item) => item.kind === 'event');

    await client.push(admin, 'tickets', [updateRow(ticket, { ...ticket, departmentId: 'padron' })]);
    // Each collection streams on its own: the two events may come in either order.
    const seen = new Set<string>();
    while (seen.size < 2) seen.add(String(eventData(await reader.next((item) => isChange('tickets')(item) || isChange('messages')(item), 1_000))?.collection));
    const documentsOf = (collection: string) => reader.items.filter(isChange(collection)).flatMap((item) => eventData(item)?.documents as unknown[]);
    // Trimmed: what the workstation's schema requires, without the subject or the note's text.
    expect(documentsOf('tickets')).toEqual([{ ...ticket, departmentId: 'padron', subject: '', _deleted: true }]);
    expect(documentsOf('messages')).toEqual([{ ...messageDoc('m1', 't1'), text: '', _deleted: true }]);
  });

  it('ends the stream when the access token that opened it expires, and refuses one without a token', async () => {
    const server = await start();
    const ana = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
    const reader = await stream(server, tokenFor(ana, 300));
    await reader.next((item) => item.kind === 'event');
    await expect(Promise.race([reader.ended.then(() => 'ended'), new Promise((resolve) => setTimeout(resolve, 2_000, 'still open'))])).resolves.toBe('ended');

    const refused = await fetch(`${server.url}/api/v1/replication/stream`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('finds the end of a collection’s feed, also when updatedAt has run ahead of the clock', async () => {
    const server = await start();
    expect(await findEndOfFeed(server.db, 'tickets')).toBeNull();
    const now = Date.now();
    await server.db.push('tickets', [insertRow(ticketDoc('a', ''))], { now: now - 86_400_000 });
    expect(await findEndOfFeed(server.db, 'tickets', now)).toBe(now - 86_400_000);
    const result = await server.db.push('tickets', [insertRow(ticketDoc('b', ''))], { now: now + 5_000 });
    expect(await findEndOfFeed(server.db, 'tickets', now)).toBe(result.updatedAt);
  });

  if (engine.name === 'postgres') {
    it('streams a push to one server process from another on the same PostgreSQL within a second', async () => {
      const first = await start();
      const second = await start({ where: first.where });
      const ana = await addUser(first.db, 'ana', 'clerk', ['urbanismo']);
      const reader = await stream(second, tokenFor(ana));
      await reader.next((item) => item.kind === 'event');

      const pushedAt = performance.now();
      expect((await apiClient(first.url).push(tokenFor(ana), 'tickets', [insertRow(ticketDoc('t1', 'urbanismo'))])).status).toBe(200);
      const event = await reader.next(isChange('tickets'), 1_000);
      expect(performance.now() - pushedAt).toBeLessThan(1_000);
      expect(ids(event)).toEqual(['t1']);
    });

    it('tells every stream to resync after PostgreSQL restarts, and streams again afterwards', async () => {
      const server = await start();
      const ana = await addUser(server.db, 'ana', 'clerk', ['urbanismo']);
      const reader = await stream(server, tokenFor(ana));
      await reader.next((item) => item.kind === 'event');

      await engine.cluster!.restart();
      const resync = await reader.next((item) => eventData(item)?.type === 'resync', 15_000);
      expect(eventData(resync)).toEqual({ type: 'resync' });
      const client = apiClient(server.url);
      // The pool may hand out a connection PostgreSQL closed (503): the client retries, as RxDB does.
      let pushed = await client.push(tokenFor(ana), 'tickets', [insertRow(ticketDoc('t1', 'urbanismo'))]);
      for (let attempt = 0; pushed.status === 503 && attempt < 3; attempt++) {
        pushed = await client.push(tokenFor(ana), 'tickets', [insertRow(ticketDoc('t1', 'urbanismo'))]);
      }
      expect(pushed.status).toBe(200);
      expect(ids(await reader.next(isChange('tickets'), 2_000))).toEqual(['t1']);
    });
  }
});
