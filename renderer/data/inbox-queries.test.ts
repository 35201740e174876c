import { describe, expect, it } from 'vitest';
import type { MangoQuery } from 'rxdb';
import { ticketSchema, type Ticket } from '../../core/schemas';
import { plannedIndex } from '../../core/schemas/test-kit';
import { inboxRuns, mergeRuns, parseFilters, viewCountQueries, type InboxView } from './inbox-queries';

const context = { userId: 'u1', departmentIds: ['urbanismo', 'padron'], now: 1_800_000_000_000 };

const indexOf = (query: MangoQuery<Ticket>): string[] => plannedIndex(ticketSchema, query);

const ticket = (id: string, lastActivityAt: number, dueAt = 0) => ({ id, lastActivityAt, dueAt }) as Ticket;

describe('inbox queries', () => {
  it('answers every view with the index made for it', () => {
    const expected: Record<InboxView, string> = {
      mine: 'assigneeId',
      unassigned: 'assigneeId',
      open: 'status',
      departments: 'departmentId,status,lastActivityAt',
      overdue: 'departmentId,status,dueAt',
    };
    for (const [view, index] of Object.entries(expected) as [InboxView, string][]) {
      const sort = view === 'overdue' ? 'due-asc' : 'activity-desc';
      for (const { query } of inboxRuns(view, context, {}, sort, 50)) {
        expect(indexOf(query).join(','), view).toContain(index);
      }
    }
  });

  it('runs "mis departamentos" once per department, the intake queue included', () => {
    const runs = inboxRuns('departments', context, {}, 'activity-desc', 50);
    expect(runs.map((run) => run.query.selector?.departmentId)).toEqual(['', 'urbanismo', 'padron']);
  });

  it('narrows to the filtered department and status and keeps channel and priority as filters', () => {
    const [run, ...rest] = inboxRuns('departments', context, { departmentId: 'padron', status: 'pending', channel: 'phone', priority: 'high' }, 'activity-desc', 20);
    expect(rest).toEqual([]);
    expect(run!.query).toEqual({
      selector: { departmentId: 'padron', status: 'pending', channel: 'phone', priority: 'high' },
      sort: [{ lastActivityAt: 'desc' }],
      limit: 20,
    });
  });

  it('merges the runs in the view\'s order without duplicates and keeps the page size', () => {
    const merged = mergeRuns([[ticket('a', 5), ticket('b', 3)], [ticket('c', 4), ticket('a', 5), ticket('d', 1)]], 'activity-desc', 3);
    expect(merged.map((t) => t.id)).toEqual(['a', 'c', 'b']);
    expect(mergeRuns([[ticket('x', 1, 9)], [ticket('y', 2, 4)]], 'due-asc', 10).map((t) => t.id)).toEqual(['y', 'x']);
  });

  it('counts on index prefixes only, one count per active status', () => {
    const mine = viewCountQueries('mine', context);
    expect(mine.map((q) => q.selector)).toEqual([
      { assigneeId: 'u1', status: 'new' },
      { assigneeId: 'u1', status: 'open' },
      { assigneeId: 'u1', status: 'pending' },
    ]);
    // Overdue counts new and open tickets only: a pending one's period is suspended.
    expect(viewCountQueries('overdue', context)).toHaveLength(6);
    for (const view of ['mine', 'unassigned', 'open', 'departments', 'overdue'] as const) {
      for (const { selector } of viewCountQueries(view, context)) {
        const index = indexOf({ selector });
        const fields = Object.keys(selector);
        expect(index.slice(1, 1 + fields.length).sort(), view).toEqual(fields.sort());
      }
    }
  });

  it('drops filter values it does not know', () => {
    expect(parseFilters(new URLSearchParams('status=open&channel=fax&priority=urgent&department=padron'))).toEqual({
      status: 'open',
      priority: 'urgent',
      departmentId: 'padron',
    });
  });
});
