// The inbox's live data: the rows of a view (paged by a growing limit over indexed queries), the
// live count of every view, the citizens of the rows shown, and full-text search results.
import { useEffect, useMemo, useState } from 'react';
import { combineLatest, map, of } from 'rxjs';
import type { TicketSearchHit } from '../../core/app-api';
import type { Citizen, Ticket } from '../../core/schemas';
import { normalizeReference } from '../../core/ids';
import { INBOX_VIEWS, inboxRuns, mergeRuns, viewCountQueries, type InboxContext, type InboxFilters, type InboxSort, type InboxView } from '../data/inbox-queries';
import type { WorkstationDatabase } from '../platform/platform';
import { usePlatform } from './use-platform';
import { combine, useObservable } from './use-rx';

/** A page of the inbox: two screens of rows; the next is asked for as the clerk nears its end. */
export const PAGE = 50;

/** The rows of a view; `limit` grows as the clerk scrolls. Live: other clerks' changes show at once. */
export function useInboxRows(db: WorkstationDatabase, view: InboxView, context: InboxContext, filters: InboxFilters, sort: InboxSort, limit: number) {
  const key = JSON.stringify([view, context, filters, sort, limit]);
  return useObservable<Ticket[]>(
    () => {
      const runs = inboxRuns(view, context, filters, sort, limit);
      const lists = runs.map((run) => db.tickets.find(run.query).$.pipe(map((docs) => docs.map((doc) => doc.toMutableJSON()))));
      const combined = combine(lists);
      return combined ? combined.pipe(map((results) => mergeRuns(results, sort, limit))) : of([]);
    },
    [db, key],
    [],
  );
}

/** The live count of every view (index-only counts, summed). */
export function useViewCounts(db: WorkstationDatabase, context: InboxContext): Partial<Record<InboxView, number>> {
  const key = JSON.stringify(context);
  const { value } = useObservable<Partial<Record<InboxView, number>>>(
    () =>
      combineLatest(
        INBOX_VIEWS.map((view) => {
          const counts = viewCountQueries(view, context).map((query) => db.tickets.count(query).$);
          return counts.length === 0 ? of(0) : combineLatest(counts).pipe(map((values) => values.reduce((sum, n) => sum + n, 0)));
        }),
      ).pipe(map((totals) => Object.fromEntries(INBOX_VIEWS.map((view, i) => [view, totals[i]!])))),
    [db, key],
    {},
  );
  return value;
}

/** The citizens of the given ids, live, as a map. */
export function useCitizens(db: WorkstationDatabase, ids: readonly string[]): ReadonlyMap<string, Citizen> {
  const unique = useMemo(() => [...new Set(ids.filter(Boolean))].sort(), [ids]);
  const key = unique.join(',');
  const { value } = useObservable<ReadonlyMap<string, Citizen>>(
    () => (unique.length === 0 ? of(new Map()) : db.citizens.findByIds(unique).$.pipe(map((found) => new Map([...found].map(([id, doc]) => [id, doc.toMutableJSON()]))))),
    [db, key],
    new Map(),
  );
  return value;
}

/** Where a search matched a ticket, with the matched words marked (renderer/data/search-snippet.ts). */
export type SearchSnippet = { snippet: string; source: TicketSearchHit['source'] };

export type SearchState = {
  text: string;
  tickets: Ticket[];
  /** By ticket id; none for a ticket found by its reference. */
  snippets: ReadonlyMap<string, SearchSnippet>;
  loading: boolean;
  error?: string;
};

const NO_SNIPPETS: ReadonlyMap<string, SearchSnippet> = new Map();

/**
 * Full-text search through the service's index (`search:tickets`), then the tickets themselves,
 * live, with where each matched (its snippet). A reference typed or dictated ('2026 7kq4 m2xd')
 * goes straight to its ticket, first. `indexProgress` changes while the index catches up with the
 * replica (at most once a second, use-search-index-status.ts): the search runs again, so results
 * found since — and all of them once it has caught up — appear without retyping.
 */
export function useTicketSearch(db: WorkstationDatabase, text: string, indexProgress = ''): SearchState | undefined {
  const platform = usePlatform();
  const [ids, setIds] = useState<{ text: string; ids: string[]; snippets: ReadonlyMap<string, SearchSnippet>; error?: string }>();
  useEffect(() => {
    const query = text.trim();
    if (!query) {
      setIds(undefined);
      return undefined;
    }
    let live = true;
    const timer = setTimeout(async () => {
      const found: string[] = [];
      const reference = normalizeReference(query);
      if (reference) {
        const byReference = await db.tickets.find({ selector: { reference } }).exec();
        found.push(...byReference.map((doc) => doc.id));
      }
      const answer = await platform.call('search:tickets', { text: query, limit: 200 });
      if (!live) return;
      if (!answer.ok) {
        setIds({ text: query, ids: found, snippets: new Map(), error: answer.error.message });
        return;
      }
      const snippets = new Map<string, SearchSnippet>();
      for (const hit of answer.value) {
        if (!found.includes(hit.ticketId)) found.push(hit.ticketId);
        if (!snippets.has(hit.ticketId)) snippets.set(hit.ticketId, { snippet: hit.snippet, source: hit.source });
      }
      setIds({ text: query, ids: found, snippets });
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [db, platform, text, indexProgress]);
  const key = ids ? ids.ids.join(',') : '';
  const tickets = useObservable<Ticket[]>(
    () => (ids ? db.tickets.findByIds(ids.ids).$.pipe(map((found) => ids.ids.flatMap((id) => { const doc = found.get(id); return doc ? [doc.toMutableJSON()] : []; }))) : null),
    [db, key],
    [],
  );
  if (!text.trim()) return undefined;
  return {
    text: text.trim(),
    tickets: tickets.value,
    snippets: ids?.snippets ?? NO_SNIPPETS,
    loading: !ids || ids.text !== text.trim() || tickets.loading,
    ...(ids?.error !== undefined && { error: ids.error }),
  };
}
