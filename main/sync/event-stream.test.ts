import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeStreamEvent, STREAM_HEARTBEAT } from '../../core/sync';
import { ReplicationEventStream, type StreamItem } from './event-stream';
import type { SyncError } from './sync-errors';
import { openEventStream, sendError, startStubServer, until, type StubServer } from './test-support/stub-server';

const PATH = '/api/v1/replication/stream';
const fetchFunction = (input: string, init: RequestInit) => fetch(input, init);
const fastBackoff = { initialMs: 20, maxMs: 200 };

let server: StubServer | undefined;
let stream: ReplicationEventStream | undefined;
afterEach(async () => {
  stream?.stop();
  await server?.close();
  server = stream = undefined;
});

/** A session that hands out `token-<n>` and renews on refusal. */
function tokens() {
  let serial = 1;
  return {
    renewals: 0,
    accessToken: () => Promise.resolve(`token-${serial}`),
    async tokenRefused(token: string) {
      if (token === `token-${serial}`) {
        serial++;
        this.renewals++;
      }
    },
  };
}

/** Opens a stream against `server`, recording what each collection receives. */
function follow(stub: StubServer, options: { heartbeatTimeoutMs?: number; session?: ReturnType<typeof tokens>; stableAfterMs?: number; backoff?: { initialMs: number; maxMs: number } } = {}) {
  const received: Record<string, StreamItem[]> = { tickets: [], messages: [] };
  const problems: SyncError[] = [];
  let opens = 0;
  stream = new ReplicationEventStream({
    serverUrl: stub.url,
    path: PATH,
    fetch: fetchFunction,
    session: options.session ?? tokens(),
    collections: ['tickets', 'messages'],
    acceptDocument: (_collection, document) => typeof document.id === 'string',
    backoff: options.backoff ?? fastBackoff,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs,
    stableAfterMs: options.stableAfterMs,
    onOpen: () => opens++,
    onProblem: (error) => problems.push(error),
  });
  for (const name of ['tickets', 'messages']) stream.streamOf(name).subscribe((item) => received[name]!.push(item));
  stream.start();
  return { received, problems, opens: () => opens };
}

const ticketChange = (id: string, updatedAt: number) =>
  encodeStreamEvent({ type: 'changes', collection: 'tickets', documents: [{ id, _deleted: false }], checkpoint: { id, updatedAt } });

describe('the live stream', () => {
  it('hands each collection its own changes, and a RESYNC to every collection on connect', async () => {
    const writers: ((text: string) => void)[] = [];
    server = await startStubServer((request, response) => {
      expect(request.headers.authorization).toBe('Bearer token-1');
      writers.push(openEventStream(response));
    });
    const { received } = follow(server);
    await until(() => writers.length === 1 && received.tickets!.length === 1, 5_000, 'the stream to open');
    writers[0]!(STREAM_HEARTBEAT);
    writers[0]!(ticketChange('t-1', 10));
    writers[0]!(encodeStreamEvent({ type: 'changes', collection: 'messages', documents: [{ id: 'm-1', _deleted: false }], checkpoint: { id: 'm-1', updatedAt: 11 } }));
    writers[0]!(encodeStreamEvent({ type: 'resync', collection: 'messages' }));
    await until(() => received.messages!.length === 3);
    expect(received.tickets).toEqual(['RESYNC', { documents: [{ id: 't-1', _deleted: false }], checkpoint: { id: 't-1', updatedAt: 10 } }]);
    expect(received.messages).toEqual(['RESYNC', { documents: [{ id: 'm-1', _deleted: false }], checkpoint: { id: 'm-1', updatedAt: 11 } }, 'RESYNC']);
  });

  it('reconnects by itself when the connection drops, and resyncs every collection again', async () => {
    let connections = 0;
    server = await startStubServer((_request, response) => {
      connections++;
      openEventStream(response);
    });
    const { received, opens } = follow(server);
    await until(() => opens() === 1);
    server.dropConnections();
    await until(() => opens() === 2, 5_000, 'a reconnection');
    expect(connections).toBe(2);
    expect(received.tickets).toEqual(['RESYNC', 'RESYNC']);
    expect(received.messages).toEqual(['RESYNC', 'RESYNC']);
  });

  it('reconnects at once when a stream that was up for a while ends, as when its token expires', async () => {
    const responses: ServerResponse[] = [];
    server = await startStubServer((_request, response) => {
      openEventStream(response);
      responses.push(response);
    });
    const { opens, problems } = follow(server, { stableAfterMs: 100, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await until(() => opens() === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    responses[0]!.end();
    await until(() => opens() === 2, 5_000, 'an immediate reconnection');
    expect(problems).toEqual([]);
  });

  it('backs off while the server is down, and comes back when it is up again', async () => {
    server = await startStubServer((_request, response) => openEventStream(response));
    const { url } = server;
    const port = Number(new URL(url).port);
    const { opens, problems } = follow(server);
    await until(() => opens() === 1);
    await server.close();
    await until(() => problems.filter((problem) => problem.kind === 'offline').length >= 3, 5_000, 'failed reconnections');
    server = await startStubServer((_request, response) => openEventStream(response), port);
    await until(() => opens() === 2, 5_000, 'the reconnection once the server is back');
  });

  it('renews a refused token and reconnects with the new one', async () => {
    const session = tokens();
    const seen: string[] = [];
    server = await startStubServer((request, response) => {
      seen.push(String(request.headers.authorization));
      if (request.headers.authorization === 'Bearer token-1') return sendError(response, 401, 'token_expired');
      openEventStream(response);
    });
    const { opens } = follow(server, { session });
    await until(() => opens() === 1);
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(session.renewals).toBe(1);
  });

  it('notices a connection gone silent (no heartbeat) and reconnects', async () => {
    server = await startStubServer((_request, response: ServerResponse) => {
      openEventStream(response);
    });
    const { opens, problems } = follow(server, { heartbeatTimeoutMs: 300 });
    await until(() => opens() >= 2, 5_000, 'a reconnection after silence');
    expect(problems.some((problem) => problem.code === 'timeout')).toBe(true);
  });

  it('keeps a connection whose heartbeat arrives', async () => {
    const writers: ((text: string) => void)[] = [];
    server = await startStubServer((_request, response) => writers.push(openEventStream(response)));
    const { opens } = follow(server, { heartbeatTimeoutMs: 300 });
    await until(() => opens() === 1);
    const beat = setInterval(() => writers.at(-1)!(STREAM_HEARTBEAT), 50);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    clearInterval(beat);
    expect(opens()).toBe(1);
  });

  it('resyncs instead of trusting an event it cannot read or a document it refuses', async () => {
    const writers: ((text: string) => void)[] = [];
    server = await startStubServer((_request, response) => writers.push(openEventStream(response)));
    const { received, problems } = follow(server);
    await until(() => received.tickets!.length === 1);
    writers[0]!('data: {"type":"changes","collection":"tickets"\n\n');
    await until(() => received.tickets!.length === 2);
    writers[0]!(encodeStreamEvent({ type: 'changes', collection: 'tickets', documents: [{ id: 42, _deleted: false }], checkpoint: { id: '42', updatedAt: 1 } }));
    await until(() => received.tickets!.length === 3);
    expect(received.tickets).toEqual(['RESYNC', 'RESYNC', 'RESYNC']);
    expect(received.messages).toEqual(['RESYNC', 'RESYNC']);
    expect(problems.map((problem) => problem.code)).toEqual(['invalid_answer']);
  });

  it('polls by resyncing when the server refuses to stream', async () => {
    server = await startStubServer((_request, response) => sendError(response, 404, 'not_found'));
    const { received, problems } = follow(server);
    await until(() => received.tickets!.length >= 3, 5_000, 'resyncs while the stream is refused');
    expect(problems[0]).toMatchObject({ kind: 'server', code: 'stream_unavailable' });
  });
});
