/**
 * Runs RxDB's query plans over one collection table (see sqlite-instance.ts for the layout).
 *
 * A plan names an index and a range of it. The range becomes an SQL scan of that index column,
 * in index order. What the index cannot answer is matched in JavaScript with RxDB's own matcher
 * (after an SQL pre-filter of the simple scalar conditions: sql-prefilter.ts), and a sort the
 * index does not give is done with RxDB's own comparator — the same division of work as RxDB's
 * memory storage, so the answers are the same (main/store/differential.test.ts).
 */
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import {
  getIndexStringLength,
  getQueryMatcher,
  getSchemaByObjectPath,
  getSortComparator,
  getStartIndexStringFromLowerBound,
  getStartIndexStringFromUpperBound,
  INDEX_MAX,
  INDEX_MIN,
  newRxError,
  type PreparedQuery,
  type RxDocumentData,
  type RxJsonSchema,
} from 'rxdb';
import { encodedPrefixLength, encodeIndexString, indexKey, type IndexColumn } from './index-columns';
import { quoteIdentifier } from './sqlite-connection';
import { sqlPrefilter } from './sql-prefilter';

type RangeStatements = { rows: Statement; rowsBackward: Statement; count: Statement };

/** Statement shapes kept prepared; past this many, the cache starts over. */
const MAX_CACHED_SHAPES = 256;

export class SqliteQueryRunner<RxDocType> {
  private readonly statements = new Map<string, RangeStatements>();

  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
    private readonly schema: Readonly<RxJsonSchema<RxDocumentData<RxDocType>>>,
    private readonly primaryPath: string,
    private readonly indexByKey: ReadonlyMap<string, IndexColumn<RxDocType>>,
  ) {}

  clear(): void {
    this.statements.clear();
  }

  private range(preparedQuery: PreparedQuery<RxDocType>) {
    const { queryPlan: plan, query } = preparedQuery;
    const index = this.indexByKey.get(indexKey(plan.index));
    if (!index) {
      // The planner only picks schema indexes, or the `index` a query names: that one must exist.
      throw newRxError('QU5', { query, args: { index: plan.index } } as never);
    }
    const prefilter = plan.selectorSatisfiedByIndex ? undefined : sqlPrefilter(this.schema, query.selector);
    const where =
      `${index.column} ${plan.inclusiveStart ? '>=' : '>'} ? AND ${index.column} ${plan.inclusiveEnd ? '<=' : '<'} ?` + (prefilter?.sql ?? '');
    let statements = this.statements.get(where);
    if (!statements) {
      if (this.statements.size >= MAX_CACHED_SHAPES) this.statements.clear();
      const from = `FROM ${quoteIdentifier(this.table)} WHERE ${where}`;
      statements = {
        rows: this.db.prepare(`SELECT data ${from} ORDER BY ${index.column} LIMIT ? OFFSET ?`).pluck(),
        rowsBackward: this.db.prepare(`SELECT data, ${index.column} ${from} ORDER BY ${index.column} DESC`).raw(),
        count: this.db.prepare(`SELECT count(*) ${from}`).pluck(),
      };
      this.statements.set(where, statements);
    }
    const params = [
      encodeIndexString(getStartIndexStringFromLowerBound(this.schema, plan.index, plan.startKeys)),
      encodeIndexString(getStartIndexStringFromUpperBound(this.schema, plan.index, plan.endKeys)),
      ...(prefilter?.params ?? []),
    ];
    return { statements, params };
  }

  query(preparedQuery: PreparedQuery<RxDocType>): RxDocumentData<RxDocType>[] {
    const { query, queryPlan } = preparedQuery;
    const skip = query.skip ?? 0;
    const limit = typeof query.limit === 'number' ? query.limit : Infinity;
    const wanted = skip + limit;
    if (limit === 0) return [];
    const { statements, params } = this.range(preparedQuery);
    const matches = queryPlan.selectorSatisfiedByIndex ? undefined : getQueryMatcher(this.schema, query);

    if (queryPlan.sortSatisfiedByIndex) {
      if (!matches) {
        // The index answers everything: SQLite skips and stops for us.
        const rows = statements.rows.all(...params, limit === Infinity ? -1 : limit, skip) as string[];
        return rows.map((data) => JSON.parse(data) as RxDocumentData<RxDocType>);
      }
      const found: RxDocumentData<RxDocType>[] = [];
      for (const data of statements.rows.iterate(...params, -1, 0) as IterableIterator<string>) {
        const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
        if (!matches(doc)) continue;
        found.push(doc);
        if (found.length >= wanted) break;
      }
      return found.slice(skip, wanted);
    }

    const tieChars = limit === Infinity ? undefined : this.backwardSortPrefixChars(preparedQuery);
    let found: RxDocumentData<RxDocType>[] = [];
    if (tieChars === undefined) {
      for (const data of statements.rows.iterate(...params, -1, 0) as IterableIterator<string>) {
        const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
        if (!matches || matches(doc)) found.push(doc);
      }
    } else {
      // Newest first, read backwards along the index: stop after `wanted` matches, once the
      // group of rows that tie with the last one on the sort fields is complete.
      let lastKey: Buffer | undefined;
      let tieBytes = 0;
      for (const [data, key] of statements.rowsBackward.iterate(...params) as IterableIterator<[string, Buffer]>) {
        // Every row of the range shares the constant fields, so the tie prefix has one length.
        if (!lastKey) tieBytes = encodedPrefixLength(key, tieChars);
        if (found.length >= wanted && lastKey && key.compare(lastKey, 0, tieBytes, 0, tieBytes) !== 0) break;
        const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
        if (matches && !matches(doc)) continue;
        found.push(doc);
        lastKey = key;
      }
    }
    found = found.sort(getSortComparator(this.schema, query));
    return skip > 0 || found.length > wanted ? found.slice(skip, wanted) : found;
  }

  /** Like RxDB's own storages, count ignores skip and limit (RxDB refuses them on count queries). */
  count(preparedQuery: PreparedQuery<RxDocType>): number {
    const { statements, params } = this.range(preparedQuery);
    if (preparedQuery.queryPlan.selectorSatisfiedByIndex) return statements.count.get(...params) as number;
    const matches = getQueryMatcher(this.schema, preparedQuery.query);
    let n = 0;
    for (const data of statements.rows.iterate(...params, -1, 0) as IterableIterator<string>) {
      if (matches(JSON.parse(data) as RxDocumentData<RxDocType>)) n++;
    }
    return n;
  }

  /**
   * RxDB never counts a descending sort as served by an index, so an inbox page "newest first"
   * would read and sort the whole range. When the sort is, after the fields the range holds
   * constant, the index's own next fields all descending (and of types whose index order is
   * their value order: numbers and booleans), the range read backwards gives the rows in sort
   * order up to ties. Returns how many characters of the index string decide a tie, or undefined
   * when the index cannot serve the sort.
   */
  private backwardSortPrefixChars(preparedQuery: PreparedQuery<RxDocType>): number | undefined {
    const { queryPlan, query } = preparedQuery;
    const index = queryPlan.index;
    let constant = 0;
    while (
      constant < index.length &&
      queryPlan.startKeys[constant] === queryPlan.endKeys[constant] &&
      queryPlan.startKeys[constant] !== INDEX_MIN &&
      queryPlan.startKeys[constant] !== INDEX_MAX
    ) {
      constant++;
    }
    const sortFields = query.sort.map((part) => Object.entries(part)[0]!);
    const last = sortFields[sortFields.length - 1];
    const descending = last && last[0] === this.primaryPath ? sortFields.slice(0, -1) : sortFields;
    if (descending.length === 0) return undefined;
    for (let i = 0; i < descending.length; i++) {
      const [field, direction] = descending[i]!;
      if (direction !== 'desc' || index[constant + i] !== field) return undefined;
      const type = getSchemaByObjectPath(this.schema, field).type;
      if (type !== 'number' && type !== 'integer' && type !== 'boolean') return undefined;
    }
    return getIndexStringLength(this.schema, index.slice(0, constant + descending.length));
  }
}
