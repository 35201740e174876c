// What can go wrong while syncing, sorted by what the workstation does about it, with the words
// the screens show (in Spanish: the clerks read them) and a stable code for programs.
import type { ApiError } from '../../core/sync';

/**
 * - `offline`: the server cannot be reached or cannot work right now (no network, refused
 *   connection, timeout, 502/503/504): wait with backoff and try again; nothing is lost.
 * - `server`: the server answered with a failure of its own (500) or something unreadable: retry
 *   with backoff, and say so.
 * - `auth`: the server refused the token: refresh it, or sign in again.
 * - `signed-out`: the credentials or the session were refused for good: a person must sign in.
 * - `refused`: the server refused this request as such (400, 403, 404, 413): sending it again
 *   unchanged gets the same answer.
 * - `stopped`: the sync was stopped while the request ran.
 */
export type SyncErrorKind = 'offline' | 'server' | 'auth' | 'signed-out' | 'refused' | 'stopped';

/**
 * The codes of {@link ApiError} (the server's words) and the workstation's own:
 * `network` (no answer at all), `timeout`, `invalid_answer` (an answer that breaks the protocol),
 * `session_expired` (the refresh token was refused and there is no password to sign in again),
 * `stream_unavailable` (no live updates), `local_database` (the replica refused a write),
 * `workstation_error` (a failure of this program, not of the server), `stopped`.
 */
export type SyncErrorCode =
  | ApiError['code']
  | 'network'
  | 'timeout'
  | 'invalid_answer'
  | 'session_expired'
  | 'stream_unavailable'
  | 'local_database'
  | 'workstation_error'
  | 'stopped';

export class SyncError extends Error {
  override readonly name = 'SyncError';
  constructor(
    readonly kind: SyncErrorKind,
    readonly code: SyncErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isSyncError(error: unknown): error is SyncError {
  return error instanceof SyncError;
}

/** What a failed call's error means for the workstation: its kind by code and HTTP status. */
export function syncErrorFromApi(status: number, error: ApiError): SyncError {
  const kind: SyncErrorKind =
    status === 401
      ? 'auth'
      : status === 502 || status === 503 || status === 504 || error.code === 'unavailable'
        ? 'offline'
        : status === 429 || status >= 500
          ? 'server'
          : 'refused';
  return new SyncError(kind, error.code, error.message, status);
}

/** Any error met while syncing, as a SyncError (fetch's own failures are network failures). */
export function toSyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof Error && (error.name === 'TimeoutError' || (error as { code?: unknown }).code === 23)) {
    return new SyncError('offline', 'timeout', 'the server did not answer in time', undefined, { cause: error });
  }
  if (error instanceof Error && error.name === 'AbortError') return new SyncError('stopped', 'stopped', 'the sync was stopped', undefined, { cause: error });
  const detail = describeCause(error);
  return new SyncError('offline', 'network', `the server could not be reached${detail ? ` (${detail})` : ''}`, undefined, { cause: error });
}

/** `fetch failed` says nothing; its cause says ECONNREFUSED, ENOTFOUND, ECONNRESET. */
function describeCause(error: unknown): string {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.message;
  }
  return typeof cause === 'string' ? cause : '';
}

/** The sentence the screens show for each code (Spanish: the clerks' language). */
const SPANISH: Record<SyncErrorCode, string> = {
  network: 'No se puede conectar con el servidor central. Puede seguir trabajando: los cambios se guardan en este puesto y se enviarán al volver la conexión.',
  timeout: 'El servidor central no responde a tiempo. Se volverá a intentar.',
  unavailable: 'El servidor central no está disponible en este momento. Se volverá a intentar.',
  rate_limited: 'El servidor central está recibiendo demasiadas peticiones. Se volverá a intentar en unos segundos.',
  internal: 'El servidor central ha tenido un error interno. Se volverá a intentar.',
  invalid_answer: 'El servidor central ha enviado una respuesta no válida. Avise al servicio de informática si se repite.',
  unauthenticated: 'La sesión no es válida. Vuelva a iniciar sesión.',
  token_expired: 'La sesión ha caducado y se está renovando.',
  invalid_credentials: 'El servidor ha rechazado el usuario o la contraseña. Vuelva a iniciar sesión.',
  session_expired: 'La sesión ha caducado. Vuelva a iniciar sesión para seguir sincronizando.',
  forbidden: 'El servidor ha rechazado un cambio que queda fuera de sus permisos o departamentos.',
  invalid_document: 'El servidor ha rechazado un documento que no es válido.',
  bad_request: 'El servidor no ha aceptado una petición de este puesto. ¿Están actualizados el programa y el servidor?',
  not_found: 'El servidor no reconoce esta petición. ¿Están actualizados el programa y el servidor?',
  unknown_collection: 'El servidor no reconoce uno de los tipos de datos de este puesto. ¿Están actualizados el programa y el servidor?',
  payload_too_large: 'Un documento es demasiado grande para el servidor central.',
  stream_unavailable: 'No llegan las actualizaciones en directo del servidor; los cambios se comprobarán periódicamente.',
  local_database: 'La base de datos de este puesto ha rechazado un cambio recibido del servidor.',
  workstation_error: 'Error inesperado en este puesto al sincronizar. Se volverá a intentar; avise al servicio de informática si se repite.',
  stopped: 'La sincronización se ha detenido.',
};

/** The Spanish sentence for a code, for the screens. */
export function spanishMessage(code: SyncErrorCode): string {
  return SPANISH[code];
}
