/**
 * `PUT /api/v1/blobs/{sha256}` and `GET /api/v1/blobs/{sha256}`: the attachments of messages,
 * for workstations to upload what they ingested or wrote and fetch on demand what others did
 * (docs/replication-api.md, Blobs). Bearer auth as every other route.
 *
 * Who may read a blob: an administrator; anyone else only if at least one message they may see
 * (their departments, the intake queue: server/replication/rights.ts `canSee`, applied to the
 * message's current scope, which follows its ticket) lists the blob's hash among its
 * attachments — the same rights as the ticket that references it. Uploading needs only a
 * sign-in: the bytes must hash to the name (so nobody can plant other content under a name), and
 * an upload grants no reading.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, onRequestHookHandler } from 'fastify';
import { API_PREFIX } from '../../core/sync/replication-protocol';
import { ApiFailure } from '../api-errors';
import type { ServerDatabase } from '../db/index';
import type { Actor } from '../auth/tokens';
import { canSee } from '../replication/rights';
import { BlobReferences } from './blob-references';
import { SHA256_HEX, ServerBlobFiles } from './blob-files';

/** The largest attachment accepted: a 25 MB mail attachment with room; mail servers refuse larger mail anyway. */
export const BLOB_MAX_BYTES = 64 * 1024 * 1024;

export const BLOB_PATH = `${API_PREFIX}/blobs/:sha256`;

export type BlobRoutesOptions = {
  db: ServerDatabase;
  authenticate: onRequestHookHandler;
  /** The folder of the blobs; without it the routes answer 503 (this server keeps no attachments). */
  directory?: string;
  maxBlobBytes?: number;
};

function hashParameter(request: FastifyRequest): string {
  const { sha256 } = request.params as { sha256: string };
  if (!SHA256_HEX.test(sha256)) throw new ApiFailure('bad_request', `a blob is named by the SHA-256 of its bytes in lower-case hex (64 characters), not ${JSON.stringify(sha256.slice(0, 80))}`);
  return sha256;
}

function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new ApiFailure('unauthenticated', 'sign in first');
  return request.actor;
}

/** Whether `actor` may read the blob: an admin, or someone who sees a message that names it. */
async function mayRead(db: ServerDatabase, references: BlobReferences, actor: Actor, sha256: string): Promise<boolean> {
  if (actor.role === 'admin') return true;
  const ids = await references.messagesNaming(sha256);
  if (ids.length === 0) return false;
  const messages = await db.getDocuments('messages', ids);
  return messages.some((message) => !message.deleted && canSee(actor, message.scope));
}

export const blobRoutes: FastifyPluginAsync<BlobRoutesOptions> = async (app: FastifyInstance, options) => {
  const { db, authenticate } = options;
  const maxBytes = options.maxBlobBytes ?? BLOB_MAX_BYTES;
  const files = options.directory ? await ServerBlobFiles.open(options.directory) : undefined;
  const references = options.directory ? BlobReferences.open(db, options.directory) : undefined;
  // A server that already holds many messages indexes them as it starts, not at the first read.
  app.addHook('onReady', async () => {
    references?.catchUp().catch((error: unknown) => app.log.warn({ err: error }, 'could not index the attachments of messages yet'));
  });
  app.addHook('onClose', async () => references?.close());

  const store = () => {
    if (!files || !references) throw new ApiFailure('unavailable', 'this server keeps no attachments: its operator has not given it a blob folder');
    return { files, references };
  };

  // The body is the file itself, streamed to disk as it arrives: never parsed, never buffered.
  // Scoped to this plugin, so the other routes keep Fastify's JSON parser and body limit.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.put(BLOB_PATH, { onRequest: authenticate }, async (request, reply) => {
    const actor = actorOf(request);
    const sha256 = hashParameter(request);
    const { files } = store();
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxBytes) throw new ApiFailure('payload_too_large', `an attachment may have at most ${maxBytes} bytes; this one has ${declared}`);
    const body = request.body as Readable | undefined;
    if (!body || typeof body.pipe !== 'function') throw new ApiFailure('bad_request', 'send the file\'s bytes as the request body');
    let outcome;
    try {
      outcome = await files.put(sha256, body, maxBytes);
    } catch (error) {
      if (request.raw.destroyed || request.raw.aborted) throw new ApiFailure('bad_request', 'the upload was cut short; nothing was stored');
      throw error;
    }
    if (!outcome.ok) {
      const reason = outcome.reason === 'too_large' ? `larger than ${maxBytes} bytes` : `its bytes hash to ${outcome.actual}`;
      await db.audit.append({ userId: actor.userId, action: 'blob:put', documentId: sha256, outcome: 'refused', reason }).catch((error: unknown) => request.log.warn({ err: error }, 'audit failed'));
      if (outcome.reason === 'too_large') throw new ApiFailure('payload_too_large', `an attachment may have at most ${maxBytes} bytes`);
      throw new ApiFailure('bad_request', `the bytes do not match the name: they hash to ${outcome.actual}, not ${sha256}; nothing was stored`);
    }
    if (outcome.created) {
      await db.audit.append({ userId: actor.userId, action: 'blob:put', documentId: sha256, outcome: 'ok', detail: { size: outcome.size } }).catch((error: unknown) => request.log.warn({ err: error }, 'audit failed'));
    }
    return reply.code(outcome.created ? 201 : 200).send({ sha256, size: outcome.size });
  });

  app.get(BLOB_PATH, { onRequest: authenticate }, async (request, reply) => {
    const actor = actorOf(request);
    const sha256 = hashParameter(request);
    const { files, references } = store();
    // Rights before existence: whether the council holds a file is itself not for everyone.
    if (!(await mayRead(db, references, actor, sha256))) {
      await db.audit.append({ userId: actor.userId, action: 'blob:get', documentId: sha256, outcome: 'refused', reason: 'no message the user may see lists this attachment' }).catch((error: unknown) => request.log.warn({ err: error }, 'audit failed'));
      throw new ApiFailure('forbidden', 'no message you may see has this attachment');
    }
    const size = await files.sizeOf(sha256);
    if (size === null) throw new ApiFailure('not_found', 'this attachment has not reached the server yet: the workstation that has it uploads it when it is online');
    return reply
      .header('content-length', String(size))
      .header('etag', `"${sha256}"`)
      // Content-addressed: the bytes under a name never change.
      .header('cache-control', 'private, max-age=31536000, immutable')
      .type('application/octet-stream')
      .send(files.openRead(sha256));
  });
};
