import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sqliteEngine } from './test-support/server-databases';
import { openSse } from './test-support/sse-reader';
import { addUser, startTestServer, tokenFor, type TestServer } from './test-support/test-server';

describe('the server process', () => {
  const engine = sqliteEngine();
  let server: TestServer | undefined;
  beforeAll(() => engine.start());
  afterAll(() => engine.stop());
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await engine.closeAll();
  });

  it('answers its health and the database engine without a token', async () => {
    server = await startTestServer(engine);
    const response = await fetch(`${server.url}/api/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', engine: 'sqlite' });
  });

  it('answers unknown routes and unreadable bodies with the JSON error body', async () => {
    server = await startTestServer(engine);
    const token = tokenFor(await addUser(server.db, 'ana', 'clerk', ['urbanismo']));
    const missing = await fetch(`${server.url}/api/v2/anything`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ ok: false, error: { code: 'not_found', message: 'there is no GET /api/v2/anything on this server' } });
    const broken = await fetch(`${server.url}/api/v1/replication/tickets/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '[{"newDocumentState":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const poisoned = await fetch(`${server.url}/api/v1/replication/tickets/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '[{"newDocumentState":{"__proto__":{"admin":true}}}]',
    });
    expect(poisoned.status).toBe(400);
  });

  it('stops within a second although a workstation is streaming and another connected without asking anything', async () => {
    server = await startTestServer(engine);
    const token = tokenFor(await addUser(server.db, 'ana', 'clerk', ['urbanismo']));
    const reader = await openSse(`${server.url}/api/v1/replication/stream`, token);
    await reader.next((item) => item.kind === 'event');
    const silent = connect(Number(new URL(server.url).port), '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));

    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    await reader.ended;
    silent.destroy();
  });
});
