// The workstation's blob client against the project's central server, run from its command line
// (main/ never imports server/), with its data — and blob folder — in a temporary folder.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_PATHS, parseLoginResponse } from '../../core/sync';
import { prepareCouncil, pushAs, startCentralServer, type CentralServer, type CouncilSetup } from '../sync/test-support/central-server';
import { temporaryFolder, ticket } from '../sync/test-support/council';
import type { PushRow } from '../../core/sync';
import { BlobClient, BlobTransferError } from './blob-client';
import { BlobStore } from './blob-store';
import { BlobUploadQueue } from './upload-queue';

const ANA = { email: 'ana@ayto.test', password: 'una contraseña larga de Ana' };
const PABLO = { email: 'pablo@ayto.test', password: 'una contraseña larga de Pablo' };
const ADMIN = { email: 'admin@ayto.test', password: 'una contraseña larga del admin' };
const SETUP: CouncilSetup = {
  departments: [
    { id: 'urbanismo', name: 'Urbanismo', code: 'URB' },
    { id: 'padron', name: 'Padrón', code: 'PAD' },
  ],
  users: [
    { ...ANA, name: 'Ana Pérez', role: 'clerk', departmentIds: ['urbanismo'] },
    { ...PABLO, name: 'Pablo Gil', role: 'clerk', departmentIds: ['padron'] },
    { ...ADMIN, name: 'Administración', role: 'admin', departmentIds: [] },
  ],
};

async function tokenOf(url: string, credentials: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${url}${API_PATHS.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  const session = parseLoginResponse(await response.json());
  if (!session.ok) throw new Error(session.error.message);
  return session.value.accessToken;
}

const insertRowOf = (document: object): PushRow => ({ newDocumentState: { ...document, _deleted: false } });
const ticketRow = (id: string, departmentId: string) => ticket(id, Date.UTC(2026, 2, 10), { departmentId });

const sha = (value: string) => createHash('sha256').update(value).digest('hex');

describe('BlobClient with the central server', () => {
  let council: Awaited<ReturnType<typeof prepareCouncil>>;
  let temp: { folder: string; remove(): void };
  let server: CentralServer;
  /** Two workstations: Ana's (which ingested the mail) and Pablo's (another department). */
  let ana: { store: BlobStore; client: BlobClient };
  let other: { store: BlobStore; client: BlobClient };
  let tokenCalls = 0;

  beforeAll(async () => {
    council = await prepareCouncil(SETUP);
  }, 120_000);
  afterAll(() => council.remove());

  async function workstation(folder: string, credentials: { email: string; password: string }) {
    const store = await BlobStore.open(folder);
    let token: string | undefined;
    const client = new BlobClient({
      serverUrl: server.url,
      store,
      accessToken: async () => {
        tokenCalls++;
        token ??= await tokenOf(server.url, credentials);
        return token;
      },
      tokenRefused: async () => {
        token = await tokenOf(server.url, credentials);
      },
    });
    return { store, client };
  }

  beforeEach(async () => {
    temp = temporaryFolder('ventanilla-blob-client-');
    council.copyTo(`${temp.folder}/server`);
    server = await startCentralServer({ dataDir: `${temp.folder}/server` });
    ana = await workstation(`${temp.folder}/ana`, ANA);
    other = await workstation(`${temp.folder}/pablo`, PABLO);
  }, 60_000);

  afterEach(async () => {
    await server.stop();
    temp.remove();
  });

  it('uploads an attachment Ana\'s workstation ingested, and a colleague\'s workstation fetches it on demand', async () => {
    const bytes = Buffer.from('%PDF-1.7 solicitud de vado firmada');
    const { sha256 } = await ana.store.putBytes(bytes);
    expect(await ana.client.upload(sha256)).toBe('created');
    expect(await ana.client.upload(sha256)).toBe('present');
    await pushAs(server.url, ADMIN, 'tickets', [insertRowOf(ticketRow('tkt-vado', 'urbanismo'))]);
    await pushAs(server.url, ADMIN, 'messages', [insertRowOf({ id: 'msg-vado', kind: 'email_in', ticketId: 'tkt-vado', citizenId: '', text: '', attachments: [{ sha256, name: 'vado.pdf', mimeType: 'application/pdf', size: bytes.length }], createdAt: 1, auto: false })]);

    const colleague = await workstation(`${temp.folder}/ana-second-desk`, ANA);
    expect(await colleague.store.has(sha256)).toBe(false);
    expect(await text(await colleague.client.openOrFetch(sha256))).toBe(bytes.toString());
    expect(await colleague.store.has(sha256)).toBe(true);
  });

  it('refuses the attachment to a clerk of another department', async () => {
    const { sha256 } = await ana.store.putBytes(Buffer.from('informe policial'));
    await ana.client.upload(sha256);
    await pushAs(server.url, ADMIN, 'tickets', [insertRowOf(ticketRow('tkt-ruido', 'urbanismo'))]);
    await pushAs(server.url, ADMIN, 'messages', [insertRowOf({ id: 'msg-ruido', kind: 'note', ticketId: 'tkt-ruido', citizenId: '', text: '', attachments: [{ sha256, name: 'informe.pdf', mimeType: 'application/pdf', size: 16 }], createdAt: 1, auto: false })]);
    const refused = await other.client.fetchToStore(sha256).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BlobTransferError);
    expect(refused).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(await other.store.has(sha256)).toBe(false);
  });

  it('says "not yet" for an attachment whose workstation has not uploaded it, and "offline" when the server is down', async () => {
    const sha256 = sha('todavía en el puesto de Ana');
    await pushAs(server.url, ADMIN, 'tickets', [insertRowOf(ticketRow('tkt-x', 'urbanismo'))]);
    await pushAs(server.url, ADMIN, 'messages', [insertRowOf({ id: 'msg-x', kind: 'note', ticketId: 'tkt-x', citizenId: '', text: '', attachments: [{ sha256, name: 'x.pdf', mimeType: 'application/pdf', size: 1 }], createdAt: 1, auto: false })]);
    await expect(ana.client.fetchToStore(sha256)).rejects.toMatchObject({ kind: 'not_found' });
    await server.stop();
    await expect(ana.client.fetchToStore(sha256)).rejects.toMatchObject({ kind: 'offline' });
  });

  it('keeps uploads waiting through an outage and sends them when the server is back', async () => {
    const queue = BlobUploadQueue.open(`${temp.folder}/ana/uploads.sqlite`);
    try {
      const first = await ana.store.putStream(Readable.from([Buffer.from('anexo 1')]));
      const second = await ana.store.putStream(Readable.from([Buffer.from('anexo 2')]));
      queue.enqueue(first.sha256, 1);
      queue.enqueue(second.sha256, 2);
      await server.stop();
      const offline = await queue.drain(ana.client);
      expect(offline).toMatchObject({ uploaded: 0, remaining: 2, error: expect.stringContaining('cannot be reached') });
      await server.restart();
      expect(await queue.drain(ana.client)).toMatchObject({ uploaded: 2, remaining: 0, dropped: [] });
      expect(queue.pending()).toEqual([]);
    } finally {
      queue.close();
    }
  });

  it('renews a token the server refuses and repeats the transfer once', async () => {
    const { sha256 } = await ana.store.putBytes(Buffer.from('con un token caducado'));
    // A server restarted with another secret refuses every token it issued before.
    await server.stop();
    await server.restart('another-secret-for-this-test-only-0123456789');
    const client = new BlobClient({
      serverUrl: server.url,
      store: ana.store,
      accessToken: async () => 'a-token-of-the-old-secret',
      tokenRefused: async () => undefined,
    });
    await expect(client.upload(sha256)).rejects.toMatchObject({ kind: 'unauthenticated' });
    tokenCalls = 0;
    let renewed = false;
    const renewing = new BlobClient({
      serverUrl: server.url,
      store: ana.store,
      accessToken: async () => {
        tokenCalls++;
        return renewed ? tokenOf(server.url, ANA) : 'a-token-of-the-old-secret';
      },
      tokenRefused: async () => {
        renewed = true;
      },
    });
    expect(await renewing.upload(sha256)).toBe('created');
    expect(tokenCalls).toBe(2);
  });
});
