/**
 * The central replication server's HTTP layer (Fastify): `buildServer` wires the routes of
 * docs/replication-api.md over a ServerDatabase (server/db). It opens nothing itself: the caller
 * (server/cli.ts, the tests) opens the database, gives the secret, calls `listen`, and closes the
 * database after `app.close()`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ServerDatabase } from './db/index';
import { ApiFailure, installErrorHandlers } from './api-errors';
import { DEFAULT_LOGIN_LIMITS, authenticator, registerAuthRoutes, type LoginLimits } from './auth/auth-routes';
import { createTokenSigner } from './auth/tokens';
import { ChangeStream } from './replication/change-stream';
import { PULL_BYTE_BUDGET, STREAM_EVENT_BYTE_BUDGET } from './replication/pull-page';
import { audit } from './replication/push-documents';
import { registerReplicationRoutes } from './replication/replication-routes';
import { servedCollections, type ExtraCollection } from './replication/served-collections';
import { blobRoutes } from './blobs/blob-routes';
import { registerPresenceRoutes } from './presence/presence-routes';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The audit action of a refusal that happens before the handler runs (a body too large). */
    auditAs?: string;
  }
}

/** 16 MiB: one message at its schema's largest (1 MB of text, 5 MB of HTML) fits with room. */
export const PUSH_BODY_LIMIT = 16 * 1024 * 1024;
export const ACCESS_TOKEN_TTL_MS = 15 * 60_000;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60_000;
export const HEARTBEAT_MS = 15_000;

export type ServerOptions = {
  database: ServerDatabase;
  /** Signs access tokens; at least 32 characters. Every process of one deployment shares it. */
  secret: string;
  /**
   * Collections served besides the council's, with their schema: for tests only (RxDB's
   * replication test suite). Open the database with `primaryKeysOf(extraCollections)`.
   */
  extraCollections?: readonly ExtraCollection[];
  /** Fastify's logger (pino): false (default) or options; the CLI logs at info. */
  logger?: FastifyServerOptions['logger'];
  /** Behind a reverse proxy: which X-Forwarded-For to trust for client IPs (Fastify's trustProxy). */
  trustProxy?: FastifyServerOptions['trustProxy'];
  accessTokenTtlMs?: number;
  refreshTokenTtlMs?: number;
  pushBodyLimit?: number;
  pullByteBudget?: number;
  heartbeatMs?: number;
  loginLimits?: LoginLimits;
  /** Bytes a change stream may have queued before the slow workstation is dropped (default 32 MiB). */
  streamBufferLimit?: number;
  /** On close, how long running requests may finish before their connections are cut (default 5 s). */
  shutdownGraceMs?: number;
  /** The time in ms; for tests of token expiry. */
  clock?: () => number;
  /** The folder of attachment blobs (server/blobs); without it the blob routes answer 503. */
  blobDirectory?: string;
};

/** The primary keys to open the database with when extra collections are served. */
export function primaryKeysOf(extraCollections: readonly ExtraCollection[] = []): Readonly<Record<string, string>> {
  return servedCollections(extraCollections).primaryKeys;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const db = options.database;
  const clock = options.clock ?? Date.now;
  const signer = createTokenSigner(options.secret);
  const collections = servedCollections(options.extraCollections);
  const app = Fastify({
    logger: withRedaction(options.logger ?? false),
    trustProxy: options.trustProxy ?? false,
    // Default for every route; the push route allows more.
    bodyLimit: 1024 * 1024,
  });
  app.decorateRequest('actor', null);

  installErrorHandlers(app, async (request, apiError, error) => {
    // Refusals the push route's handler never saw (a body too large, unreadable JSON) are audited
    // here; the handler audits its own.
    const action = request.routeOptions.config?.auditAs;
    if (!action || !request.actor || error instanceof ApiFailure) return;
    await audit({ db, log: request.log }, {
      userId: request.actor.userId,
      action,
      collection: (request.params as { collection?: string } | undefined)?.collection ?? null,
      outcome: 'refused',
      reason: apiError.message,
      detail: { code: apiError.code, role: request.actor.role, ip: request.ip, via: 'http', bytes: Number(request.headers['content-length'] ?? 0) },
    });
  });

  const authenticate = authenticator(signer, clock);
  registerAuthRoutes(app, {
    db,
    signer,
    clock,
    accessTokenTtlMs: options.accessTokenTtlMs ?? ACCESS_TOKEN_TTL_MS,
    refreshTokenTtlMs: options.refreshTokenTtlMs ?? REFRESH_TOKEN_TTL_MS,
    loginLimits: options.loginLimits ?? DEFAULT_LOGIN_LIMITS,
  });

  const stream = new ChangeStream({
    db,
    collections: collections.names,
    log: app.log,
    heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS,
    pullByteBudget: Math.min(options.pullByteBudget ?? PULL_BYTE_BUDGET, STREAM_EVENT_BYTE_BUDGET),
  });
  // Before the HTTP server stops: open streams would otherwise keep app.close() waiting forever.
  app.addHook('preClose', async () => stream.close());
  closeConnectionsOnShutdown(app, options.shutdownGraceMs ?? 5_000);

  registerReplicationRoutes(app, {
    db,
    collections,
    authenticate,
    stream,
    pushBodyLimit: options.pushBodyLimit ?? PUSH_BODY_LIMIT,
    pullByteBudget: options.pullByteBudget ?? PULL_BYTE_BUDGET,
    streamBufferLimit: options.streamBufferLimit ?? 32 * 1024 * 1024,
    clock,
  });

  registerPresenceRoutes(app, { db, authenticate, clock, heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS });

  await app.register(blobRoutes, { db, authenticate, directory: options.blobDirectory });

  // Spent refresh tokens are deleted as they are used; expired ones once an hour.
  const sweep = setInterval(() => {
    db.refreshTokens.deleteExpired(clock()).catch((error: unknown) => app.log.warn({ err: error }, 'could not delete expired refresh tokens'));
  }, 60 * 60_000);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

  await app.ready();
  return app;
}

/**
 * Node's server.close() waits for every connection to end, and closes only those idle between
 * requests: a connection that never sent a request (a client that connected and then gave up)
 * keeps it waiting until the headers timeout. On shutdown, those go at once, a connection whose
 * request is answered closes after it, and whatever is still running after `graceMs` is cut (a
 * push cut there either committed or not; the workstation repeats it, and a repeated push that
 * already committed succeeds as a retry).
 */
function closeConnectionsOnShutdown(app: FastifyInstance, graceMs: number): void {
  const busy = new WeakSet<Socket>();
  const sockets = new Set<Socket>();
  let closing = false;
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    busy.add(request.socket);
    response.once('close', () => {
      busy.delete(request.socket);
      if (closing) request.socket.end();
    });
  });
  app.addHook('preClose', async () => {
    closing = true;
    for (const socket of sockets) if (!busy.has(socket)) socket.destroy();
    setTimeout(() => app.server.closeAllConnections(), graceMs).unref();
  });
}

/** Never log a token or a password: Fastify's default serializers log no headers or bodies; this makes sure. */
function withRedaction(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === false || logger === undefined) return false;
  const base = logger === true ? {} : logger;
  return { ...base, redact: { paths: ['req.headers.authorization', 'req.body.password', 'req.body.refreshToken', 'body.password'], censor: '[secret]' } };
}
