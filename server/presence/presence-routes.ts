// Presence over HTTP: who else is viewing or replying to a ticket, for workstations that are
// online (docs/workstation.md, "Presence").
//
//   POST /api/v1/presence          {ticketId: string|null, activity: 'viewing'|'replying'}
//                                  → 200 {entries: PresenceEntry[]} (what the caller may see)
//   GET  /api/v1/presence/stream   Server-Sent Events: `event: presence` with {entries} at once
//                                  and on every change; a comment line every 15 s
//
// A workstation repeats its POST every 15 s while the clerk stays on the ticket; entries live
// 45 s (presence-board.ts). Both routes need an access token; a stream ends when it expires.
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { API_PREFIX } from '../../core/sync/replication-protocol';
import { jsonCheck } from '../../core/sync/json-check';
import type { AccessTokenClaims } from '../auth/tokens';
import type { ServerDatabase } from '../db/index';
import { ApiFailure } from '../api-errors';
import { PresenceBoard, type PresenceActivity } from './presence-board';

export const PRESENCE_PATHS = { announce: `${API_PREFIX}/presence`, stream: `${API_PREFIX}/presence/stream` } as const;

export type PresenceRouteOptions = {
  db: ServerDatabase;
  authenticate: onRequestHookHandler | ((request: FastifyRequest) => Promise<void>);
  clock?: () => number;
  heartbeatMs?: number;
};

const checkAnnounce = jsonCheck<{ ticketId: string | null; activity: PresenceActivity }>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['ticketId', 'activity'],
    description: 'an object {ticketId, activity}',
    properties: {
      ticketId: { type: ['string', 'null'], minLength: 1, maxLength: 40, description: 'a ticket id or null' },
      activity: { enum: ['viewing', 'replying'], description: "'viewing' or 'replying'" },
    },
  },
  'body',
);

function actorOf(request: FastifyRequest): AccessTokenClaims {
  if (!request.actor) throw new ApiFailure('unauthenticated', 'sign in first');
  return request.actor;
}

/** The user's name from their replicated `users` document (the token carries only the id). */
async function userName(db: ServerDatabase, userId: string): Promise<string> {
  const [row] = await db.getDocuments('users', [userId]);
  if (!row || row.deleted) return userId;
  try {
    const body = JSON.parse(row.body) as { name?: unknown };
    return typeof body.name === 'string' ? body.name : userId;
  } catch {
    return userId;
  }
}

export function registerPresenceRoutes(app: FastifyInstance, options: PresenceRouteOptions): PresenceBoard {
  const clock = options.clock ?? Date.now;
  const board = new PresenceBoard(clock);
  const streams = new Set<() => void>();
  const authenticate = options.authenticate as onRequestHookHandler;

  app.post(PRESENCE_PATHS.announce, { onRequest: authenticate }, async (request) => {
    const actor = actorOf(request);
    const body = checkAnnounce(request.body);
    if (!body.ok) throw new ApiFailure('bad_request', body.error.message);
    const { ticketId, activity } = body.value;
    let scope: string | null = null;
    if (ticketId !== null) {
      const [ticket] = await options.db.getDocuments('tickets', [ticketId]);
      scope = ticket && !ticket.deleted ? ticket.scope : null;
    }
    board.announce(actor, await userName(options.db, actor.userId), ticketId, activity, scope);
    return { entries: board.visibleTo(actor) };
  });

  app.get(PRESENCE_PATHS.stream, { onRequest: authenticate }, async (request, reply) => {
    const actor = actorOf(request);
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      connection: 'close',
      'x-accel-buffering': 'no',
    });
    let last = '';
    const send = () => {
      const text = JSON.stringify({ entries: board.visibleTo(actor) });
      if (text === last) return;
      last = text;
      raw.write(`event: presence\ndata: ${text}\n\n`);
    };
    const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), options.heartbeatMs ?? 15_000);
    const expiry = setTimeout(() => end(), Math.max(0, actor.expiresAt - clock()));
    const unsubscribe = board.onChange(send);
    const end = () => {
      clearInterval(heartbeat);
      clearTimeout(expiry);
      unsubscribe();
      streams.delete(end);
      raw.end();
    };
    streams.add(end);
    raw.on('close', end);
    send();
  });

  // Open streams would keep app.close() waiting.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
    board.close();
  });
  return board;
}
