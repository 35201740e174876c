import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sqliteEngine } from '../test-support/server-databases';
import { insertRow, messageDoc, ticketDoc, updateRow } from '../test-support/council-documents';
import { addUser, startTestServer, tokenFor, type TestServer } from '../test-support/test-server';

const MB = 1024 * 1024;

/** Deterministic pseudo-random bytes (no file is ever whole in memory): chunk i of `count`. */
function chunkOf(seed: string, index: number, size = 256 * 1024): Buffer {
  const block = createHash('sha256').update(`${seed}:${index}`).digest();
  const chunk = Buffer.allocUnsafe(size);
  for (let offset = 0; offset < size; offset += block.length) block.copy(chunk, offset);
  return chunk;
}

function hashOfChunks(seed: string, count: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < count; i++) hash.update(chunkOf(seed, i));
  return hash.digest('hex');
}

const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

describe('blobs on the central server', () => {
  const engine = sqliteEngine();
  let server: TestServer;
  let blobs: string;
  let tokens: { admin: string; urbanismo: string; padron: string };

  beforeAll(() => engine.start());
  afterAll(() => engine.stop());

  beforeEach(async () => {
    blobs = mkdtempSync(path.join(tmpdir(), 'ventanilla-blobs-'));
    server = await startTestServer(engine, { blobDirectory: blobs });
    const admin = await addUser(server.db, 'admin', 'admin');
    const urbanismo = await addUser(server.db, 'lucia', 'clerk', ['urbanismo']);
    const padron = await addUser(server.db, 'pablo', 'clerk', ['padron']);
    tokens = { admin: tokenFor(admin), urbanismo: tokenFor(urbanismo), padron: tokenFor(padron) };
  });

  afterEach(async () => {
    await server.close();
    await engine.closeAll();
    rmSync(blobs, { recursive: true, force: true });
  });

  const url = (hash: string) => `${server.url}/api/v1/blobs/${hash}`;
  const put = (token: string, hash: string, body: RequestInit['body']) =>
    fetch(url(hash), { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body, duplex: 'half' } as RequestInit);
  const get = (token: string, hash: string) => fetch(url(hash), { headers: { authorization: `Bearer ${token}` } });

  /** A ticket of urbanismo whose citizen's mail carries the attachment. */
  async function attachToUrbanismoTicket(hash: string, size: number) {
    const ticket = ticketDoc('tkt-vado', 'urbanismo');
    await server.db.push('tickets', [insertRow(ticket)]);
    await server.db.push('messages', [
      insertRow(messageDoc('msg-vado', 'tkt-vado', { kind: 'email_in', attachments: [{ sha256: hash, name: 'plano.pdf', mimeType: 'application/pdf', size }] })),
    ]);
    return ticket;
  }

  it('takes a 25 MB attachment as a stream, writing it to disk before the upload ends, and gives it back to the ticket\'s department', async () => {
    const chunks = 100; // 100 × 256 KiB = 25 MiB
    const hash = hashOfChunks('plano', chunks);
    const tmp = path.join(blobs, 'tmp');
    const partWritten = () => readdirSync(tmp).reduce((bytes, name) => bytes + statSync(path.join(tmp, name)).size, 0);
    async function* body() {
      for (let i = 0; i < chunks; i++) {
        if (i === chunks / 2) {
          // Half sent: the server must already have most of it on disk, not in memory. A server
          // that buffered the whole body would leave this loop waiting until the test times out.
          while (partWritten() < 8 * MB) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        yield chunkOf('plano', i);
      }
    }
    const uploaded = await put(tokens.urbanismo, hash, body() as unknown as RequestInit['body']);
    expect(uploaded.status).toBe(201);
    expect(await uploaded.json()).toEqual({ sha256: hash, size: 25 * MB });

    await attachToUrbanismoTicket(hash, 25 * MB);
    const answer = await get(tokens.urbanismo, hash);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-length')).toBe(String(25 * MB));
    const received = createHash('sha256');
    let size = 0;
    for await (const chunk of answer.body! as unknown as AsyncIterable<Uint8Array>) {
      received.update(chunk);
      size += chunk.length;
    }
    expect(size).toBe(25 * MB);
    expect(received.digest('hex')).toBe(hash);
  });

  it('stores an upload once and answers a repeated one as already there', async () => {
    const bytes = Buffer.from('solicitud de vado firmada');
    expect((await put(tokens.urbanismo, sha(bytes), bytes)).status).toBe(201);
    expect((await put(tokens.padron, sha(bytes), bytes)).status).toBe(200);
    const files = readdirSync(path.join(blobs, sha(bytes).slice(0, 2)));
    expect(files).toEqual([sha(bytes)]);
  });

  it('refuses bytes that do not match the name they are uploaded under, and keeps nothing', async () => {
    const claimed = sha('el documento auténtico');
    const answer = await put(tokens.urbanismo, claimed, Buffer.from('otro contenido'));
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining(sha('otro contenido')) } });
    expect((await get(tokens.admin, claimed)).status).toBe(404);
    expect(readdirSync(path.join(blobs, 'tmp'))).toEqual([]);
    const refusals = await server.db.audit.query({ action: 'blob:put', outcome: 'refused' });
    expect(refusals.map((entry) => entry.documentId)).toEqual([claimed]);
  });

  it('refuses a body over the size limit before reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(url(sha('x')), { method: 'PUT', headers: { authorization: `Bearer ${tokens.urbanismo}`, 'content-length': String(65 * MB) } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
      request.write('x');
    });
    expect(status).toBe(413);
  });

  it('refuses a clerk outside the ticket\'s department, and follows the ticket when it moves', async () => {
    const bytes = Buffer.from('%PDF-1.7 plano de la cochera');
    await put(tokens.urbanismo, sha(bytes), bytes);
    const ticket = await attachToUrbanismoTicket(sha(bytes), bytes.length);

    const refused = await get(tokens.padron, sha(bytes));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await get(tokens.urbanismo, sha(bytes))).status).toBe(200);

    // Routed to padrón: now the other clerk may read it, and the first may not.
    await server.db.push('tickets', [updateRow(ticket, { ...ticket, departmentId: 'padron', updatedAt: ticket.updatedAt + 1 })]);
    expect((await get(tokens.padron, sha(bytes))).status).toBe(200);
    expect((await get(tokens.urbanismo, sha(bytes))).status).toBe(403);
  });

  it('refuses every reader but an administrator for a blob no message names', async () => {
    const bytes = Buffer.from('subido pero nunca adjuntado');
    await put(tokens.urbanismo, sha(bytes), bytes);
    expect((await get(tokens.urbanismo, sha(bytes))).status).toBe(403);
    expect((await get(tokens.admin, sha(bytes))).status).toBe(200);
  });

  it('says when a visible attachment has not reached the server yet', async () => {
    const hash = sha('todavía en el puesto que lo recibió');
    await attachToUrbanismoTicket(hash, 10);
    const answer = await get(tokens.urbanismo, hash);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('asks for a token and for a name that is a SHA-256', async () => {
    expect((await fetch(url(sha('x')))).status).toBe(401);
    expect((await get(tokens.admin, 'plano.pdf')).status).toBe(400);
    expect((await get(tokens.admin, sha('x').toUpperCase())).status).toBe(400);
  });
});

describe('a server without a blob folder', () => {
  const engine = sqliteEngine();
  beforeAll(() => engine.start());
  afterAll(() => engine.stop());

  it('answers that it keeps no attachments', async () => {
    const server = await startTestServer(engine);
    try {
      const admin = await addUser(server.db, 'admin', 'admin');
      const answer = await fetch(`${server.url}/api/v1/blobs/${sha('x')}`, { headers: { authorization: `Bearer ${tokenFor(admin)}` } });
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({ error: { code: 'unavailable' } });
    } finally {
      await server.close();
      await engine.closeAll();
    }
  });
});
