// For the schema tests only: an in-memory RxDatabase checked the way development runs are
// (dev-mode schema checks and ajv validation of every write), and the query planner's choice.
// Pure JavaScript like the rest of core/, but never imported by production code.
import {
  addRxPlugin,
  createRxDatabase,
  fillWithDefaultSettings,
  normalizeMangoQuery,
  prepareQuery,
  randomToken,
  type MangoQuery,
  type RxDatabase,
  type RxJsonSchema,
  type RxQueryPlan,
} from 'rxdb';
import { RxDBDevModePlugin, disableWarnings } from 'rxdb/plugins/dev-mode';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { collections, type CollectionName, type Collections } from './index';

disableWarnings();
addRxPlugin(RxDBDevModePlugin);

export type TestDatabase = RxDatabase<Collections>;

/**
 * A fresh database under a random name with the given collections (all by default).
 * Close it after the test.
 */
export async function openTestDatabase(names: readonly CollectionName[] = Object.keys(collections) as CollectionName[]): Promise<TestDatabase> {
  const db = await createRxDatabase<Collections>({
    name: `test${randomToken(12)}`,
    storage: wrappedValidateAjvStorage({ storage: getRxStorageMemory() }),
    multiInstance: false,
  });
  await db.addCollections(Object.fromEntries(names.map((name) => [name, collections[name]])));
  return db;
}

/**
 * The index RxDB's query planner picks for a query, as an RxQuery computes it: the schema
 * filled with RxDB's defaults (`_deleted` first and the primary key last in every index) and
 * `_deleted: false` added to the selector.
 */
export function queryPlan<T>(schema: RxJsonSchema<T>, query: MangoQuery<T>): RxQueryPlan {
  const filled = fillWithDefaultSettings(schema);
  const normalized = normalizeMangoQuery(filled, query);
  const withDeleted = { ...normalized, selector: { ...normalized.selector, _deleted: { $eq: false } } };
  return prepareQuery(filled, withDeleted).queryPlan;
}

/** The index of {@link queryPlan}, `_deleted` and the primary key included. */
export function plannedIndex<T>(schema: RxJsonSchema<T>, query: MangoQuery<T>): string[] {
  return queryPlan(schema, query).index;
}

/** An RxDB error code ('VD2' for a document the schema refuses), whatever the error's shape. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/** The error code a write fails with, or undefined when it succeeds. */
export async function writeError(write: Promise<unknown>): Promise<string | undefined> {
  try {
    await write;
    return undefined;
  } catch (error) {
    return errorCode(error) ?? String(error);
  }
}

/** A copy of `doc` without `field`, for "missing required field" cases. */
export function without<T extends object, K extends keyof T>(doc: T, field: K): Omit<T, K> {
  const copy = { ...doc };
  delete copy[field];
  return copy;
}

/** 2025-03-10 09:30 in Madrid, the moment the sample documents are written. */
export const T0 = Date.UTC(2025, 2, 10, 8, 30);
export const MINUTE = 60_000;
export const DAY = 86_400_000;
