import { describe, expect, it } from 'vitest';
import { ENTRY_TTL_MS, PresenceBoard } from './presence-board';

const ana = { userId: 'u-ana', role: 'clerk' as const, departmentIds: ['urbanismo'] };
const luis = { userId: 'u-luis', role: 'clerk' as const, departmentIds: ['urbanismo'] };
const pilar = { userId: 'u-pilar', role: 'clerk' as const, departmentIds: ['padron'] };
const admin = { userId: 'u-admin', role: 'admin' as const, departmentIds: [] };

describe('the presence board', () => {
  it('shows an entry only to users who may see the ticket', () => {
    const board = new PresenceBoard(() => 1_000);
    board.announce(ana, 'Ana', 't-1', 'viewing', 'urbanismo');
    expect(board.visibleTo(luis)).toEqual([{ ticketId: 't-1', userId: 'u-ana', userName: 'Ana', activity: 'viewing', since: 1_000 }]);
    expect(board.visibleTo(pilar)).toEqual([]);
    expect(board.visibleTo(admin)).toHaveLength(1);
    board.close();
  });

  it('shows a ticket the server has not seen yet only to those who share a department with the clerk on it', () => {
    const board = new PresenceBoard(() => 1_000);
    board.announce(ana, 'Ana', 't-new', 'replying', null);
    expect(board.visibleTo(luis)).toHaveLength(1);
    expect(board.visibleTo(pilar)).toEqual([]);
    board.close();
  });

  it('forgets a clerk who stops repeating, keeps the time they started, and says when something changed', () => {
    let now = 1_000;
    const board = new PresenceBoard(() => now);
    let changes = 0;
    board.onChange(() => changes++);
    board.announce(ana, 'Ana', 't-1', 'viewing', 'urbanismo');
    now += 10_000;
    board.announce(ana, 'Ana', 't-1', 'viewing', 'urbanismo');
    expect(changes).toBe(1);
    expect(board.visibleTo(luis)[0]!.since).toBe(1_000);
    now += ENTRY_TTL_MS + 1;
    expect(board.visibleTo(luis)).toEqual([]);
    board.announce(ana, 'Ana', null, 'viewing', null);
    board.close();
  });
});
