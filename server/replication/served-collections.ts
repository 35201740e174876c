/**
 * The collections this server replicates: the council's (core/schemas), and, for tests only,
 * extra ones with their own schema (RxDB's replication test suite replicates `human`, primary key
 * `passportId`). Each has the check of its pushed documents: the collection's JSON schema plus
 * `_deleted` (core's documentStateCheck, ajv).
 */
import type { RxJsonSchema, WithDeleted } from 'rxdb';
import {
  DOCUMENT_STATE_CHECKS,
  REPLICATED_COLLECTIONS,
  documentStateCheck,
  type DocumentState,
  type JsonCheck,
} from '../../core/sync/replication-protocol';

/** A collection served only in tests, with its schema. */
export type ExtraCollection = { name: string; schema: RxJsonSchema<unknown> };

export type ServedCollection = {
  name: string;
  primaryKey: string;
  /** One of the council's collections (false: an extra one, served for tests). */
  council: boolean;
  check: JsonCheck<WithDeleted<DocumentState>>;
};

export type ServedCollections = {
  readonly names: readonly string[];
  get(name: string): ServedCollection | undefined;
  /** Primary keys that are not `id`, for openServerDatabase({ primaryKeys }). */
  readonly primaryKeys: Readonly<Record<string, string>>;
};

export function servedCollections(extra: readonly ExtraCollection[] = []): ServedCollections {
  const byName = new Map<string, ServedCollection>();
  for (const name of REPLICATED_COLLECTIONS) {
    byName.set(name, { name, primaryKey: 'id', council: true, check: DOCUMENT_STATE_CHECKS[name] as JsonCheck<WithDeleted<DocumentState>> });
  }
  for (const { name, schema } of extra) {
    if (byName.has(name)) throw new Error(`the extra collection ${JSON.stringify(name)} is already served`);
    if (!/^[a-z][a-z0-9_-]{0,63}$/.test(name)) throw new Error(`the collection name ${JSON.stringify(name)} is not a simple lower-case name`);
    const primaryKey = typeof schema.primaryKey === 'string' ? schema.primaryKey : undefined;
    if (!primaryKey) throw new Error(`the extra collection ${name} needs a schema whose primaryKey is one field`);
    byName.set(name, { name, primaryKey, council: false, check: documentStateCheck(schema, name) as JsonCheck<WithDeleted<DocumentState>> });
  }
  const primaryKeys = Object.fromEntries([...byName.values()].filter((c) => c.primaryKey !== 'id').map((c) => [c.name, c.primaryKey]));
  return { names: [...byName.keys()], get: (name) => byName.get(name), primaryKeys };
}
