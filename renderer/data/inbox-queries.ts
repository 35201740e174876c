// The inbox's views and filters as RxDB queries that an index answers (docs/schemas.md#indexes),
// so a replica of 100k tickets pages in milliseconds: never a query that loads a whole queue.
//
// - A view is one or more "runs": a selector the index answers, sorted by a field of that index.
//   A clerk in several departments gets one run per department (an `$in` over department ids
//   scans everything between the first and the last), merged here by the same sort.
// - Paging is a growing `limit` on every run: the storage reads the index backwards and stops
//   after the page (docs/local-database.md), and the merged list keeps its first `limit` rows.
// - Counts select on index prefixes only ({assigneeId, status}, {departmentId, status}, …), one
//   count per status, summed: RxDB answers them from the index without reading documents.
import type { MangoQuery, MangoQuerySelector } from 'rxdb';
import {
  CHANNELS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  UNASSIGNED,
  type Channel,
  type Ticket,
  type TicketPriority,
  type TicketStatus,
} from '../../core/schemas';

export const INBOX_VIEWS = ['mine', 'departments', 'unassigned', 'open', 'overdue'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

/** What a clerk still has to act on. */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending'];
/** Whose deadline runs: a ticket waiting for the citizen has its period suspended (core/routing/pause.ts). */
export const RUNNING_STATUSES: readonly TicketStatus[] = ['new', 'open'];

export const INBOX_SORTS = ['activity-desc', 'activity-asc', 'due-asc'] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

export type InboxFilters = {
  status?: TicketStatus;
  channel?: Channel;
  /** A department id, or '' for the general intake queue. */
  departmentId?: string;
  priority?: TicketPriority;
};

export type InboxContext = {
  userId: string;
  /** The clerk's departments; the intake queue ('') is always part of "mis departamentos". */
  departmentIds: readonly string[];
  now: number;
};

export type InboxRun = { query: MangoQuery<Ticket> };

/** The statuses a view shows, narrowed by the status filter (none when the filter excludes them all). */
function statusesOf(filters: InboxFilters, view?: InboxView): TicketStatus[] {
  if (filters.status === undefined) return [...(view === 'overdue' ? RUNNING_STATUSES : ACTIVE_STATUSES)];
  // A status filter outside the view's statuses shows that status anyway: a clerk who asks for
  // "cerrados" in "Mías" wants their closed tickets, not an empty list.
  return [filters.status];
}

/** The sort the URL asks for, else the view's own: the overdue view soonest due first. */
export function inboxSort(view: InboxView, params: URLSearchParams): InboxSort {
  const asked = params.get('sort');
  if (asked !== null && (INBOX_SORTS as readonly string[]).includes(asked)) return asked as InboxSort;
  return view === 'overdue' ? 'due-asc' : 'activity-desc';
}

function sortOf(sort: InboxSort): MangoQuery<Ticket>['sort'] {
  if (sort === 'activity-asc') return [{ lastActivityAt: 'asc' }];
  if (sort === 'due-asc') return [{ dueAt: 'asc' }];
  return [{ lastActivityAt: 'desc' }];
}

/** The departments a view runs over: the filter's one, or the clerk's and the intake queue. */
function departmentsOf(context: InboxContext, filters: InboxFilters): string[] {
  if (filters.departmentId !== undefined) return [filters.departmentId];
  return [...new Set(['', ...context.departmentIds])];
}

function statusSelector(statuses: TicketStatus[]): MangoQuerySelector<Ticket>['status'] {
  return statuses.length === 1 ? statuses[0]! : { $in: statuses };
}

/** The selector's parts that no index answers: matched after the index range (SQL pre-filter). */
function extraFilters(filters: InboxFilters): MangoQuerySelector<Ticket> {
  const extra: MangoQuerySelector<Ticket> = {};
  if (filters.channel !== undefined) extra.channel = filters.channel;
  if (filters.priority !== undefined) extra.priority = filters.priority;
  return extra;
}

/** The queries of a view, each answered by an index; merge their results with {@link mergeRuns}. */
export function inboxRuns(view: InboxView, context: InboxContext, filters: InboxFilters, sort: InboxSort, limit: number): InboxRun[] {
  const statuses = statusesOf(filters, view);
  const extra = extraFilters(filters);
  const order = sortOf(sort);
  const run = (selector: MangoQuerySelector<Ticket>): InboxRun => ({ query: { selector: { ...selector, ...extra }, sort: order, limit } });
  switch (view) {
    case 'mine':
      return [run({ assigneeId: context.userId, status: statusSelector(statuses), ...(filters.departmentId !== undefined && { departmentId: filters.departmentId }) })];
    case 'unassigned':
      return [run({ assigneeId: UNASSIGNED, status: statusSelector(statuses), ...(filters.departmentId !== undefined && { departmentId: filters.departmentId }) })];
    case 'open':
      if (filters.departmentId !== undefined) return [run({ departmentId: filters.departmentId, status: statusSelector(statuses) })];
      return [run({ status: statusSelector(statuses) })];
    case 'departments':
      return departmentsOf(context, filters).map((departmentId) => run({ departmentId, status: statusSelector(statuses) }));
    case 'overdue':
      return departmentsOf(context, filters).map((departmentId) =>
        run({ departmentId, status: statusSelector(statuses), dueAt: { $lt: context.now } }),
      );
  }
}

function compareBy(sort: InboxSort): (a: Ticket, b: Ticket) => number {
  if (sort === 'activity-asc') return (a, b) => a.lastActivityAt - b.lastActivityAt || (a.id < b.id ? -1 : 1);
  if (sort === 'due-asc') return (a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1);
  return (a, b) => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? 1 : -1);
}

/** The runs' results as one list in the view's order, without duplicates, at most `limit`. */
export function mergeRuns(results: readonly (readonly Ticket[])[], sort: InboxSort, limit: number): Ticket[] {
  if (results.length === 1) return results[0]!.slice(0, limit);
  const seen = new Set<string>();
  const all: Ticket[] = [];
  for (const list of results) {
    for (const ticket of list) {
      if (seen.has(ticket.id)) continue;
      seen.add(ticket.id);
      all.push(ticket);
    }
  }
  return all.sort(compareBy(sort)).slice(0, limit);
}

/** A count the index answers alone: a selector on an index prefix. */
export type CountQuery = { selector: MangoQuerySelector<Ticket> };

/**
 * The counts whose sum is a view's live count (without filters: the tabs count the whole view).
 * One per status and department, each on an index prefix.
 */
export function viewCountQueries(view: InboxView, context: InboxContext): CountQuery[] {
  const byStatus = (selector: (status: TicketStatus) => MangoQuerySelector<Ticket>) => (view === 'overdue' ? RUNNING_STATUSES : ACTIVE_STATUSES).map((status) => ({ selector: selector(status) }));
  switch (view) {
    case 'mine':
      return byStatus((status) => ({ assigneeId: context.userId, status }));
    case 'unassigned':
      return byStatus((status) => ({ assigneeId: UNASSIGNED, status }));
    case 'open':
      return byStatus((status) => ({ status }));
    case 'departments':
      return departmentsOf(context, {}).flatMap((departmentId) => byStatus((status) => ({ departmentId, status })));
    case 'overdue':
      return departmentsOf(context, {}).flatMap((departmentId) => byStatus((status) => ({ departmentId, status, dueAt: { $lt: context.now } })));
  }
}

/** Filter values as they travel in the URL; anything unknown is dropped, never trusted. */
export function parseFilters(params: URLSearchParams): InboxFilters {
  const pick = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const value = params.get(name);
    return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
  };
  const filters: InboxFilters = {};
  const status = pick('status', TICKET_STATUSES);
  const channel = pick('channel', CHANNELS);
  const priority = pick('priority', TICKET_PRIORITIES);
  const department = params.get('department');
  if (status) filters.status = status;
  if (channel) filters.channel = channel;
  if (priority) filters.priority = priority;
  if (department !== null && department.length <= 40) filters.departmentId = department;
  return filters;
}
