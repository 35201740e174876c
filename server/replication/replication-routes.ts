/**
 * The replication API (docs/replication-api.md): pull and push per collection, and the one change
 * stream per workstation. Every route needs an access token (the `authenticate` hook).
 */
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { API_PATHS, API_PREFIX, encodeStreamEvent, parsePullQuery, type PushResponse } from '../../core/sync/replication-protocol';
import type { ServerDatabase } from '../db/index';
import { ApiFailure, valueOf } from '../api-errors';
import { readScopes } from './rights';
import { pullPage } from './pull-page';
import { councilTombstone } from './tombstones';
import { RefusalMemory, pushAs, servedCollection } from './push-documents';
import type { ChangeStream, StreamClient } from './change-stream';
import type { ServedCollections } from './served-collections';

export type ReplicationRouteOptions = {
  db: ServerDatabase;
  collections: ServedCollections;
  authenticate: onRequestHookHandler;
  stream: ChangeStream;
  /** Largest push body in bytes. */
  pushBodyLimit: number;
  pullByteBudget: number;
  clock: () => number;
  /** Bytes a stream may have waiting to be sent before it is dropped (the workstation reconnects). */
  streamBufferLimit: number;
};

export function registerReplicationRoutes(app: FastifyInstance, options: ReplicationRouteOptions): void {
  const { db, collections, authenticate } = options;
  const refusals = new RefusalMemory();
  const actorOf = (request: FastifyRequest) => {
    if (!request.actor) throw new ApiFailure('unauthenticated', 'sign in first');
    return request.actor;
  };

  app.get<{ Params: { collection: string }; Querystring: unknown }>(
    `${API_PREFIX}/replication/:collection/pull`,
    { onRequest: authenticate },
    async (request, reply) => {
      const actor = actorOf(request);
      const collection = servedCollection(collections, request.params.collection);
      const { checkpoint, limit } = valueOf(parsePullQuery(request.query));
      const page = await pullPage(db, collection.name, checkpoint, limit, { scopes: readScopes(actor), tombstone: councilTombstone(collection.name) }, options.pullByteBudget);
      // Already JSON: the page was serialised to measure it.
      return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(page.json);
    },
  );

  app.post<{ Params: { collection: string } }>(
    `${API_PREFIX}/replication/:collection/push`,
    { onRequest: authenticate, bodyLimit: options.pushBodyLimit, config: { auditAs: 'push' } },
    async (request): Promise<PushResponse> => {
      const actor = actorOf(request);
      return pushAs({ db, collections, log: request.log, refusals }, actor, request.params.collection, request.body, { ip: request.ip, via: 'http' });
    },
  );

  app.get(API_PATHS.stream, { onRequest: authenticate }, async (request, reply) => {
    const actor = actorOf(request);
    const raw = reply.raw;
    let ended = false;
    // Set once the stream is open; cleared when it ends.
    const timer: { expiry?: NodeJS.Timeout } = {};
    const client: StreamClient = {
      actor,
      write(text) {
        if (ended) return true;
        raw.write(text);
        return raw.writableLength <= options.streamBufferLimit;
      },
      end() {
        if (ended) return;
        ended = true;
        clearTimeout(timer.expiry);
        raw.end();
      },
    };
    raw.on('close', () => {
      ended = true;
      clearTimeout(timer.expiry);
      options.stream.remove(client);
    });
    // Joining fixes where this workstation's stream starts in each collection; only then do the
    // headers go out, which the workstation answers with its resync pulls (change-stream.ts).
    try {
      await options.stream.join(client);
    } catch (error) {
      request.log.warn({ err: error }, 'could not open a change stream');
      throw new ApiFailure('unavailable', 'the change stream cannot start now: retry later', 5);
    }
    reply.hijack();
    if (ended) {
      // Gone while joining.
      options.stream.remove(client);
      return;
    }
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      // The connection carries nothing else: when the stream ends (token expiry, shutdown) it closes.
      connection: 'close',
      // nginx buffers responses unless told not to.
      'x-accel-buffering': 'no',
    });
    // The stream lives as long as the token that opened it: the workstation then reconnects with a
    // fresh one, so a disabled account or changed departments reach live streams too.
    timer.expiry = setTimeout(() => client.end(), Math.max(0, actor.expiresAt - options.clock()));
    timer.expiry.unref();
    // How long EventSource waits before reconnecting after the stream ends; then the first event.
    options.stream.send(client, `retry: 2000\n\n${encodeStreamEvent({ type: 'resync' })}`);
    request.log.info({ userId: actor.userId, streams: options.stream.size }, 'change stream opened');
  });

  app.get(`${API_PREFIX}/health`, async (_request, reply) => {
    try {
      await db.pull('departments', null, 1, { scopes: [] });
    } catch {
      throw new ApiFailure('unavailable', 'the database is unreachable', 5);
    }
    return reply.header('cache-control', 'no-store').send({ status: 'ok', engine: db.engine });
  });
}
