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
 * includes RxDB's upper bound sentinel U+FFFF. So the string is stored in a BLOB, in a byte code
 * whose memcmp order is JavaScript's order (encodeIndexString).
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

// eslint-disable-next-line no-control-regex -- the point is to find control characters (NUL).
const ASCII_WITHOUT_NUL = /^[\x01-\x7f]*$/;

/**
 * An order-preserving, prefix-free byte code of a string's UTF-16 code units, so that SQLite's
 * memcmp of two encodings has the sign of JavaScript's comparison of the strings:
 * units 0x00–0x7F take one byte (their value), units 0x80–0xFFFF three bytes
 * (0x80 | unit >> 14, unit >> 7 & 0x7F, unit & 0x7F), whose first byte is above every one-byte
 * code. Surrogates are encoded unit by unit, so emoji sort as JavaScript sorts them, below
 * U+E000–U+FFFF. Index strings are mostly ASCII (ids, enums, digits, padding): one byte a
 * character, half the size of UTF-16.
 */
export function encodeIndexString(value: string): Buffer {
  if (ASCII_WITHOUT_NUL.test(value)) return Buffer.from(value, 'latin1');
  const bytes = Buffer.allocUnsafe(value.length * 3);
  let at = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x80) {
      bytes[at++] = unit;
    } else {
      bytes[at++] = 0x80 | (unit >> 14);
      bytes[at++] = (unit >> 7) & 0x7f;
      bytes[at++] = unit & 0x7f;
    }
  }
  return bytes.subarray(0, at);
}

/** How many bytes of an encoded index string hold its first `chars` characters. */
export function encodedPrefixLength(encoded: Buffer, chars: number): number {
  let at = 0;
  for (let i = 0; i < chars && at < encoded.length; i++) at += encoded[at]! < 0x80 ? 1 : 3;
  return at;
}
