/**
 * Errors of the HTTP API, answered as core's `{ ok: false, error: { code, message } }` with the
 * status of their code (core/sync/api-result.ts). Routes throw {@link ApiFailure}; the error
 * handler turns it, Fastify's own errors (body too large, bad JSON) and database errors into that
 * body, so no route ever answers an error any other way.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiErrorBody, type ApiError, type ApiErrorCode, type Result } from '../core/sync/replication-protocol';
import { ServerDatabaseError } from './db/index';

export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Seconds, for 429 and 503 answers. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get error(): ApiError {
    return { code: this.code, message: this.message };
  }
}

/** The value of a Result, or throws its error as an ApiFailure. */
export function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new ApiFailure(result.error.code, result.error.message);
  return result.value;
}

export function sendError(reply: FastifyReply, error: ApiError, retryAfterSeconds?: number): FastifyReply {
  const { status, body } = apiErrorBody(error);
  if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Error codes of node and PostgreSQL that mean "the database cannot be reached now": retry later. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH',
  // PostgreSQL: class 08 (connection exception), 57P0x (shutdown, cannot connect now), 53300 (too many connections).
  '08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300',
  'SQLITE_BUSY', 'SQLITE_LOCKED',
]);

/** Translates whatever a route threw into an API error. `internal` when it is a bug. */
export function toApiError(error: unknown): { error: ApiError; retryAfterSeconds?: number; bug: boolean } {
  if (error instanceof ApiFailure) return { error: error.error, retryAfterSeconds: error.retryAfterSeconds, bug: false };
  if (error instanceof ServerDatabaseError) {
    if (error.code === 'DB_INVALID_INPUT') return { error: { code: 'bad_request', message: error.message }, bug: false };
    if (error.code === 'DB_CLOSED') return { error: { code: 'unavailable', message: 'the server is shutting down: retry in a moment' }, retryAfterSeconds: 5, bug: false };
    if (error.code === 'DB_DUPLICATE') return { error: { code: 'bad_request', message: error.message }, bug: false };
  }
  const fastifyError = error as Partial<FastifyError> & { code?: unknown };
  if (typeof fastifyError?.code === 'string') {
    if (UNAVAILABLE_CODES.has(fastifyError.code)) {
      return { error: { code: 'unavailable', message: 'the database is unreachable: retry later' }, retryAfterSeconds: 5, bug: false };
    }
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return { error: { code: 'payload_too_large', message: fastifyError.message ?? 'the request body is too large' }, bug: false };
    }
    if (fastifyError.code.startsWith('FST_ERR_CTP_') || fastifyError.code === 'FST_ERR_VALIDATION') {
      return { error: { code: 'bad_request', message: fastifyError.message ?? 'the request body cannot be read' }, bug: false };
    }
  }
  if (error instanceof Error && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(error.message)) {
    return { error: { code: 'unavailable', message: 'the database is unreachable: retry later' }, retryAfterSeconds: 5, bug: false };
  }
  const status = typeof fastifyError?.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status === 413) return { error: { code: 'payload_too_large', message: fastifyError.message ?? 'the request body is too large' }, bug: false };
  if (status >= 400 && status < 500) return { error: { code: 'bad_request', message: fastifyError.message ?? 'bad request' }, bug: false };
  return { error: { code: 'internal', message: 'the server failed; the error is in its log' }, bug: true };
}

/** Installs the error and not-found handlers on the app. */
export function installErrorHandlers(app: FastifyInstance, onError?: (request: FastifyRequest, apiError: ApiError, error: unknown) => Promise<void>): void {
  app.setErrorHandler(async (error, request, reply) => {
    const translated = toApiError(error);
    if (translated.bug) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: translated.error.code, reason: translated.error.message }, 'request refused');
    if (onError) {
      try {
        await onError(request, translated.error, error);
      } catch (auditError) {
        request.log.error({ err: auditError }, 'could not write the audit entry of a refused request');
      }
    }
    return sendError(reply, translated.error, translated.retryAfterSeconds);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, { code: 'not_found', message: `there is no ${request.method} ${request.url.split('?')[0]} on this server` }),
  );
}
