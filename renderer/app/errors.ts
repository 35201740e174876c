import type { AppError } from '../../core/app-api';

/** An app API failure as an exception, for screens that await a call inside a try. */
export class AppCallError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'AppCallError';
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
