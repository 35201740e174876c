/**
 * The little both engines have in common: SQL with named parameters (`@name`), run inside or
 * outside a transaction. better-sqlite3 binds `@name` itself; for PostgreSQL the names become
 * `$1…$n` ({@link toPositional}).
 */
export type SqlParams = Readonly<Record<string, unknown>>;

export type SqlRunner = {
  all<Row>(sql: string, params?: SqlParams): Promise<Row[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: SqlParams): Promise<number>;
};

const NAMED_PARAMETER = /@([A-Za-z_][A-Za-z0-9_]*)/g;
const positionalCache = new Map<string, { text: string; names: string[] }>();

/** `WHERE a = @a AND b > @a` → `WHERE a = $1 AND b > $1`, with the values in order. */
export function toPositional(sql: string, params: SqlParams = {}): { text: string; values: unknown[] } {
  let converted = positionalCache.get(sql);
  if (!converted) {
    const names: string[] = [];
    const text = sql.replace(NAMED_PARAMETER, (_match, name: string) => {
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      return `$${index + 1}`;
    });
    converted = { text, names };
    if (positionalCache.size < 1_000) positionalCache.set(sql, converted);
  }
  const values = converted.names.map((name) => {
    if (!(name in params)) throw new Error(`SQL parameter @${name} has no value`);
    return params[name];
  });
  return { text: converted.text, values };
}
