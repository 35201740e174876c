// A small HTTP server on loopback for the tests of the session and the live stream: each test
// says how it answers, in plain node:http. Not a model of the central server (the replication
// tests run the real one); only enough to put the client in situations the real one rarely
// produces on demand (a refused refresh at the right moment, a silent stream, a broken event).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SignedInUser } from '../../../core/sync';

export type StubRequest = { method: string; path: string; query: URLSearchParams; headers: IncomingMessage['headers']; body: unknown };
export type StubHandler = (request: StubRequest, response: ServerResponse) => unknown;

export type StubServer = {
  url: string;
  requests: StubRequest[];
  /** Cuts every open connection (as a crash would, without closing the listener). */
  dropConnections(): void;
  close(): Promise<void>;
};

export async function startStubServer(handler: StubHandler, port = 0): Promise<StubServer> {
  const sockets = new Set<Socket>();
  const requests: StubRequest[] = [];
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://stub');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const request = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, body };
      requests.push(request);
      Promise.resolve(handler(request, response)).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export function sendError(response: ServerResponse, status: number, code: string, message = code): void {
  sendJson(response, status, { ok: false, error: { code, message } });
}

/** Opens an event stream on `response`; returns a writer of raw SSE text. */
export function openEventStream(response: ServerResponse): (text: string) => void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  response.flushHeaders();
  return (text) => {
    response.write(text);
  };
}

/** Tokens as the server's login answers them, with an access token that lives `lifeMs`. */
export function stubTokens(serial: number, lifeMs: number, now = Date.now()) {
  return {
    accessToken: `access-token-number-${serial}`,
    accessTokenExpiresAt: now + lifeMs,
    refreshToken: `refresh-token-number-${serial}`,
    refreshTokenExpiresAt: now + 3_600_000,
  };
}

export const STUB_USER: SignedInUser = { id: 'user-ana', name: 'Ana Pérez', email: 'ana@ayto.test', role: 'clerk', departmentIds: ['urbanismo'] };

/** Resolves when `condition` holds, checking every 10 ms; fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
