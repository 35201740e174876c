// Answers and errors of the central server's HTTP API (docs/replication-api.md).
//
// Success bodies are the plain values RxDB's replication expects (`{documents, checkpoint}` for a
// pull, the array of conflicts for a push), so other systems integrate without an envelope; the
// HTTP status says which it is. Every error, whatever the route, is one JSON body:
// `{ ok: false, error: { code, message } }` with the status of its code — never an empty body,
// never a 200 with an error inside. The workstation turns both into a `Result`.

/** The outcome of checking or calling something: a value, or an error in words. */
export type Result<T, E = ApiError> = { ok: true; value: T } | { ok: false; error: E };

export const API_ERROR_CODES = [
  'bad_request',
  'invalid_document',
  'unauthenticated',
  'token_expired',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'unknown_collection',
  'payload_too_large',
  'rate_limited',
  'internal',
  'unavailable',
] as const;
/**
 * What went wrong, for programs; the message says it for people (the sync status shows it).
 * - `bad_request`: the query or body is malformed (a limit of -5, a push that is not an array).
 * - `invalid_document`: a pushed document breaks its collection's JSON schema.
 * - `unauthenticated`: no bearer token, or one the server does not know: sign in again.
 * - `token_expired`: the access token is out of date: refresh it and repeat the call.
 * - `invalid_credentials`: sign-in refused (wrong e-mail or password, or a disabled account).
 * - `forbidden`: outside the user's role or departments; nothing was stored.
 * - `not_found` / `unknown_collection`: no such route, or no such replicated collection.
 * - `payload_too_large`: over the body size limit; push in smaller batches.
 * - `rate_limited`: too many attempts (sign-in); wait and retry.
 * - `internal`: a bug on the server. `unavailable`: its database is unreachable; retry later.
 *
 * A client that meets a code it does not know treats it by its HTTP status: codes may be added
 * without a new API version.
 */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export type ApiError = { code: ApiErrorCode; message: string };

/** The body of every error answer. */
export type ApiErrorBody = { ok: false; error: ApiError };

/** The HTTP status each error is sent with. */
export const API_ERROR_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  bad_request: 400,
  invalid_document: 400,
  unauthenticated: 401,
  token_expired: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  unknown_collection: 404,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(code: ApiErrorCode, message: string): { ok: false; error: ApiError } {
  return { ok: false, error: { code, message } };
}

/** The body the server sends with an error, and its status. */
export function apiErrorBody(error: ApiError): { status: number; body: ApiErrorBody } {
  return { status: API_ERROR_STATUS[error.code], body: { ok: false, error: { code: error.code, message: error.message } } };
}

function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && (API_ERROR_CODES as readonly string[]).includes(code);
}

/** The code a client falls back to for an HTTP status whose body it cannot read. */
function codeOfStatus(status: number): ApiErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}

/**
 * The error of a failed answer, as the workstation reads it: the server's own code and message
 * when the body follows the convention, otherwise what the status says (a proxy's HTML page, a
 * code added by a newer server). Never throws.
 */
export function apiErrorFromResponse(status: number, body: unknown): ApiError {
  const error = typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined;
  const message =
    typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
      ? error.message.slice(0, 1000)
      : `the server answered with HTTP status ${status}`;
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return { code: isApiErrorCode(code) && API_ERROR_STATUS[code] === status ? code : codeOfStatus(status), message };
}
