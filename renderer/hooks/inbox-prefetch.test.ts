import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { openTestDatabase, type TestDatabase } from '../../core/schemas/test-kit';
import type { SignedIn } from '../app/workspace';
import { inboxRuns, inboxSort, parseFilters } from '../data/inbox-queries';
import type { WorkstationDatabase } from '../platform/platform';
import { prefetchInbox } from './inbox-prefetch';
import { PAGE } from './use-inbox';
import { currentMinute } from './use-minute';

const NOW = Date.UTC(2026, 10, 2, 9, 30, 12);
const session = { state: 'signed-in', mode: 'local', databaseName: 'x', user: { id: 'u-ana', name: 'Ana', email: 'ana@ayto.example', role: 'clerk', departmentIds: ['urbanismo', 'hacienda'] } } as unknown as SignedIn;

describe('the inbox prefetch', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.close();
  });

  it('asks, while the screens first render, for the very queries the inbox will make, so they answer from RxDB’s cache', async () => {
    db = await openTestDatabase(['tickets']);
    const find = db.tickets.find.bind(db.tickets);
    const prefetched: unknown[] = [];
    db.tickets.find = ((...args: Parameters<typeof find>) => {
      const query = find(...args);
      prefetched.push(query);
      return query;
    }) as typeof db.tickets.find;
    const release = prefetchInbox(db as unknown as WorkstationDatabase, session, '#/inbox/departments?status=open', NOW);
    db.tickets.find = find;
    expect(prefetched).toHaveLength(3);
    const params = new URLSearchParams('status=open');
    const runs = inboxRuns('departments', { userId: 'u-ana', departmentIds: ['urbanismo', 'hacienda'], now: currentMinute(NOW) }, parseFilters(params), inboxSort('departments', params), PAGE);
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      // The inbox's query is the prefetched live query itself (RxDB's query cache), not a new one.
      const query = db.tickets.find(run.query);
      expect(prefetched).toContain(query);
      expect(await firstValueFrom(query.$)).toEqual([]);
    }
    release();
  });

  it('does nothing for another screen, or for a user whose departments the directory must tell', async () => {
    db = await openTestDatabase(['tickets']);
    const find = db.tickets.find.bind(db.tickets);
    let queries = 0;
    db.tickets.find = ((...args: Parameters<typeof find>) => {
      queries++;
      return find(...args);
    }) as typeof db.tickets.find;
    prefetchInbox(db as unknown as WorkstationDatabase, session, '#/ticket/t-1', NOW)();
    prefetchInbox(db as unknown as WorkstationDatabase, { ...session, user: { ...session.user, departmentIds: [] } }, '#/inbox/mine', NOW)();
    expect(queries).toBe(0);
    prefetchInbox(db as unknown as WorkstationDatabase, session, '#/inbox/mine', NOW)();
    expect(queries).toBe(1);
  });
});
