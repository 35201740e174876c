// JSON equality and ordering that give the same answer on every machine: the conflict merge and
// the server's push checks compare documents with these, never with locale-aware or
// key-order-sensitive tools.

/**
 * Orders two strings by UTF-16 code unit, the same on every machine. Never `localeCompare`:
 * its answer depends on the ICU data and the locale of the machine, and two workstations that
 * order differently would merge differently.
 */
export function compareCodeUnits(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders two strings by Unicode code point, which is the byte order of their UTF-8 encoding:
 * the order of SQLite's BINARY collation and of PostgreSQL's `COLLATE "C"`. It differs from
 * {@link compareCodeUnits} only when one string has a character above U+FFFF (an emoji) where
 * the other has one from U+E000 to U+FFFF.
 */
export function compareCodePoints(a: string, b: string): -1 | 0 | 1 {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (D800–DFFF) stands for a code point above FFFF: it sorts after every other unit.
    const xHigh = x >= 0xd800 && x <= 0xdfff;
    const yHigh = y >= 0xd800 && y <= 0xdfff;
    if (xHigh !== yHigh) return xHigh ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/**
 * The JSON text of a value with object keys in code-unit order and `undefined` members left
 * out, as `JSON.stringify` leaves them out: equal data gives equal text whatever the order its
 * keys were written in. `undefined` itself gives ''.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}

/**
 * Deep equality of JSON data: objects equal whatever the order of their keys, a member holding
 * `undefined` equal to a missing one, arrays equal item by item in order.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  return sameMembers(a as Record<string, unknown>, b as Record<string, unknown>, NO_KEYS);
}

const NO_KEYS: ReadonlySet<string> = new Set();

/** {@link sameJson} on two objects, leaving out the top-level keys in `ignored`. */
export function sameMembers(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  ignored: ReadonlySet<string>,
): boolean {
  let count = 0;
  for (const key of Object.keys(a)) {
    if (ignored.has(key) || a[key] === undefined) continue;
    count++;
    if (!sameJson(a[key], b[key])) return false;
  }
  for (const key of Object.keys(b)) {
    if (ignored.has(key) || b[key] === undefined) continue;
    count--;
  }
  return count === 0;
}
