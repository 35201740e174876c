// Who is on which ticket right now: ephemeral, in this server process's memory, never stored.
// Each workstation repeats what its clerk is doing (viewing or replying to a ticket) every few
// seconds; an entry not repeated within ENTRY_TTL_MS is gone (a closed laptop, a dropped
// network). With several server processes behind a load balancer each process knows only the
// workstations that reach it (docs/workstation.md, "Presence").
import type { Actor } from '../auth/tokens';
import { canSee } from '../replication/rights';
import type { Scope } from '../db/index';

export type PresenceActivity = 'viewing' | 'replying';

export type PresenceEntry = { ticketId: string; userId: string; userName: string; activity: PresenceActivity; since: number };

type Held = PresenceEntry & {
  /** The ticket's scope on this server when announced; null for a ticket the server has not seen yet. */
  scope: Scope | null;
  departmentIds: readonly string[];
  expiresAt: number;
};

export const ENTRY_TTL_MS = 45_000;

export class PresenceBoard {
  private readonly entries = new Map<string, Held>();
  private readonly listeners = new Set<() => void>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly clock: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 5_000);
    this.sweeper.unref();
  }

  /** Says what a user is doing; `ticketId` null: nothing (they left the ticket). */
  announce(actor: Actor, userName: string, ticketId: string | null, activity: PresenceActivity, scope: Scope | null): void {
    const now = this.clock();
    const previous = this.entries.get(actor.userId);
    if (ticketId === null) {
      if (previous) {
        this.entries.delete(actor.userId);
        this.changed();
      }
      return;
    }
    const same = previous?.ticketId === ticketId && previous.activity === activity;
    this.entries.set(actor.userId, {
      ticketId,
      userId: actor.userId,
      userName,
      activity,
      since: same ? previous.since : now,
      scope,
      departmentIds: actor.departmentIds,
      expiresAt: now + ENTRY_TTL_MS,
    });
    if (!same) this.changed();
  }

  /** The entries `actor` may see: those on tickets of their scope (an unknown ticket: a shared department). */
  visibleTo(actor: Actor): PresenceEntry[] {
    const now = this.clock();
    const visible: PresenceEntry[] = [];
    for (const held of this.entries.values()) {
      if (held.expiresAt <= now) continue;
      const allowed =
        held.scope !== null ? canSee(actor, held.scope) : actor.role === 'admin' || held.userId === actor.userId || held.departmentIds.some((id) => actor.departmentIds.includes(id));
      if (allowed) visible.push({ ticketId: held.ticketId, userId: held.userId, userName: held.userName, activity: held.activity, since: held.since });
    }
    return visible;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.listeners.clear();
    this.entries.clear();
  }

  private sweep(): void {
    const now = this.clock();
    let removed = false;
    for (const [userId, held] of this.entries) {
      if (held.expiresAt <= now) {
        this.entries.delete(userId);
        removed = true;
      }
    }
    if (removed) this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
