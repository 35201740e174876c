// The replication wire protocol between the central server (server/) and the workstations
// (main/sync): RxDB's replication protocol (https://rxdb.info/replication.html) over HTTP, one
// endpoint set per collection and one Server-Sent Events stream per workstation. Both sides
// import this file, so the shapes and the checks cannot drift. The public description for
// operators is docs/replication-api.md.
//
//   GET  /api/v1/replication/{collection}/pull?updatedAt=&id=&limit=  → PullResponse
//   POST /api/v1/replication/{collection}/push   body: PushRow[]      → PushResponse (conflicts)
//   GET  /api/v1/replication/stream                                   → text/event-stream of StreamEvent
//   POST /api/v1/auth/login, …/refresh, …/logout                     (auth-protocol.ts)
//
// Every call but the sign-in ones carries `Authorization: Bearer <accessToken>`. Errors are
// `{ok: false, error: {code, message}}` (api-result.ts).
import type { RxJsonSchema, WithDeleted } from 'rxdb';
import { COLLECTION_NAMES, collections, type CollectionDocTypes, type CollectionName } from '../schemas';
import { fail, ok, type Result } from './api-result';
import { jsonCheck, type JsonCheck } from './json-check';
import { compareCodePoints, sameMembers } from './json-value';

export * from './api-result';
export * from './auth-protocol';
export type { JsonCheck } from './json-check';

// ---------------------------------------------------------------------------------------------
// Routes and collections

export const API_PREFIX = '/api/v1';

/** The paths of the API, for the server's routes and the workstation's requests alike. */
export const API_PATHS = {
  pull: (collection: string) => `${API_PREFIX}/replication/${encodeURIComponent(collection)}/pull`,
  push: (collection: string) => `${API_PREFIX}/replication/${encodeURIComponent(collection)}/push`,
  stream: `${API_PREFIX}/replication/stream`,
  login: `${API_PREFIX}/auth/login`,
  refresh: `${API_PREFIX}/auth/refresh`,
  logout: `${API_PREFIX}/auth/logout`,
} as const;

/**
 * The collections a workstation replicates: all of them. Which documents a user may see and
 * write is the server's decision per user (role, departments), not a property of the collection.
 */
export const REPLICATED_COLLECTIONS: readonly CollectionName[] = COLLECTION_NAMES;

/**
 * The `{collection}` of a route. `allowed` is ours unless a test serves other collections (RxDB's
 * replication test suite replicates its own `human` collection).
 */
export function parseCollectionName<N extends string = CollectionName>(
  value: unknown,
  allowed: readonly N[] = REPLICATED_COLLECTIONS as readonly string[] as readonly N[],
): Result<N> {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return ok(value as N);
  return fail('unknown_collection', `${preview(value)} is not a replicated collection: use one of ${allowed.join(', ')}`);
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// Checkpoint

/**
 * Where a workstation stands in a collection's change feed: the server's position of the last
 * document it received. `updatedAt` is assigned by the server to every write transaction and
 * strictly increases across transactions and restarts; it lives in the server's own columns,
 * never in the document body (which is stored exactly as pushed), so it is not the document's
 * own `updatedAt`. Several documents written in one transaction share it, so the document `id`
 * breaks ties, in code point (UTF-8 byte) order: SQLite's BINARY and PostgreSQL's `COLLATE "C"`.
 * Opaque to the workstation, which only sends back what it was given.
 */
export type ReplicationCheckpoint = { id: string; updatedAt: number };

/**
 * The longest checkpoint id the server reads. Our ids have at most 40 characters
 * (ID_MAX_LENGTH); the protocol allows more so that RxDB's test suite (ids up to 100) runs
 * against the same code.
 */
export const CHECKPOINT_ID_MAX_LENGTH = 256;

/** Orders two feed positions: by `updatedAt`, then by id in code point order. */
export function compareCheckpoints(a: ReplicationCheckpoint, b: ReplicationCheckpoint): -1 | 0 | 1 {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? -1 : 1;
  return compareCodePoints(a.id, b.id);
}

/** Whether a document at `position` comes after the checkpoint (every document does after none). */
export function isAfterCheckpoint(position: ReplicationCheckpoint, checkpoint: ReplicationCheckpoint | null): boolean {
  return checkpoint === null || compareCheckpoints(position, checkpoint) > 0;
}

const checkpointSchema = {
  type: ['object', 'null'],
  description: 'null or a checkpoint {id, updatedAt}',
  additionalProperties: false,
  required: ['id', 'updatedAt'],
  properties: {
    id: { type: 'string', maxLength: CHECKPOINT_ID_MAX_LENGTH, description: `a string of at most ${CHECKPOINT_ID_MAX_LENGTH} characters` },
    updatedAt: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'a whole number from 0' },
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Pull

/**
 * Documents per pull when the query names no limit, and the most it may ask for. A large batch
 * is what makes an initial replica fast (100k documents: 11.8 s at 100 per pull, 3.0 s at 500,
 * shared/NOTES.md), so the workstation asks for 500; the cap bounds one answer's size and
 * time. The server may answer fewer (a byte budget for pages of large messages) but never more.
 */
export const PULL_LIMIT_DEFAULT = 100;
export const PULL_LIMIT_MAX = 1000;

/** A pull as the server reads it: the documents after `checkpoint` (all, when null), `limit` at most. */
export type PullQuery = { checkpoint: ReplicationCheckpoint | null; limit: number };

const LIMIT_RULE = `a whole number of documents from 1 to ${PULL_LIMIT_MAX}`;
const UPDATED_AT_RULE = 'empty or the checkpoint\'s updatedAt, a whole number from 0';

const pullQueryCheck = jsonCheck<{ updatedAt?: string; id?: string; limit?: string }>(
  {
    type: 'object',
    description: 'the query of the URL',
    additionalProperties: false,
    properties: {
      updatedAt: { type: 'string', pattern: '^(0|[1-9][0-9]{0,15})?$', description: UPDATED_AT_RULE },
      id: {
        type: 'string',
        maxLength: CHECKPOINT_ID_MAX_LENGTH,
        description: `empty or the checkpoint's id, at most ${CHECKPOINT_ID_MAX_LENGTH} characters`,
      },
      limit: { type: 'string', pattern: '^([1-9][0-9]{0,6})?$', description: `empty or ${LIMIT_RULE}` },
    },
  },
  'query',
);

/**
 * Reads the query of a pull URL, as the server's router parsed it (each value a string; a
 * repeated parameter, which arrives as an array, is refused). An empty or missing `updatedAt`
 * with an empty or missing `id` means "from the beginning"; `id` without `updatedAt` is refused.
 * Unknown parameters are refused too: a misspelt `updatedAt` would otherwise restart the pull
 * from the beginning without anyone noticing.
 */
export function parsePullQuery(query: unknown): Result<PullQuery> {
  const checked = pullQueryCheck(query);
  if (!checked.ok) return checked;
  const { updatedAt = '', id = '', limit = '' } = checked.value;
  if (updatedAt === '' && id !== '') {
    return fail('bad_request', 'query.updatedAt is missing: a checkpoint is an updatedAt and an id, or neither');
  }
  const position = Number(updatedAt);
  if (updatedAt !== '' && !Number.isSafeInteger(position)) {
    return fail('bad_request', `query.updatedAt must be ${UPDATED_AT_RULE} up to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(updatedAt)}`);
  }
  const size = limit === '' ? PULL_LIMIT_DEFAULT : Number(limit);
  if (size > PULL_LIMIT_MAX) return fail('bad_request', `query.limit must be ${LIMIT_RULE}, got ${JSON.stringify(limit)}`);
  return ok({ checkpoint: updatedAt === '' ? null : { updatedAt: position, id }, limit: size });
}

/** The query string of a pull (without the '?'), for the workstation; ids are URL-encoded. */
export function pullQueryString(query: PullQuery): string {
  const parts = query.checkpoint === null ? [] : [`updatedAt=${query.checkpoint.updatedAt}`, `id=${encodeURIComponent(query.checkpoint.id)}`];
  return [...parts, `limit=${query.limit}`].join('&');
}

/**
 * A document as it travels: the body exactly as the schema describes it, plus RxDB's `_deleted`
 * flag (deletions are soft, so a deletion replicates like any other change). Never `_rev` or
 * `_meta`: those are each RxDB storage's own bookkeeping.
 */
export type DocumentState = { _deleted: boolean } & Record<string, unknown>;

const documentStateEnvelope = {
  type: 'object',
  description: 'a document with its _deleted flag',
  required: ['_deleted'],
  properties: { _deleted: { type: 'boolean', description: 'true or false' } },
} as const;

/**
 * The answer to a pull: up to `limit` documents in checkpoint order, and the checkpoint of the
 * last one. With no documents the checkpoint is the one asked for (null when none was): RxDB
 * stops pulling on an empty page.
 */
export type PullResponse<T = DocumentState> = { documents: WithDeleted<T>[]; checkpoint: ReplicationCheckpoint | null };

const pullResponseCheck = jsonCheck<PullResponse>(
  {
    type: 'object',
    description: 'an object {documents, checkpoint}',
    additionalProperties: false,
    required: ['documents', 'checkpoint'],
    properties: {
      documents: { type: 'array', maxItems: PULL_LIMIT_MAX, items: documentStateEnvelope, description: `a list of at most ${PULL_LIMIT_MAX} documents` },
      checkpoint: checkpointSchema,
    },
  },
  'pull answer',
);

/**
 * Reads a pull answer on the workstation. Only the envelope is checked here; each document is
 * checked against its collection's schema when RxDB writes it (a validating storage).
 */
export function parsePullResponse(body: unknown): Result<PullResponse> {
  const checked = pullResponseCheck(body);
  if (!checked.ok) return checked;
  if (checked.value.documents.length > 0 && checked.value.checkpoint === null) {
    return fail('bad_request', 'pull answer.checkpoint is null although documents came: it must be the position of the last one');
  }
  return checked;
}

// ---------------------------------------------------------------------------------------------
// Push

/**
 * One document written on the workstation, as RxDB's upstream sends it
 * (`RxReplicationWriteToMasterRow`): the new state, and the master state the workstation last
 * saw, absent when it never saw one (a document it created). The server writes the new state
 * only if the assumed state is the one it holds; see {@link decidePushRow}.
 */
export type PushRow<T = DocumentState> = { assumedMasterState?: WithDeleted<T>; newDocumentState: WithDeleted<T> };

/**
 * Rows per push. RxDB sends `pushBatchSize` rows (we use 100) and many pushes at once; one push
 * is one transaction on the server, and this cap bounds how long it holds the collection's lock.
 */
export const PUSH_ROWS_MAX = 500;

/**
 * The answer to a push: the server's current state of every document whose push was refused
 * as a conflict, for the workstation's conflict handler to merge and push again. Empty when
 * everything was written.
 */
export type PushResponse<T = DocumentState> = WithDeleted<T>[];

const pushRowsCheck = jsonCheck<PushRow[]>(
  {
    type: 'array',
    description: `a list of at most ${PUSH_ROWS_MAX} write rows`,
    maxItems: PUSH_ROWS_MAX,
    items: {
      type: 'object',
      description: 'a write row {newDocumentState, assumedMasterState?}',
      additionalProperties: false,
      required: ['newDocumentState'],
      properties: { newDocumentState: documentStateEnvelope, assumedMasterState: documentStateEnvelope },
    },
  },
  'push',
);

/**
 * Reads a push body on the server: the rows' envelope, each naming one document by its primary
 * key (`id` in our collections), the assumed state the same document as the new one, and no
 * document twice (one push is one transaction: two states of one document in it have no order).
 * The documents themselves are then checked against their collection's schema
 * ({@link DOCUMENT_STATE_CHECKS}) and the pusher's rights.
 */
export function parsePushRows(body: unknown, primaryKey = 'id'): Result<PushRow[]> {
  const checked = pushRowsCheck(body);
  if (!checked.ok) return checked;
  const seen = new Set<string>();
  for (const [index, row] of checked.value.entries()) {
    const id = row.newDocumentState[primaryKey];
    if (typeof id !== 'string' || id === '') {
      return fail('bad_request', `push[${index}].newDocumentState.${primaryKey} must be the document's id, a non-empty string, got ${preview(id)}`);
    }
    if (row.assumedMasterState !== undefined && row.assumedMasterState[primaryKey] !== id) {
      return fail('bad_request', `push[${index}].assumedMasterState.${primaryKey} must be the id of newDocumentState (${JSON.stringify(id)}), got ${preview(row.assumedMasterState[primaryKey])}`);
    }
    if (seen.has(id)) return fail('bad_request', `push[${index}] writes document ${JSON.stringify(id)} a second time in one push`);
    seen.add(id);
  }
  return checked;
}

const pushResponseCheck = jsonCheck<PushResponse>(
  { type: 'array', description: 'a list of conflicting documents', maxItems: PUSH_ROWS_MAX, items: documentStateEnvelope },
  'push answer',
);

/** Reads a push answer on the workstation (the envelope; see {@link parsePullResponse}). */
export function parsePushResponse(body: unknown): Result<PushResponse> {
  return pushResponseCheck(body);
}

/**
 * Whether two states of a document are the same: deep JSON equality, whatever the order of the
 * keys, leaving out RxDB's local bookkeeping (`_meta`, `_rev`). The server decides conflicts
 * with this and never with a collection's conflict handler's `isEqual`, which may be cheaper
 * and coarser (messages compare only ids).
 */
export function sameDocumentState(a: object, b: object): boolean {
  return a === b || sameMembers(a as Record<string, unknown>, b as Record<string, unknown>, LOCAL_BOOKKEEPING);
}

const LOCAL_BOOKKEEPING: ReadonlySet<string> = new Set(['_meta', '_rev']);

/**
 * What the server does with one pushed row, given the state it holds (`undefined`: none):
 * - `insert`: it holds no such document;
 * - `unchanged`: it already holds exactly the new state — a push repeated because its answer
 *   was lost, or two workstations that wrote the same thing. A success: no write, no conflict;
 * - `update`: the assumed state is the one it holds: write the new one;
 * - `conflict`: the workstation did not see the held state (no assumed state, or another one):
 *   write nothing and answer the held state among the conflicts.
 * As RxDB's reference (`rxStorageInstanceToReplicationHandler().masterWrite`), except for
 * `unchanged`. Deletions are writes of `_deleted: true` like any other.
 */
export type PushDecision = 'insert' | 'unchanged' | 'update' | 'conflict';

export function decidePushRow(stored: object | undefined, row: { assumedMasterState?: object; newDocumentState: object }): PushDecision {
  if (stored === undefined) return 'insert';
  if (sameDocumentState(stored, row.newDocumentState)) return 'unchanged';
  if (row.assumedMasterState !== undefined && sameDocumentState(stored, row.assumedMasterState)) return 'update';
  return 'conflict';
}

// ---------------------------------------------------------------------------------------------
// Documents

/**
 * The JSON schema of a document as it travels: the collection's schema with `_deleted`. RxDB's
 * own keywords (`primaryKey`, `indexes`, `final`, …) are known to the checker and ignored.
 */
export function documentStateSchema(schema: RxJsonSchema<unknown>): Record<string, unknown> {
  return {
    ...schema,
    properties: { ...schema.properties, _deleted: { type: 'boolean' } },
    required: [...((schema.required as readonly string[] | undefined) ?? []), '_deleted'],
  };
}

/** A check of pushed (server) or pulled documents of a collection, code `invalid_document`. */
export function documentStateCheck<T>(schema: RxJsonSchema<T>, label: string = schema.title ?? 'document'): JsonCheck<WithDeleted<T>> {
  return jsonCheck<WithDeleted<T>>(documentStateSchema(schema as RxJsonSchema<unknown>), label, {
    code: 'invalid_document',
    mustBeDescriptions: false,
  });
}

/** The check of each of our collections, compiled on first use. */
export const DOCUMENT_STATE_CHECKS = Object.fromEntries(
  COLLECTION_NAMES.map((name) => [name, documentStateCheck(collections[name].schema as RxJsonSchema<unknown>, name)]),
) as { [N in CollectionName]: JsonCheck<WithDeleted<CollectionDocTypes[N]>> };

// ---------------------------------------------------------------------------------------------
// Stream

/**
 * Documents of one collection changed on the server, with the checkpoint of the last one: the
 * workstation feeds them to that collection's replication as RxDB's `pull.stream$` items. Only
 * documents the user may see are sent (the same scope as a pull).
 */
export type StreamChangesEvent<N extends string = CollectionName> = {
  type: 'changes';
  collection: N;
  documents: DocumentState[];
  checkpoint: ReplicationCheckpoint;
};

/**
 * The workstation may have missed changes (the server lost its PostgreSQL notifications, or the
 * user's scope changed): it must pull again from its checkpoint — RxDB's `'RESYNC'` — for one
 * collection, or for all when none is named. The workstation also resyncs every collection on
 * every (re)connect of the stream by itself, without waiting for this event.
 */
export type StreamResyncEvent<N extends string = CollectionName> = { type: 'resync'; collection?: N };

export type StreamEvent<N extends string = CollectionName> = StreamChangesEvent<N> | StreamResyncEvent<N>;

/**
 * A heartbeat: an SSE comment line every few seconds (15 s is safe behind common proxies),
 * which keeps idle connections open and lets the workstation notice a dead one.
 */
export const STREAM_HEARTBEAT = ': heartbeat\n\n';

/**
 * One event on the wire: an unnamed SSE event (`message`) whose data is the event's JSON on a
 * single line (`JSON.stringify` escapes every line break).
 */
export function encodeStreamEvent(event: StreamEvent<string>): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

const changesEventCheck = jsonCheck<StreamChangesEvent<string>>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'collection', 'documents', 'checkpoint'],
    properties: {
      type: { const: 'changes' },
      collection: { type: 'string', description: 'a collection name' },
      documents: { type: 'array', items: documentStateEnvelope, description: 'a list of documents' },
      checkpoint: { ...checkpointSchema, type: 'object', description: 'a checkpoint {id, updatedAt}' },
    },
  },
  'stream event',
);

const resyncEventCheck = jsonCheck<StreamResyncEvent<string>>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['type'],
    properties: { type: { const: 'resync' }, collection: { type: 'string', description: 'a collection name' } },
  },
  'stream event',
);

/** Reads the data of one stream event on the workstation. */
export function parseStreamEvent<N extends string = CollectionName>(
  data: string,
  allowed: readonly N[] = REPLICATED_COLLECTIONS as readonly string[] as readonly N[],
): Result<StreamEvent<N>> {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    return fail('bad_request', `stream event is not JSON: ${preview(data)}`);
  }
  const type = typeof event === 'object' && event !== null && 'type' in event ? event.type : undefined;
  const checked = type === 'changes' ? changesEventCheck(event) : type === 'resync' ? resyncEventCheck(event) : undefined;
  if (checked === undefined) return fail('bad_request', `stream event.type must be "changes" or "resync", got ${preview(type)}`);
  if (!checked.ok) return checked;
  const { collection } = checked.value;
  if (collection !== undefined) {
    const known = parseCollectionName(collection, allowed);
    if (!known.ok) return fail('bad_request', `stream event.collection: ${known.error.message}`);
  }
  return checked as Result<StreamEvent<N>>;
}
