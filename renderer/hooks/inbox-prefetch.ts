// The first page of the inbox, asked for as soon as the clerk's database opens — while the
// directory loads and the screens render for the first time — instead of after that first render.
// RxDB keeps a live query's results (its query cache), so the inbox's own identical queries
// answer at once when it mounts. The queries are held briefly, then released.
import type { Subscription } from 'rxjs';
import type { SignedIn } from '../app/workspace';
import { parseRoute } from '../app/routes';
import { inboxRuns, inboxSort, parseFilters, type InboxContext } from '../data/inbox-queries';
import type { WorkstationDatabase } from '../platform/platform';
import { PAGE } from './use-inbox';
import { currentMinute } from './use-minute';

/** Long enough for the first render on a slow PC; the inbox holds its own queries after that. */
export const PREFETCH_HOLD_MS = 15_000;

/**
 * Starts the queries of the first page of the inbox of `hash`; returns the release. Nothing for another screen, or for a user without departments (the inbox then needs
 * the directory to know them).
 */
export function prefetchInbox(db: WorkstationDatabase, session: SignedIn, hash: string, now = Date.now()): () => void {
  const route = parseRoute(hash);
  if (route.screen !== 'inbox' || session.user.departmentIds.length === 0) return () => undefined;
  const context: InboxContext = { userId: session.user.id, departmentIds: session.user.departmentIds, now: currentMinute(now) };
  const runs = inboxRuns(route.view, context, parseFilters(route.params), inboxSort(route.view, route.params), PAGE);
  // Only the rows: the views' counts (dozens of small queries) would queue before the directory
  // the first render waits for.
  const held: Subscription[] = runs.map((run) => db.tickets.find(run.query).$.subscribe({ error: () => undefined }));
  const release = () => {
    clearTimeout(timer);
    for (const subscription of held.splice(0)) subscription.unsubscribe();
  };
  const timer = setTimeout(release, PREFETCH_HOLD_MS);
  return release;
}
