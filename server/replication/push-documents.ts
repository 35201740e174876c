/**
 * One push, the only way documents enter the server: the HTTP push route and the admin command
 * line both come through here. In order: the envelope (core's parsePushRows), every document
 * against its collection's JSON schema (ajv), the pusher's rights on the collection, then the
 * database push, whose `authorize` checks each row against the stored document inside the
 * transaction. Administrative writes, and replies' delivery states written outside the pusher's
 * departments (rights.ts `outboxStateWrite`), are audited when accepted. Anything refused is
 * refused whole (nothing stored), answered 400 or 403 with the reason, and written to the audit
 * log with who (user and, when the session is bound to one, workstation), what, when and why.
 */
import type { FastifyBaseLogger } from 'fastify';
import { parseCollectionName, parsePushRows, type DocumentState, type PushRow } from '../../core/sync/replication-protocol';
import type { AuditEntryInput, ReplicatedDocument, ServerDatabase } from '../db/index';
import { ApiFailure } from '../api-errors';
import type { Actor } from '../auth/tokens';
import { collectionWriteRefusal, outboxStateWrite, pusherOf, rowWriteRefusal } from './rights';
import type { ServedCollection, ServedCollections } from './served-collections';

/** Collections whose accepted writes are audited too (administration, not casework). */
const AUDITED_WRITES = new Set(['departments', 'users', 'calendars', 'templates', 'rules']);

/** How many refusals one message lists before "and N more". */
const REASONS_IN_MESSAGE = 5;

/** What the push path logs with: Fastify's logger (pino), or the command line's. */
export type Log = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;

export type PushEnvironment = {
  db: ServerDatabase;
  collections: ServedCollections;
  log: Log;
  /** Keeps a workstation that repeats a refused push from filling the audit log (see RefusalMemory). */
  refusals?: RefusalMemory;
};

/**
 * RxDB retries a refused push every few seconds for as long as the workstation runs, so the same
 * refusal would be audited thousands of times a day. The audit log records a refusal the first
 * time in a window (default one hour) per user, workstation, collection, document and reason; repeats are
 * counted in the server log instead.
 */
export class RefusalMemory {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly windowMs = 60 * 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** True when this refusal should be audited now (not seen within the window). */
  isNew(key: string, now: number): boolean {
    const last = this.seen.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    while (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}

/** Where a push came from, for the audit log. */
export type PushOrigin = { ip?: string; via: 'http' | 'cli' };

/** Writes an audit entry; a failure to write it is logged, never hidden behind the answer. */
export async function audit(env: Pick<PushEnvironment, 'db' | 'log'>, entry: AuditEntryInput): Promise<void> {
  try {
    await env.db.audit.append(entry);
  } catch (error) {
    env.log.error({ err: error, action: entry.action, outcome: entry.outcome }, 'could not write an audit entry');
  }
}

/** The collection of a route, or `unknown_collection`. */
export function servedCollection(collections: ServedCollections, name: unknown): ServedCollection {
  const parsed = parseCollectionName(name, collections.names);
  if (!parsed.ok) throw new ApiFailure(parsed.error.code, parsed.error.message);
  return collections.get(parsed.value)!;
}

/**
 * Pushes RxDB write rows as `actor` and returns the conflicts (RxDB's push answer). Throws an
 * {@link ApiFailure} (400, 403, 404) when the push is refused; nothing is stored then.
 */
export async function pushAs(env: PushEnvironment, actor: Actor, collectionName: unknown, body: unknown, origin: PushOrigin): Promise<ReplicatedDocument[]> {
  const collection = servedCollection(env.collections, collectionName);
  const name = collection.name;
  const refuse = async (code: 'bad_request' | 'invalid_document' | 'forbidden', message: string, documentIds: (string | null)[], detail: Record<string, unknown> = {}) => {
    for (const documentId of documentIds) {
      if (!isNewRefusal(env, actor, name, documentId, message)) continue;
      await audit(env, {
        userId: actor.userId,
        action: 'push',
        collection: name,
        documentId,
        outcome: 'refused',
        reason: message,
        detail: { code, role: actor.role, ...sessionOf(actor), ...origin, ...detail },
      });
    }
    env.log.info({ userId: actor.userId, collection: name, code, reason: message }, 'push refused');
    return new ApiFailure(code, message);
  };

  const parsed = parsePushRows(body, collection.primaryKey);
  if (!parsed.ok) throw await refuse('bad_request', parsed.error.message, [null]);
  const rows = parsed.value;
  const idOf = (row: PushRow) => String(row.newDocumentState[collection.primaryKey]);

  const collectionRefusal = collectionWriteRefusal(actor, name);
  if (collectionRefusal) throw await refuse('forbidden', `${collectionRefusal}; nothing was stored`, [rows.length > 0 ? idOf(rows[0]!) : null], { rows: rows.length });

  for (const [index, row] of rows.entries()) {
    const checked = collection.check(row.newDocumentState);
    if (!checked.ok) {
      throw await refuse('invalid_document', `push[${index}] (${JSON.stringify(idOf(row))}): ${checked.error.message}`, [idOf(row)]);
    }
  }

  const rowsById = new Map(rows.map((row) => [idOf(row), row]));
  // Replies' delivery states written outside the pusher's departments (rights.ts): audited.
  const outboxStates = new Set<string>();
  const result = await env.db.push(name, rows, {
    authorize: collection.council
      ? (input) => {
          const refusal = rowWriteRefusal(actor, name, input, rowsById.get(input.id)!);
          if (refusal === null && outboxStateWrite(actor, name, input)) outboxStates.add(input.id);
          return refusal;
        }
      : undefined,
    pusher: pusherOf(actor),
  });
  if (result.refused.length > 0) {
    const listed = result.refused.slice(0, REASONS_IN_MESSAGE).map((row) => row.reason);
    const more = result.refused.length > REASONS_IN_MESSAGE ? `; and ${result.refused.length - REASONS_IN_MESSAGE} more` : '';
    const message = `push refused, nothing was stored: ${listed.join('; ')}${more}`;
    for (const row of result.refused) {
      if (!isNewRefusal(env, actor, name, row.id, row.reason)) continue;
      await audit(env, {
        userId: actor.userId,
        action: 'push',
        collection: name,
        documentId: row.id,
        outcome: 'refused',
        reason: row.reason,
        detail: { code: 'forbidden', role: actor.role, ...sessionOf(actor), ...origin, rows: rows.length },
      });
    }
    env.log.info({ userId: actor.userId, collection: name, refused: result.refused.length }, 'push refused');
    throw new ApiFailure('forbidden', message);
  }

  const retried = new Set(result.retried);
  const changed = result.written.filter((id) => !retried.has(id));
  if (AUDITED_WRITES.has(name)) {
    for (const id of changed) {
      const document = rowsById.get(id)!.newDocumentState;
      await audit(env, {
        userId: actor.userId,
        action: document._deleted ? 'delete' : 'write',
        collection: name,
        documentId: id,
        outcome: 'ok',
        detail: { role: actor.role, ...sessionOf(actor), ...origin },
      });
    }
  }
  for (const id of changed.filter((written) => outboxStates.has(written))) {
    const outbox = rowsById.get(id)!.newDocumentState.outbox as { state?: unknown } | undefined;
    // `workstationId`: the session's, which the rule makes the outbox's owner as well.
    await audit(env, {
      userId: actor.userId,
      action: 'write',
      collection: name,
      documentId: id,
      outcome: 'ok',
      detail: { role: actor.role, rule: 'outbox-state', state: outbox?.state, ...sessionOf(actor), ...origin },
    });
  }
  if (name === 'users' && changed.length > 0) {
    await followUserDocuments(env, actor, changed.map((id) => rowsById.get(id)!.newDocumentState), origin);
  }
  return result.conflicts;
}

/** The workstation the pusher's session is bound to, for the audit log (none for older sessions and the command line). */
function sessionOf(actor: Actor): { workstationId?: string } {
  return actor.workstationId === undefined ? {} : { workstationId: actor.workstationId };
}

function isNewRefusal(env: PushEnvironment, actor: Actor, collection: string, documentId: string | null, reason: string): boolean {
  if (!env.refusals) return true;
  const fresh = env.refusals.isNew(JSON.stringify([actor.userId, actor.workstationId ?? null, collection, documentId, reason]), Date.now());
  if (!fresh) env.log.info({ userId: actor.userId, collection, documentId }, 'push refused again (audited already within the hour)');
  return fresh;
}

/**
 * The account (credentials and rights) follows the replicated `users` document an administrator
 * wrote: e-mail, role, departments, and whether it may sign in. Run after the push committed, so
 * a failure here (an e-mail another account has) leaves the document written and is audited as
 * `failed`; the account keeps its previous values until an administrator fixes the document.
 */
async function followUserDocuments(env: PushEnvironment, actor: Actor, documents: DocumentState[], origin: PushOrigin): Promise<void> {
  for (const document of documents) {
    const id = String(document.id);
    try {
      const account = await env.db.users.byId(id);
      if (!account) continue;
      const active = document.active === true && document._deleted !== true;
      await env.db.users.update(id, {
        email: typeof document.email === 'string' ? document.email : account.email,
        role: (['clerk', 'supervisor', 'admin'] as const).find((role) => role === document.role) ?? account.role,
        departmentIds: Array.isArray(document.departmentIds) ? (document.departmentIds as string[]) : account.departmentIds,
        active,
      });
      if (!active) await env.db.refreshTokens.revokeAllOf(id);
      await audit(env, { userId: actor.userId, action: 'account:update', collection: 'users', documentId: id, outcome: 'ok', detail: { active, ...origin } });
    } catch (error) {
      await audit(env, {
        userId: actor.userId,
        action: 'account:update',
        collection: 'users',
        documentId: id,
        outcome: 'failed',
        reason: error instanceof Error ? error.message : String(error),
        detail: origin,
      });
    }
  }
}
