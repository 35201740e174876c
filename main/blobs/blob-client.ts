/**
 * Attachments between the workstation and the central server (docs/replication-api.md, Blobs):
 * upload what this workstation ingested or wrote, and fetch on demand what another did — when a
 * clerk opens the attachment, or the outbox sends a reply that forwards it.
 *
 * Both directions stream: a 25 MB scan goes from disk to socket and from socket to disk
 * (BlobStore.putStream, which also checks the bytes against their name) without being held
 * whole in memory. The access token comes from the sync's AuthSession; a 401 renews it once.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { apiErrorFromResponse } from '../../core/sync/api-result';
import type { FetchFunction } from '../sync/server-client';
import { serverUrlOf } from '../sync/server-client';
import { BlobError, SHA256_HEX, type BlobStore, type StoredBlob } from './blob-store';

export type BlobTransferErrorKind =
  /** The server cannot be reached: try again later. */
  | 'offline'
  /** Signed out, or the token refused even after renewal. */
  | 'unauthenticated'
  /** No message the user may see has this attachment. */
  | 'forbidden'
  /** The server does not have it yet (the workstation that has it has not uploaded it). */
  | 'not_found'
  /** The server refused or failed (bytes that do not match, too large, a server error). */
  | 'server';

export class BlobTransferError extends Error {
  override readonly name = 'BlobTransferError';
  constructor(
    readonly kind: BlobTransferErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type BlobClientOptions = {
  serverUrl: string;
  store: BlobStore;
  /** A valid access token (main/sync AuthSession.accessToken). */
  accessToken: () => Promise<string>;
  /** The server refused this token: renew it (AuthSession.tokenRefused). */
  tokenRefused?: (token: string) => Promise<void>;
  fetch?: FetchFunction;
  /** Give up on a transfer that has not progressed this long (default 60 s). */
  timeoutMs?: number;
};

const blobPath = (sha256: string) => `/api/v1/blobs/${sha256}`;

export class BlobClient {
  private readonly fetching = new Map<string, Promise<StoredBlob>>();

  constructor(private readonly options: BlobClientOptions) {}

  /** Uploads a local blob; resolves `created` or `present` (the server had it already). */
  async upload(sha256: string): Promise<'created' | 'present'> {
    checkHash(sha256);
    if (!(await this.options.store.has(sha256))) throw new BlobError('BLOB_NOT_FOUND', `no blob ${sha256} on this workstation to upload`);
    const response = await this.call(sha256, 'PUT', () => Readable.toWeb(createReadStream(this.options.store.pathOf(sha256))) as ReadableStream<Uint8Array>);
    await response.body?.cancel();
    return response.status === 201 ? 'created' : 'present';
  }

  /** Downloads a blob into the local store (checked against its name on the way). */
  fetchToStore(sha256: string): Promise<StoredBlob> {
    checkHash(sha256);
    let running = this.fetching.get(sha256);
    if (!running) {
      // Two screens opening the same attachment share one download.
      running = this.download(sha256).finally(() => this.fetching.delete(sha256));
      this.fetching.set(sha256, running);
    }
    return running;
  }

  /** The blob's bytes: from disk when here, else fetched from the server first. */
  async openOrFetch(sha256: string): Promise<Readable> {
    if (!(await this.options.store.has(sha256))) await this.fetchToStore(sha256);
    return this.options.store.open(sha256);
  }

  private async download(sha256: string): Promise<StoredBlob> {
    const response = await this.call(sha256, 'GET');
    if (!response.body) throw new BlobTransferError('server', `the server sent no bytes for blob ${sha256}`, response.status);
    try {
      return await this.options.store.putStream(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), { expectedSha256: sha256 });
    } catch (error) {
      if (error instanceof BlobError) throw error;
      throw new BlobTransferError('offline', `the download of blob ${sha256} was cut: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
    }
  }

  private async token(): Promise<string> {
    try {
      return await this.options.accessToken();
    } catch (error) {
      throw tokenFailure(error);
    }
  }

  /** One request, with one token renewal on 401; throws BlobTransferError for anything but 2xx. */
  private async call(sha256: string, method: 'GET' | 'PUT', body?: () => ReadableStream<Uint8Array>): Promise<Response> {
    const fetchFunction = this.options.fetch ?? fetch;
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      let response: Response;
      try {
        response = await fetchFunction(serverUrlOf(this.options.serverUrl, blobPath(sha256)), {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body && { 'content-type': 'application/octet-stream' }) },
          ...(body && { body: body(), duplex: 'half' }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        } as RequestInit);
      } catch (error) {
        throw new BlobTransferError('offline', `the server cannot be reached: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
      }
      if (response.ok) return response;
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const error = apiErrorFromResponse(response.status, parsed);
      if (response.status === 401 && attempt === 0 && this.options.tokenRefused) {
        await this.options.tokenRefused(token).catch((failure: unknown) => {
          throw tokenFailure(failure);
        });
        continue;
      }
      throw new BlobTransferError(kindOf(response.status), error.message, response.status);
    }
  }
}

/** The sync's session says why it has no token: the server unreachable, or signed out. */
function tokenFailure(error: unknown): BlobTransferError {
  const kind = (error as { kind?: unknown } | null)?.kind;
  const message = error instanceof Error ? error.message : String(error);
  const offline = kind === 'offline' || kind === 'server' || error instanceof TypeError;
  return new BlobTransferError(offline ? 'offline' : 'unauthenticated', offline ? `the server cannot be reached: ${message}` : `no access token: ${message}`, undefined, { cause: error });
}

function kindOf(status: number): BlobTransferErrorKind {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 502 || status === 503 || status === 504) return 'offline';
  return 'server';
}

function checkHash(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw new BlobError('BLOB_INVALID_HASH', `not a SHA-256 in lower-case hex: ${JSON.stringify(sha256)}`);
}
