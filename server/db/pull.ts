/**
 * One pull page, as one SQL statement (one snapshot) for both engines.
 *
 * Order: (updated_at, id), the id in byte order — SQLite's BINARY collation compares UTF-8
 * bytes; PostgreSQL's key columns are `COLLATE "C"` (byte order whatever the database's locale).
 *
 * With scopes, the page merges two kinds of rows:
 * - live: documents whose current scope is one of the puller's;
 * - tombstones: documents that left one of the puller's scopes (scope_exits) and whose current
 *   scope is not one of them, positioned at the exit's `updated_at`.
 * Each is read per scope as an ordered index range cut at `limit` (indexes
 * `(collection, scope, updated_at, id)`), so a page costs O(scopes × limit) whatever the size
 * of the collection; the windows are merged and cut at `limit` again. A document that left
 * several of the puller's scopes appears once per page (at its earliest exit after the
 * checkpoint); a later page may repeat its tombstone, which a replica takes as a no-op.
 */
import { invalidInput } from './errors';
import type { SqlParams } from './sql-runner';
import { EVERYONE, type PullOptions, type ReplicatedDocument, type ReplicationCheckpoint, type ReplicationPullResult } from './types';

export type PullRow = { id: string; updated_at: number; tombstone: number; body: string };

export type PullDialect = {
  /** Appended to `id` in ORDER BY outside the tables' own columns: byte order. */
  byteOrder: string;
};

export function buildPullQuery(
  dialect: PullDialect,
  collection: string,
  checkpoint: ReplicationCheckpoint | null,
  limit: number,
  options: PullOptions = {},
): { sql: string; params: SqlParams } {
  checkPullInput(collection, checkpoint, limit);
  const params: Record<string, unknown> = {
    collection,
    // Before everything: updated_at is never negative.
    after_updated_at: checkpoint?.updatedAt ?? -1,
    after_id: checkpoint?.id ?? '',
    limit,
  };
  const after = (table: string) => `(${table}.updated_at, ${table}.id) > (@after_updated_at, @after_id)`;
  const scopes = options.scopes ?? 'all';
  if (scopes === 'all') {
    return {
      sql: `SELECT d.id, d.updated_at, 0 AS tombstone, d.body FROM documents d
            WHERE d.collection = @collection AND ${after('d')}
            ORDER BY d.updated_at, d.id LIMIT @limit`,
      params,
    };
  }
  if (!Array.isArray(scopes) || scopes.some((scope) => typeof scope !== 'string')) {
    throw invalidInput('pull: scopes must be a list of strings or "all"');
  }
  const names = [...new Set([EVERYONE, ...scopes])].map((scope, index) => {
    params[`scope_${index}`] = scope;
    return `@scope_${index}`;
  });
  const live = names.map(
    (name, index) => `SELECT l${index}.id, l${index}.updated_at, 0 AS tombstone FROM (
        SELECT d.id, d.updated_at FROM documents d
        WHERE d.collection = @collection AND d.scope = ${name} AND ${after('d')}
        ORDER BY d.updated_at, d.id LIMIT @limit) l${index}`,
  );
  const exits = names.map(
    (name, index) => `SELECT x${index}.id, x${index}.updated_at FROM (
        SELECT e.id, e.updated_at FROM scope_exits e
        JOIN documents d ON d.collection = e.collection AND d.id = e.id
        WHERE e.collection = @collection AND e.scope = ${name} AND ${after('e')}
          AND d.scope NOT IN (${names.join(', ')})
        ORDER BY e.updated_at, e.id LIMIT @limit) x${index}`,
  );
  const sql = `SELECT p.id, p.updated_at, p.tombstone, d.body FROM (
      SELECT u.id, u.updated_at, u.tombstone FROM (
        ${live.join('\n        UNION ALL ')}
        UNION ALL
        SELECT t.id, MIN(t.updated_at) AS updated_at, 1 AS tombstone FROM (
          ${exits.join('\n          UNION ALL ')}
        ) t GROUP BY t.id
      ) u ORDER BY u.updated_at, u.id${dialect.byteOrder} LIMIT @limit
    ) p JOIN documents d ON d.collection = @collection AND d.id = p.id
    ORDER BY p.updated_at, p.id${dialect.byteOrder}`;
  return { sql, params };
}

/** Turns a page's rows into RxDB's pull answer. */
export function toPullResult(
  rows: readonly PullRow[],
  checkpoint: ReplicationCheckpoint | null,
  tombstone: (stored: ReplicatedDocument) => Record<string, unknown> = (stored) => stored,
): ReplicationPullResult {
  const documents = rows.map((row) => {
    const body = JSON.parse(row.body) as ReplicatedDocument;
    // The stored body stays as it is; the puller gets a copy (or what `tombstone` keeps of it) marked deleted.
    return Number(row.tombstone) === 1 ? { ...tombstone(body), _deleted: true } : body;
  });
  const last = rows.at(-1);
  return { documents, checkpoint: last ? { id: last.id, updatedAt: Number(last.updated_at) } : checkpoint };
}

function checkPullInput(collection: string, checkpoint: ReplicationCheckpoint | null, limit: number): void {
  if (typeof collection !== 'string' || collection.length === 0) throw invalidInput('pull: collection must be a non-empty string');
  if (!Number.isSafeInteger(limit) || limit < 1) throw invalidInput(`pull: limit must be a positive integer, not ${String(limit)}`);
  if (checkpoint !== null) {
    if (typeof checkpoint !== 'object' || typeof checkpoint.id !== 'string' || !Number.isSafeInteger(checkpoint.updatedAt)) {
      throw invalidInput('pull: checkpoint must be { id: string, updatedAt: integer } or null');
    }
  }
}
