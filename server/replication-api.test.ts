import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PUSH_ROWS_MAX, pullQueryString, type PullResponse, type ReplicationCheckpoint } from '../core/sync/replication-protocol';
import { databaseEngines } from './test-support/server-databases';
import { byteOrder } from './test-support/replication-fixtures';
import { departmentDoc, insertRow, messageDoc, templateDoc, ticketDoc, updateRow, userDoc } from './test-support/council-documents';
import { addUser, apiClient, startTestServer, tokenFor, type TestServer } from './test-support/test-server';

const EXOTIC_IDS = ['a', 'Z', 'ä', 'ñandú', '[x]', '"quoted"', "it's", 'a&b=c', 'a+b', 'a%20b', 'a/b', '#hash', '?q', 'emoji 😀', '😀', '\uE000', '\uFFFD', 'ß', ' space'];

describe.each(databaseEngines())('the replication API on $name', (engine) => {
  let server: TestServer | undefined;
  beforeAll(() => engine.start(), 60_000);
  afterAll(() => engine.stop());
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await engine.closeAll();
  });

  /** A server with an admin, a clerk of urbanismo and a supervisor of padron. */
  async function council() {
    server = await startTestServer(engine);
    const admin = await addUser(server.db, 'admin', 'admin');
    const clerk = await addUser(server.db, 'clerk', 'clerk', ['urbanismo']);
    const supervisor = await addUser(server.db, 'supervisor', 'supervisor', ['padron']);
    return { server, client: apiClient(server.url), admin: tokenFor(admin), clerk: tokenFor(clerk), supervisor: tokenFor(supervisor) };
  }

  async function pullEverything(client: ReturnType<typeof apiClient>, token: string, collection: string, limit: number) {
    const documents: Record<string, unknown>[] = [];
    let checkpoint: ReplicationCheckpoint | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const answer = await client.pull(token, collection, pullQueryString({ checkpoint, limit }));
      expect(answer.status).toBe(200);
      const page = answer.body as PullResponse;
      expect(page.documents.length).toBeLessThanOrEqual(limit);
      if (page.documents.length === 0) {
        expect(page.checkpoint).toEqual(checkpoint);
        return documents;
      }
      documents.push(...page.documents);
      checkpoint = page.checkpoint;
    }
    throw new Error('the pull never ended');
  }

  it('pages documents written together by id in byte order, exotic ids in URL-encoded checkpoints, each exactly once', async () => {
    const { client, admin } = await council();
    const pushed = await client.push(admin, 'tickets', EXOTIC_IDS.map((id) => insertRow(ticketDoc(id, 'urbanismo'))));
    expect(pushed).toMatchObject({ status: 200, body: [] });

    for (const limit of [1, 2, 5]) {
      const documents = await pullEverything(client, admin, 'tickets', limit);
      expect(documents.map((document) => document.id)).toEqual([...EXOTIC_IDS].sort(byteOrder));
    }
  });

  it('honours limit and refuses a limit out of range, a lone id or an unknown parameter with a reason', async () => {
    const { client, admin } = await council();
    await client.push(admin, 'tickets', ['t1', 't2', 't3', 't4', 't5'].map((id) => insertRow(ticketDoc(id, ''))));

    const three = (await client.pull(admin, 'tickets', 'limit=3')).body as PullResponse;
    expect(three.documents.map((document) => document.id)).toEqual(['t1', 't2', 't3']);
    const rest = (await client.pull(admin, 'tickets', pullQueryString({ checkpoint: three.checkpoint, limit: 3 }))).body as PullResponse;
    expect(rest.documents.map((document) => document.id)).toEqual(['t4', 't5']);

    for (const [query, message] of [
      ['limit=0', /query\.limit must be/],
      ['limit=1001', /query\.limit must be a whole number of documents from 1 to 1000/],
      ['limit=-5', /query\.limit/],
      ['id=t1', /query\.updatedAt is missing/],
      ['updatedat=5', /has a field it does not know: "updatedat"/],
      ['limit=2&limit=3', /query\.limit/],
    ] as const) {
      const answer = await client.pull(admin, 'tickets', query);
      expect(answer.status, query).toBe(400);
      expect(answer.body).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(message) } });
    }
    expect((await client.pull(admin, 'expedientes')).body).toMatchObject({ ok: false, error: { code: 'unknown_collection' } });
    expect((await client.pull(admin, 'expedientes')).status).toBe(404);
  });

  it('cuts a page of large documents to the byte budget, never below one document, and pages on exactly from there', async () => {
    server = await startTestServer(engine, { pullByteBudget: 5_000 });
    const admin = tokenFor(await addUser(server.db, 'admin', 'admin'));
    const client = apiClient(server.url);
    const ids = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];
    await client.push(admin, 'tickets', [insertRow(ticketDoc('t1', ''))]);
    await client.push(admin, 'messages', ids.map((id, index) => insertRow(messageDoc(id, 't1', { text: 'x'.repeat(index === 3 ? 9_000 : 1_500) }))));

    const sizes: number[] = [];
    let checkpoint: ReplicationCheckpoint | null = null;
    const seen: unknown[] = [];
    for (;;) {
      const page = (await client.pull(admin, 'messages', pullQueryString({ checkpoint, limit: 100 }))).body as PullResponse;
      if (page.documents.length === 0) break;
      sizes.push(page.documents.length);
      seen.push(...page.documents.map((document) => document.id));
      checkpoint = page.checkpoint;
    }
    expect(seen).toEqual(ids);
    // About three 1.5 KB messages fit in 5 KB; the 9 KB one travels alone.
    expect(sizes).toEqual([3, 1, 3]);
  });

  it('gives a clerk the tickets and messages of their departments and the intake queue, and nothing of the others', async () => {
    const { client, admin, clerk } = await council();
    await client.push(admin, 'tickets', [insertRow(ticketDoc('mine', 'urbanismo')), insertRow(ticketDoc('intake', '')), insertRow(ticketDoc('theirs', 'padron'))]);
    await client.push(admin, 'messages', [insertRow(messageDoc('m-mine', 'mine')), insertRow(messageDoc('m-theirs', 'theirs'))]);

    expect((await pullEverything(client, clerk, 'tickets', 10)).map((document) => document.id).sort()).toEqual(['intake', 'mine']);
    expect((await pullEverything(client, clerk, 'messages', 10)).map((document) => document.id)).toEqual(['m-mine']);
    expect((await pullEverything(client, clerk, 'users', 10)).map((document) => document.id).sort()).toEqual(['admin', 'clerk', 'supervisor']);
    expect((await pullEverything(client, admin, 'tickets', 10))).toHaveLength(3);
  });

  it('stores a pushed ticket exactly as sent, answers a stale write with the stored document, and takes a retry as a success', async () => {
    const { server, client, clerk } = await council();
    // Keys in an unusual order and a unicode subject: the stored body must be this very text.
    const sent = Object.fromEntries(Object.entries(ticketDoc('t1', 'urbanismo', { subject: 'Licencia de obra menor — calle Mayor, 3º' })).reverse());
    expect(await client.push(clerk, 'tickets', [insertRow(sent)])).toMatchObject({ status: 200, body: [] });
    const [stored] = await server.db.getDocuments('tickets', ['t1']);
    expect(stored?.body).toBe(JSON.stringify(sent));

    const retry = await client.push(clerk, 'tickets', [insertRow(sent)]);
    expect(retry).toMatchObject({ status: 200, body: [] });
    const edited = { ...sent, status: 'open' };
    expect((await client.push(clerk, 'tickets', [updateRow(sent, edited)])).body).toEqual([]);
    const stale = await client.push(clerk, 'tickets', [updateRow(sent, { ...sent, priority: 'high' })]);
    expect(stale).toMatchObject({ status: 200, body: [edited] });
  });

  it('refuses a clerk pushing a ticket of another department with 403, stores nothing of the push, and audits it', async () => {
    const { server, client, admin, clerk } = await council();
    const theirs = ticketDoc('t-padron', 'padron');
    await client.push(admin, 'tickets', [insertRow(theirs)]);

    const answer = await client.push(clerk, 'tickets', [
      insertRow(ticketDoc('t-new', 'urbanismo')),
      updateRow(theirs, { ...theirs, departmentId: 'urbanismo', subject: 'mío ahora' }),
    ]);
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'push refused, nothing was stored: ticket "t-padron" is in department "padron", which is not one of yours' },
    });
    expect(await server.db.getDocuments('tickets', ['t-new'])).toEqual([]);
    const [stored] = await server.db.getDocuments('tickets', ['t-padron']);
    expect(JSON.parse(stored!.body)).toEqual(theirs);
    const entries = await server.db.audit.query({ action: 'push', outcome: 'refused' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      userId: 'clerk',
      collection: 'tickets',
      documentId: 't-padron',
      reason: 'ticket "t-padron" is in department "padron", which is not one of yours',
      detail: { code: 'forbidden', role: 'clerk', via: 'http', ip: '127.0.0.1' },
    });
    expect(entries[0]!.at).toBeGreaterThan(Date.now() - 60_000);

    // RxDB retries a refused push every few seconds: refused again, audited once an hour.
    const again = await client.push(clerk, 'tickets', [updateRow(theirs, { ...theirs, departmentId: 'urbanismo', subject: 'mío ahora' })]);
    expect(again.status).toBe(403);
    expect(await server.db.audit.query({ action: 'push', outcome: 'refused' })).toHaveLength(1);
  });

  it('lets a clerk route their own ticket to another department, and create a ticket straight into one, but not touch it afterwards', async () => {
    const { client, clerk } = await council();
    const mine = ticketDoc('t1', 'urbanismo');
    expect((await client.push(clerk, 'tickets', [insertRow(mine)])).status).toBe(200);
    const routed = { ...mine, departmentId: 'padron' };
    expect(await client.push(clerk, 'tickets', [updateRow(mine, routed)])).toMatchObject({ status: 200, body: [] });
    // Gone from the clerk's view: the pull answers it deleted, trimmed of what the citizen said.
    const pulled = await pullEverything(client, clerk, 'tickets', 10);
    expect(pulled).toEqual([{ ...routed, subject: '', _deleted: true }]);
    // Changing it now, or even asking for its state by conflicting, is refused.
    expect((await client.push(clerk, 'tickets', [updateRow(routed, { ...routed, subject: 'otra vez' })])).status).toBe(403);
    expect((await client.push(clerk, 'tickets', [insertRow({ ...mine, subject: 'adivina' })])).status).toBe(403);
    // Mail ingestion and routing rules create tickets straight into a department.
    expect(await client.push(clerk, 'tickets', [insertRow(ticketDoc('t2', 'hacienda'))])).toMatchObject({ status: 200, body: [] });
    expect(await client.push(clerk, 'messages', [insertRow(messageDoc('m2', 't2'))])).toMatchObject({ status: 200, body: [] });
    // They were in the clerk's replica, where the clerk wrote them: they leave it as the routed one did.
    expect(await pullEverything(client, clerk, 'tickets', 10)).toEqual([
      { ...routed, subject: '', _deleted: true },
      { ...ticketDoc('t2', 'hacienda'), subject: '', _deleted: true },
    ]);
    expect(await pullEverything(client, clerk, 'messages', 10)).toEqual([{ ...messageDoc('m2', 't2'), text: '', _deleted: true }]);
  });

  it('refuses a forged document that breaks its schema with 400, stores nothing, and audits it', async () => {
    const { server, client, clerk } = await council();
    const forged = { ...ticketDoc('t-forged', 'urbanismo'), status: 'borrado', isAdmin: true };
    const answer = await client.push(clerk, 'tickets', [insertRow(ticketDoc('t-fine', 'urbanismo')), insertRow(forged)]);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ ok: false, error: { code: 'invalid_document', message: expect.stringMatching(/^push\[1\] \("t-forged"\): tickets/) } });
    expect(await server.db.getDocuments('tickets', ['t-fine', 't-forged'])).toEqual([]);
    const [entry] = await server.db.audit.query({ action: 'push', outcome: 'refused' });
    expect(entry).toMatchObject({ userId: 'clerk', collection: 'tickets', documentId: 't-forged', detail: { code: 'invalid_document' } });

    const meta = await client.push(clerk, 'tickets', [insertRow({ ...ticketDoc('t-meta', 'urbanismo'), _meta: { lwt: 1 }, _rev: '1-x' })]);
    expect(meta).toMatchObject({ status: 400, body: { error: { code: 'invalid_document' } } });
    const envelope = await client.push(clerk, 'tickets', { rows: [] });
    expect(envelope).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: expect.stringMatching(/^push must be a list/) } } });
    const twice = await client.push(clerk, 'tickets', [insertRow(ticketDoc('t', '')), insertRow(ticketDoc('t', ''))]);
    expect(twice).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: expect.stringContaining('a second time') } } });
    const tooMany = Array.from({ length: PUSH_ROWS_MAX + 1 }, (_, index) => insertRow(ticketDoc(`t${index}`, '')));
    expect(await client.push(clerk, 'tickets', tooMany)).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
  });

  it('keeps departments, users and calendars to administrators, and templates to supervisors of their own department', async () => {
    const { server, client, admin, clerk, supervisor } = await council();
    const refused = await client.push(clerk, 'departments', [insertRow(departmentDoc('urbanismo'))]);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: 'only administrators write departments; nothing was stored' } } });
    expect((await client.push(supervisor, 'users', [insertRow(userDoc('x', 'x@ayto-villanueva.example', 'admin', []))])).status).toBe(403);
    expect((await client.push(clerk, 'templates', [insertRow(templateDoc('tpl-u', 'urbanismo'))])).status).toBe(403);

    expect(await client.push(supervisor, 'templates', [insertRow(templateDoc('tpl-p', 'padron'))])).toMatchObject({ status: 200, body: [] });
    const otherDepartment = await client.push(supervisor, 'templates', [insertRow(templateDoc('tpl-u', 'urbanismo'))]);
    expect(otherDepartment).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining('department "urbanismo", which you do not supervise') } } });
    expect((await client.push(supervisor, 'templates', [insertRow(templateDoc('tpl-all', undefined))])).status).toBe(403);
    expect(await client.push(admin, 'departments', [insertRow(departmentDoc('urbanismo'))])).toMatchObject({ status: 200, body: [] });

    const written = await server.db.audit.query({ outcome: 'ok', action: 'write' });
    expect(written.map((entry) => [entry.userId, entry.collection, entry.documentId])).toEqual([
      ['supervisor', 'templates', 'tpl-p'],
      ['admin', 'departments', 'urbanismo'],
    ]);
  });

  it('makes the account follow a users document an administrator pushes: rights, and whether it may sign in', async () => {
    const { server, client, admin } = await council();
    const [row] = await server.db.getDocuments('users', ['clerk']);
    const before = JSON.parse(row!.body) as Record<string, unknown>;
    const after = { ...before, role: 'supervisor', departmentIds: ['urbanismo', 'padron'] };
    expect(await client.push(admin, 'users', [updateRow(before, after)])).toMatchObject({ status: 200, body: [] });
    expect(await server.db.users.byId('clerk')).toMatchObject({ role: 'supervisor', departmentIds: ['urbanismo', 'padron'], active: true });

    expect((await client.push(admin, 'users', [updateRow(after, { ...after, _deleted: true })])).status).toBe(200);
    expect(await server.db.users.byId('clerk')).toMatchObject({ active: false });
  });

  it('refuses a push body over the limit with 413 and audits it', async () => {
    const { server, clerk } = await council();
    const body = JSON.stringify([insertRow(ticketDoc('big', 'urbanismo', { subject: 'x'.repeat(16 * 1024 * 1024) }))]);
    const response = await fetch(`${server.url}/api/v1/replication/tickets/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clerk}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    const [entry] = await server.db.audit.query({ action: 'push', outcome: 'refused' });
    expect(entry).toMatchObject({ userId: 'clerk', collection: 'tickets', detail: { code: 'payload_too_large' } });
  });
});
