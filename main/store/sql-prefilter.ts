/**
 * The part of a Mango selector SQLite can check before a row reaches JavaScript.
 *
 * When RxDB's chosen index does not answer the whole selector, every row of the index range has
 * to be parsed (JSON.parse, ~5–15 µs a ticket) and matched in JavaScript. Simple conditions on
 * scalar fields — a priority, a channel, a date range — can be tested by SQLite on the stored
 * JSON first (json_extract, ~1 µs), so only rows that can match are parsed.
 *
 * The pre-filter is only ever a necessary condition: every row it drops would also be refused by
 * RxDB's matcher, and every row it keeps is still matched in JavaScript. So it may be loose, never
 * strict. That is why it only takes:
 * - fields the schema types as plain `string`, `number` or `integer`, reached through objects
 *   only (an array on the way would turn Mongo's equality into "any element equals");
 * - string equality ($eq, $in) — not string ranges: SQLite orders TEXT by UTF-8 bytes and
 *   JavaScript by UTF-16 units, which disagree above U+FFFF;
 * - number equality and ranges ($eq, $in, $gt, $gte, $lt, $lte) with finite values;
 * - conditions joined by AND (top level and $and); $or, $nor, $not and the rest stay in JavaScript.
 */
import { getSchemaByObjectPath, type MangoQuerySelector, type RxJsonSchema } from 'rxdb';

export type Prefilter = { sql: string; params: (string | number)[] };

const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const RANGE_SQL = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const;

type ScalarType = 'string' | 'number';

function scalarTypeOf(schema: RxJsonSchema<unknown>, path: string): ScalarType | undefined {
  if (!PLAIN_PATH.test(path)) return undefined;
  const parts = path.split('.');
  for (let i = 1; i < parts.length; i++) {
    const parent = getSchemaByObjectPath(schema, parts.slice(0, i).join('.')) as { type?: unknown } | undefined;
    if (!parent || parent.type !== 'object') return undefined;
  }
  const type = (getSchemaByObjectPath(schema, path) as { type?: unknown } | undefined)?.type;
  if (type === 'string') return 'string';
  if (type === 'number' || type === 'integer') return 'number';
  return undefined;
}

// With the u flag, a surrogate pair is one code point: only lone surrogates match.
const LONE_SURROGATE = /\p{Surrogate}/u;
const isWellFormedString = (value: unknown): value is string => typeof value === 'string' && !LONE_SURROGATE.test(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function conditionsOf(
  schema: RxJsonSchema<unknown>,
  selector: Record<string, unknown>,
  out: Prefilter,
): void {
  for (const [key, condition] of Object.entries(selector)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const part of condition) if (part && typeof part === 'object') conditionsOf(schema, part as Record<string, unknown>, out);
      continue;
    }
    if (key.startsWith('$')) continue;
    const type = scalarTypeOf(schema, key);
    if (!type) continue;
    const isValue = type === 'string' ? isWellFormedString : isFiniteNumber;
    const column = `json_extract(data, '$.${key}')`;
    const operators: Record<string, unknown> =
      condition !== null && typeof condition === 'object' && !Array.isArray(condition) ? (condition as Record<string, unknown>) : { $eq: condition };
    for (const [operator, value] of Object.entries(operators)) {
      if (operator === '$eq' && isValue(value)) {
        out.sql += ` AND ${column} = ?`;
        out.params.push(value);
      } else if (operator === '$in' && Array.isArray(value) && value.length > 0 && value.length <= 100 && value.every(isValue)) {
        out.sql += ` AND ${column} IN (${value.map(() => '?').join(', ')})`;
        out.params.push(...(value as (string | number)[]));
      } else if (type === 'number' && operator in RANGE_SQL && isFiniteNumber(value)) {
        out.sql += ` AND ${column} ${RANGE_SQL[operator as keyof typeof RANGE_SQL]} ?`;
        out.params.push(value);
      }
    }
  }
}

/** SQL to append to a WHERE clause (starting with ' AND '), or undefined when nothing qualifies. */
export function sqlPrefilter<T>(schema: RxJsonSchema<T>, selector: MangoQuerySelector<T>): Prefilter | undefined {
  const out: Prefilter = { sql: '', params: [] };
  conditionsOf(schema as RxJsonSchema<unknown>, selector as Record<string, unknown>, out);
  return out.sql ? out : undefined;
}
