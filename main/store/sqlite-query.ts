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
  type RxQueryPlan,
} from 'rxdb';
import { encodedPrefixLength, encodeIndexString, indexKey, type IndexColumn } from './index-columns';
import { quoteIdentifier } from './sqlite-connection';
import { sqlPrefilter } from './sql-prefilter';

type RangeStatements = { rows: Statement; rowsBackward: Statement; count: Statement };

/** Statement shapes kept prepared; past this many, the cache starts over. */
const MAX_CACHED_SHAPES = 256;
/** An `$in` of up to this many values is read as one backward range per value. */
const MAX_IN_RUNS = 16;

/** How many leading fields of the plan's index the range holds at one value. */
function constantPrefixLength(plan: RxQueryPlan): number {
  let constant = 0;
  while (
    constant < plan.index.length &&
    plan.startKeys[constant] === plan.endKeys[constant] &&
    plan.startKeys[constant] !== INDEX_MIN &&
    plan.startKeys[constant] !== INDEX_MAX
  ) {
    constant++;
  }
  return constant;
}

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

    let found: RxDocumentData<RxDocType>[] | undefined;
    if (limit !== Infinity) {
      // Newest first along the index, or one such run per value of an `$in` (several statuses
      // of a queue), merged below by RxDB's comparator.
      const runs = this.backwardRuns(preparedQuery);
      if (runs) found = runs.flatMap((run) => this.topBackward(run.prepared, run.tieChars, wanted, matches));
    }
    if (!found) {
      found = [];
      for (const data of statements.rows.iterate(...params, -1, 0) as IterableIterator<string>) {
        const doc = JSON.parse(data) as RxDocumentData<RxDocType>;
        if (!matches || matches(doc)) found.push(doc);
      }
    }
    found = found.sort(getSortComparator(this.schema, query));
    return skip > 0 || found.length > wanted ? found.slice(skip, wanted) : found;
  }

  /**
   * The first `wanted` matching rows of a range read backwards along its index, plus the rows
   * that tie with the last of them on the sort fields (RxDB's comparator orders ties by id).
   */
  private topBackward(
    preparedQuery: PreparedQuery<RxDocType>,
    tieChars: number,
    wanted: number,
    matches: ((doc: RxDocumentData<RxDocType>) => boolean) | undefined,
  ): RxDocumentData<RxDocType>[] {
    const { statements, params } = this.range(preparedQuery);
    const found: RxDocumentData<RxDocType>[] = [];
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
    return found;
  }

  /**
   * The backward scans that give a descending sort: the plan's own range when it can
   * (backwardSortPrefixChars), or, when the field after the constant prefix is an `$in` of a few
   * values (RxDB's planner turns it into one range from the smallest to the largest), one range
   * per value — each of which can. Undefined when neither applies.
   */
  private backwardRuns(preparedQuery: PreparedQuery<RxDocType>): { prepared: PreparedQuery<RxDocType>; tieChars: number }[] | undefined {
    const direct = this.backwardSortPrefixChars(preparedQuery);
    if (direct !== undefined) return [{ prepared: preparedQuery, tieChars: direct }];
    const { queryPlan, query } = preparedQuery;
    const position = constantPrefixLength(queryPlan);
    const field = queryPlan.index[position];
    const condition = field === undefined ? undefined : (query.selector as Record<string, unknown>)[field];
    if (!condition || typeof condition !== 'object' || Object.keys(condition).length !== 1) return undefined;
    const values = (condition as { $in?: unknown }).$in;
    if (!Array.isArray(values) || values.length < 2 || values.length > MAX_IN_RUNS) return undefined;
    if (!values.every((value) => typeof value === 'string' || typeof value === 'number')) return undefined;
    const runs: { prepared: PreparedQuery<RxDocType>; tieChars: number }[] = [];
    for (const value of new Set(values)) {
      const startKeys = [...queryPlan.startKeys];
      const endKeys = [...queryPlan.endKeys];
      startKeys[position] = endKeys[position] = value;
      const prepared = { query, queryPlan: { ...queryPlan, startKeys, endKeys } };
      const tieChars = this.backwardSortPrefixChars(prepared);
      if (tieChars === undefined) return undefined;
      runs.push({ prepared, tieChars });
    }
    return runs;
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
    const constant = constantPrefixLength(queryPlan);
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
