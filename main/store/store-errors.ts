/**
 * SQLite failures, said so that a clerk's IT department knows what happened and what to do.
 * The original error stays attached as `cause`; the `code` is SQLite's (SQLITE_FULL, …).
 */
export type StoreError = Error & { readonly code: string; readonly storeError: true };

/**
 * A plain Error (RxDB's own storage tests insist on the Error constructor) with a `code` and a
 * `storeError` mark.
 */
export function storeError(code: string, message: string, options?: { cause?: unknown }): StoreError {
  return Object.assign(new Error(message, options), { code, storeError: true as const });
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof Error && (error as Partial<StoreError>).storeError === true;
}

type SqliteError = Error & { code?: string };

function isSqliteError(error: unknown): error is SqliteError {
  return error instanceof Error && typeof (error as SqliteError).code === 'string' && (error as SqliteError).code!.startsWith('SQLITE_');
}

const EXPLANATIONS: Record<string, string> = {
  SQLITE_FULL: 'the disk (or the database size limit) is full; nothing of this write was stored. Free some space and try again',
  SQLITE_BUSY: 'another program holds the database locked; nothing of this write was stored. Close the other copy of Ventanilla using this profile',
  SQLITE_LOCKED: 'the database is locked by another operation; nothing of this write was stored',
  SQLITE_CORRUPT: 'the database file is damaged; it was not modified. Restore it from a backup or let the workstation resync from the central server',
  SQLITE_NOTADB: 'the file is not a Ventanilla database (or it is encrypted or damaged); it was not modified',
  SQLITE_READONLY: 'the database file cannot be written (read-only file or folder)',
  SQLITE_CANTOPEN: 'the database file cannot be opened (missing folder or no permission)',
  SQLITE_IOERR: 'the disk reported an input/output error; nothing of this write was acknowledged',
  SQLITE_PERM: 'the operating system refused access to the database file',
};

/** Turns an SQLite error into a StoreError that names the file and what it means; others pass through. */
export function explainSqliteError(error: unknown, file: string, doing: string): unknown {
  if (!isSqliteError(error)) return error;
  const code = error.code!;
  const base = Object.keys(EXPLANATIONS).find((known) => code === known || code.startsWith(known + '_'));
  const meaning = base ? EXPLANATIONS[base] : 'SQLite failed';
  return storeError(code, `Local database ${file}: ${doing} failed: ${meaning} (${code}: ${error.message})`, { cause: error });
}
