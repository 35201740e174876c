// One HTTP call to the central server, and what its answer means. Every answer body is read as
// JSON and every failure becomes a SyncError (sync-errors.ts); the callers validate the bodies
// with core/sync's parsers before they use a single field.
import { apiErrorFromResponse } from '../../core/sync';
import { SyncError, syncErrorFromApi, toSyncError } from './sync-errors';

/** The subset of `fetch` the sync uses; tests and the Electron shell may pass their own. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export type ServerCall = {
  method: 'GET' | 'POST';
  /** A path of API_PATHS. */
  path: string;
  /** The query string, without '?', its values already URL-encoded. */
  query?: string;
  /** Sent as JSON. */
  body?: unknown;
  accessToken?: string;
  signal?: AbortSignal;
  timeoutMs: number;
};

export type ServerAnswer = {
  status: number;
  body: unknown;
  /** The server's clock (its `Date` header), to read token expiry times in our clock. */
  serverTime?: number;
};

/**
 * The URL of a path on the server. The server may live under a prefix
 * (`https://sede.example.es/ventanilla`), which `new URL('/api/…', base)` would drop.
 */
export function serverUrlOf(serverUrl: string, path: string, query?: string): string {
  const base = serverUrl.replace(/\/+$/, '');
  return `${base}${path}${query ? `?${query}` : ''}`;
}

/** Calls the server once; throws a SyncError for anything but a 2xx answer with a JSON body. */
export async function callServer(fetchFunction: FetchFunction, serverUrl: string, call: ServerCall): Promise<ServerAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.accessToken !== undefined) headers.authorization = `Bearer ${call.accessToken}`;
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await fetchFunction(serverUrlOf(serverUrl, call.path, call.query), {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (call.signal?.aborted) throw new SyncError('stopped', 'stopped', 'the sync was stopped', undefined, { cause: error });
    if (timeout.aborted) throw new SyncError('offline', 'timeout', `the server did not answer within ${call.timeoutMs} ms`, undefined, { cause: error });
    throw toSyncError(error);
  }
  let body: unknown;
  let readable = true;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    readable = false;
  }
  if (!response.ok) throw syncErrorFromApi(response.status, apiErrorFromResponse(response.status, readable ? body : undefined));
  if (!readable || body === undefined) {
    throw new SyncError('server', 'invalid_answer', `the server answered ${call.method} ${call.path} with a body that is not JSON`, response.status);
  }
  const date = Date.parse(response.headers.get('date') ?? '');
  return { status: response.status, body, ...(Number.isFinite(date) && { serverTime: date }) };
}

/** An answer the protocol's parser refused, as a SyncError. */
export function invalidAnswer(what: string, message: string): SyncError {
  return new SyncError('server', 'invalid_answer', `${what}: ${message}`);
}
