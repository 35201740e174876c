import { describe, expect, it } from 'vitest';
import { ticket } from '../sync/test-support/council';
import { ASSIGNMENT_NEWS_MS, isNewAssignment } from './assignment-watch';

const now = 1_800_000_000_000;

describe('news of an assignment', () => {
  it('is a ticket that just became mine by someone else', () => {
    const before = ticket('t-1', now - 60_000, { assigneeId: '' });
    const after = { ...before, assigneeId: 'u-ana', updatedAt: now - 1_000, fieldClock: { assigneeId: now - 1_000 }, fieldBy: { assigneeId: 'u-lucia' } };
    expect(isNewAssignment(after as never, before, 'u-ana', now)).toBe(true);
  });

  it('is not a ticket I took myself, one that was already mine, one for someone else, or an old assignment arriving late', () => {
    const before = ticket('t-1', now - 60_000, { assigneeId: '' });
    const mine = { ...before, assigneeId: 'u-ana', fieldClock: { assigneeId: now - 1_000 }, fieldBy: { assigneeId: 'u-ana' } };
    expect(isNewAssignment(mine as never, before, 'u-ana', now)).toBe(false);
    const already = { ...before, assigneeId: 'u-ana' };
    expect(isNewAssignment({ ...already, subject: 'otro' }, already, 'u-ana', now)).toBe(false);
    expect(isNewAssignment({ ...before, assigneeId: 'u-luis', updatedAt: now }, before, 'u-ana', now)).toBe(false);
    // A first replica pulls two years of tickets: none of them is news.
    const old = ticket('t-2', now - 400 * 86_400_000, { assigneeId: 'u-ana' });
    expect(isNewAssignment(old, undefined, 'u-ana', now)).toBe(false);
    expect(isNewAssignment({ ...old, updatedAt: now - ASSIGNMENT_NEWS_MS + 1 }, undefined, 'u-ana', now)).toBe(true);
  });
});
