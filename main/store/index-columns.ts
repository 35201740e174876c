/**
 * How an RxDB index becomes an SQLite column.
 *
 * RxDB orders documents in an index by an "indexable string" (custom-index.ts): every field of
 * the index rendered at a fixed width (strings padded to maxLength, numbers zero-padded within
 * minimum..maximum, booleans as 0/1) and concatenated. The query planner gives range bounds in the
 * same form. Storing that string per index and scanning an SQLite index on it reproduces RxDB's
 * order exactly, ties and all (the primary key closes every index).
 *
 * One catch: SQLite compares TEXT as UTF-8 bytes, JavaScript compares strings as UTF-16 code
 * units, and the two disagree for characters above U+FFFF (emoji) against U+E000–U+FFFF — which
 * includes RxDB's upper bound sentinel U+FFFF. We store the string as UTF-16 big-endian in a BLOB:
 * SQLite compares BLOBs with memcmp, and memcmp over UTF-16BE is exactly code-unit order.
 */
import { createHash } from 'node:crypto';
import {
  getIndexableStringMonad,
  getSchemaByObjectPath,
  type RxDocumentData,
  type RxJsonSchema,
} from 'rxdb';

export type IndexColumn<T> = {
  /** The RxDB index, as the query planner names it: field paths in order. */
  fields: string[];
  /** SQL column (and the suffix of its SQL index) holding the encoded index string. */
  column: string;
  indexableString: (doc: RxDocumentData<T>) => string;
};

export function indexKey(fields: readonly string[]): string {
  return fields.join(',');
}

/**
 * The column name depends on everything that shapes the index string (field paths, types,
 * maxLength, number ranges), so an index whose definition changes gets a fresh column and is
 * rebuilt, never read with a stale layout.
 */
export function indexColumnName(schema: RxJsonSchema<RxDocumentData<unknown>>, fields: readonly string[]): string {
  const shape = fields.map((field) => {
    const part = getSchemaByObjectPath(schema, field);
    return [field, part.type, part.maxLength, part.minimum, part.maximum, part.multipleOf];
  });
  return 'ix_' + createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}

export function indexColumns<T>(schema: RxJsonSchema<RxDocumentData<T>>, indexes: readonly (readonly string[])[]): IndexColumn<T>[] {
  const seen = new Set<string>();
  const columns: IndexColumn<T>[] = [];
  for (const index of indexes) {
    const fields = [...index];
    const key = indexKey(fields);
    if (seen.has(key)) continue;
    seen.add(key);
    columns.push({
      fields,
      column: indexColumnName(schema as RxJsonSchema<RxDocumentData<unknown>>, fields),
      indexableString: getIndexableStringMonad(schema, fields),
    });
  }
  return columns;
}

/** UTF-16BE bytes: memcmp order equals JavaScript's string order. */
export function encodeIndexString(value: string): Buffer {
  return Buffer.from(value, 'utf16le').swap16();
}
