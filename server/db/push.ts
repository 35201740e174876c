/**
 * One RxDB push, written once for both engines over {@link PushTransaction}, inside one database
 * transaction. Each row is decided by core's `decidePushRow`, RxDB's reference conflict handling
 * (https://rxdb.info/replication.html#conflict-handling): no stored document → write; stored
 * and no assumed state, or an assumed state that differs from the stored body (deep JSON
 * equality, key order ignored) → conflict, answered with the stored body. One difference: when
 * the stored body already equals the pushed one, the row is a retry of a push whose answer was
 * lost, and succeeds without a write.
 */
import { decidePushRow } from '../../core/sync/replication-protocol';
import { invalidInput } from './errors';
import { SCOPE_CHILDREN, SCOPE_PARENTS, defaultScopeOf, parentIdOf } from './scope-policy';
import type { PushOptions, PushResult, ReplicatedDocument, ReplicationPushRow, Scope } from './types';

export type StoredState = { id: string; scope: Scope; body: string };

export type DocumentWrite = { id: string; deleted: boolean; scope: Scope; parentId: string | null; body: string };

export type ScopeChange = { id: string; scope: Scope };

/** What a push needs from an engine, inside its write transaction. */
export type PushTransaction = {
  /**
   * Takes the collection's write lock, held until the transaction ends, and returns the
   * collection's next `updatedAt`: max(now, last + 1), persisted. Every transaction that writes a
   * collection calls this before it reads what it decides on, so two pushes to one collection
   * never interleave, and one with a smaller `updatedAt` always commits first.
   */
  tick(collection: string, now: number): Promise<number>;
  readDocuments(collection: string, ids: readonly string[]): Promise<StoredState[]>;
  readScopes(collection: string, ids: readonly string[]): Promise<Map<string, Scope>>;
  readChildren(collection: string, parentIds: readonly string[]): Promise<{ id: string; parentId: string; scope: Scope }[]>;
  writeDocuments(collection: string, updatedAt: number, writes: readonly DocumentWrite[]): Promise<void>;
  /** Gives documents a new scope and `updatedAt`, leaving their bodies as they are. */
  moveDocuments(collection: string, updatedAt: number, moves: readonly ScopeChange[]): Promise<void>;
  /** Records that these documents left these scopes in the transaction of `updatedAt`. */
  recordExits(collection: string, updatedAt: number, exits: readonly ScopeChange[]): Promise<void>;
  /** Announces the commit (at commit time) to every listener of the database. */
  notify(collection: string, updatedAt: number): Promise<void>;
};

/** Thrown inside the transaction to roll it back when `authorize` refuses a row. */
export class PushRefused extends Error {
  constructor(readonly refused: { id: string; reason: string }[]) {
    super(`push refused: ${refused.map((row) => `${row.id}: ${row.reason}`).join('; ')}`);
  }
}

/**
 * One push as one transaction of the engine: `transaction` runs the callback in BEGIN … COMMIT and
 * rolls back when it throws. A refused row rolls the whole push back and is answered, not thrown.
 */
export async function pushInTransaction(
  transaction: (work: (tx: PushTransaction) => Promise<PushResult>) => Promise<PushResult>,
  collection: string,
  primaryKey: string,
  rows: readonly ReplicationPushRow[],
  options: PushOptions = {},
): Promise<PushResult> {
  try {
    return await transaction((tx) => pushDocuments(tx, collection, primaryKey, rows, options));
  } catch (error) {
    if (error instanceof PushRefused) return { conflicts: [], written: [], retried: [], refused: error.refused, updatedAt: null };
    throw error;
  }
}

/** A stored document: its parsed body and scope. */
type Current = { document: ReplicatedDocument; scope: Scope };

export async function pushDocuments(
  tx: PushTransaction,
  collection: string,
  primaryKey: string,
  rows: readonly ReplicationPushRow[],
  options: PushOptions = {},
): Promise<PushResult> {
  const now = options.now ?? Date.now();
  const ids = rows.map((row, index) => idOf(row, index, primaryKey));
  if (rows.length === 0) return { conflicts: [], written: [], retried: [], refused: [], updatedAt: null };
  const updatedAt = await tx.tick(collection, now);

  const stored = new Map((await tx.readDocuments(collection, [...new Set(ids)])).map((row) => [row.id, row]));
  const original = new Map<string, Current>();
  for (const [id, row] of stored) original.set(id, { document: parseBody(row.body), scope: row.scope });

  const scopes = await scopesOf(tx, collection, rows, options);

  if (options.authorize) {
    const refused: { id: string; reason: string }[] = [];
    rows.forEach((row, index) => {
      const id = ids[index]!;
      const before = original.get(id);
      const reason = options.authorize!({
        id,
        document: row.newDocumentState,
        scope: scopes[index]!,
        stored: before ? { document: before.document, scope: before.scope } : null,
      });
      if (reason !== null) refused.push({ id, reason });
    });
    if (refused.length > 0) throw new PushRefused(refused);
  }

  const current = new Map(original);
  const writes = new Map<string, DocumentWrite>();
  const conflicts: ReplicatedDocument[] = [];
  const written = new Set<string>();
  const retried = new Set<string>();
  rows.forEach((row, index) => {
    const id = ids[index]!;
    const master = current.get(id)?.document;
    const pushed = row.newDocumentState;
    const assumedMasterState = row.assumedMasterState ?? undefined;
    switch (decidePushRow(master, { assumedMasterState, newDocumentState: pushed })) {
      case 'conflict':
        conflicts.push(master!);
        return;
      case 'unchanged':
        written.add(id);
        if (!writes.has(id)) retried.add(id);
        return;
      case 'insert':
      case 'update': {
        const scope = scopes[index]!;
        writes.set(id, {
          id,
          deleted: pushed._deleted === true,
          scope,
          parentId: parentIdOf(collection, pushed),
          body: JSON.stringify(pushed),
        });
        current.set(id, { document: pushed, scope });
        written.add(id);
        retried.delete(id);
      }
    }
  });

  if (writes.size > 0) {
    await tx.writeDocuments(collection, updatedAt, [...writes.values()]);
    const exits: ScopeChange[] = [];
    for (const write of writes.values()) {
      const before = original.get(write.id);
      if (before && before.scope !== write.scope) exits.push({ id: write.id, scope: before.scope });
      // Created where its creator cannot see it: their replica holds it, so it leaves it.
      if (!before && options.pusher && !options.pusher.sees(write.scope)) exits.push({ id: write.id, scope: options.pusher.exitScope });
    }
    if (exits.length > 0) await tx.recordExits(collection, updatedAt, exits);
    await tx.notify(collection, updatedAt);
    await moveChildren(tx, collection, now, [...writes.values()], original);
  }

  return { conflicts, written: [...written], retried: [...retried], refused: [], updatedAt: writes.size > 0 ? updatedAt : null };
}

/**
 * Children (messages) follow their parent (ticket): when a parent is new or changed scope, its
 * children take the new scope, with a new `updatedAt` so scoped pulls see them arrive, and an
 * exit from their old scope so the replicas that lose them get a tombstone.
 */
async function moveChildren(
  tx: PushTransaction,
  collection: string,
  now: number,
  writes: readonly DocumentWrite[],
  original: ReadonlyMap<string, Current>,
): Promise<void> {
  const childCollections = SCOPE_CHILDREN[collection];
  if (!childCollections) return;
  const parentScopes = new Map<string, Scope>();
  for (const write of writes) {
    const before = original.get(write.id);
    if (before?.scope !== write.scope) parentScopes.set(write.id, write.scope);
  }
  if (parentScopes.size === 0) return;
  for (const child of childCollections) {
    // The child collection's lock before reading its rows: a message pushed concurrently either
    // committed already (and is read here) or waits, then reads this ticket's new scope.
    const childUpdatedAt = await tx.tick(child, now);
    const children = await tx.readChildren(child, [...parentScopes.keys()]);
    const moves = children
      .filter((row) => row.scope !== parentScopes.get(row.parentId))
      .map((row) => ({ id: row.id, oldScope: row.scope, scope: parentScopes.get(row.parentId)! }));
    if (moves.length === 0) continue;
    await tx.moveDocuments(child, childUpdatedAt, moves);
    await tx.recordExits(child, childUpdatedAt, moves.map((move) => ({ id: move.id, scope: move.oldScope })));
    await tx.notify(child, childUpdatedAt);
  }
}

/** The scope each row would be written with. */
async function scopesOf(
  tx: PushTransaction,
  collection: string,
  rows: readonly ReplicationPushRow[],
  options: PushOptions,
): Promise<Scope[]> {
  const relation = SCOPE_PARENTS[collection];
  if (relation) {
    const parentIds = rows.map((row) => parentIdOf(collection, row.newDocumentState));
    const known = await tx.readScopes(relation.parent, [...new Set(parentIds.filter((id) => id !== null))]);
    return parentIds.map((id) => (id !== null ? known.get(id) : undefined) ?? relation.orphanScope);
  }
  const scopeOf = options.scopeOf ?? defaultScopeOf(collection);
  return rows.map((row) => {
    const scope = scopeOf(row.newDocumentState);
    if (typeof scope !== 'string') throw invalidInput(`scopeOf returned ${typeof scope} for a ${collection} document`);
    return scope;
  });
}

function idOf(row: ReplicationPushRow, index: number, primaryKey: string): string {
  const document: unknown = row?.newDocumentState;
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw invalidInput(`push row ${index}: newDocumentState is not an object`);
  }
  const id = (document as ReplicatedDocument)[primaryKey];
  if (typeof id !== 'string' || id.length === 0) {
    throw invalidInput(`push row ${index}: newDocumentState.${primaryKey} is not a non-empty string`);
  }
  const assumed: unknown = row.assumedMasterState;
  if (assumed != null && (typeof assumed !== 'object' || Array.isArray(assumed))) {
    throw invalidInput(`push row ${index}: assumedMasterState is not an object`);
  }
  return id;
}

function parseBody(body: string): ReplicatedDocument {
  return JSON.parse(body) as ReplicatedDocument;
}
