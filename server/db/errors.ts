/**
 * Errors of the server database with a stable code, so the HTTP layer can answer
 * `{ ok: false, error: { code, message } }` (STYLE.md) without parsing messages.
 */
export type ServerDatabaseErrorCode =
  /** A caller passed something malformed (a push row without an id, a bad checkpoint or limit). */
  | 'DB_INVALID_INPUT'
  /** The migrations on disk and the ones recorded in the database disagree. */
  | 'DB_MIGRATION'
  /** The database was closed. */
  | 'DB_CLOSED'
  /** A unique value (a user's email, a token hash) is taken. */
  | 'DB_DUPLICATE';

export class ServerDatabaseError extends Error {
  override readonly name = 'ServerDatabaseError';
  constructor(
    readonly code: ServerDatabaseErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function invalidInput(message: string): ServerDatabaseError {
  return new ServerDatabaseError('DB_INVALID_INPUT', message);
}
