import { describe, expect, it } from 'vitest';
import type { JsonSchema, RxJsonSchema } from 'rxdb';
import { COLLECTION_NAMES, collections } from './index';
import { openTestDatabase } from './test-kit';

const schemas = Object.entries(collections).map(([name, { schema }]) => [name, schema as RxJsonSchema<unknown>] as const);

/** RxDB open-core opens at most 13 collections in a process (the 14th stalls, the 15th throws COL23). */
const OPEN_CORE_COLLECTION_LIMIT = 13;

describe('collections', () => {
  it('opens every collection in one database with dev-mode checks and validation on', async () => {
    const db = await openTestDatabase();
    try {
      expect(Object.keys(db.collections).sort()).toEqual([...COLLECTION_NAMES].sort());
    } finally {
      await db.close();
    }
  });

  it('stays under the collection limit of RxDB open-core', () => {
    expect(COLLECTION_NAMES.length).toBeLessThan(OPEN_CORE_COLLECTION_LIMIT);
  });

  it.each(schemas)('gives %s a schema keyed by id that refuses unknown fields', (name, schema) => {
    expect(schema).toMatchObject({ title: name, primaryKey: 'id', type: 'object', additionalProperties: false });
  });

  it.each(Object.entries(collections))('gives %s a migration strategy for every earlier version, and leaves migrating to the service', (_name, collection) => {
    const { version } = collection.schema;
    const strategies = 'migrationStrategies' in collection ? collection.migrationStrategies : {};
    expect(Object.keys(strategies).map(Number)).toEqual(Array.from({ length: version }, (_, index) => index + 1));
    if (version > 0) expect('autoMigrate' in collection && collection.autoMigrate).toBe(false);
  });

  it.each(schemas)('makes every field of every %s index a required top-level field', (_name, schema) => {
    const indexed = (schema.indexes ?? []).flatMap((index) => (typeof index === 'string' ? [index] : [...index]));
    for (const field of indexed) {
      expect(schema.required, field).toContain(field);
      expect(schema.properties[field as keyof typeof schema.properties], field).toBeDefined();
    }
  });

  it.each(schemas)('makes every field of %s listed as required exist in the schema', (_name, schema) => {
    for (const field of schema.required ?? []) {
      expect(schema.properties[field as keyof typeof schema.properties], field).toBeDefined();
    }
  });

  it.each(schemas)('stores every time in %s as integer milliseconds', (_name, schema) => {
    const properties = schema.properties as Record<string, JsonSchema>;
    const timeFields = Object.keys(properties).filter((field) => field.endsWith('At'));
    expect(timeFields).toContain('createdAt');
    for (const field of timeFields) {
      expect(properties[field], field).toMatchObject({ type: 'integer', minimum: 0, multipleOf: 1 });
    }
  });

  it('keeps the names the full-text search relies on', () => {
    expect(Object.keys(collections.tickets.schema.properties)).toContain('subject');
    expect(Object.keys(collections.messages.schema.properties)).toEqual(expect.arrayContaining(['text', 'ticketId']));
  });
});
