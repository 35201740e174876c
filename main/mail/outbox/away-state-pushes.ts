/**
 * When the outbox pushes the states of replies away from the replica to the central server
 * (away-states.ts, `publishAwayState`), and when it waits instead.
 *
 * A failed push is tried again after the outbox's backoff — the same code and policy as its SMTP
 * sends (main/sync/backoff.ts, `OUTBOX_BACKOFF`): 30 s, 1 min, 2 min … at most one hour, less a
 * random part of up to half — so a workstation cut off from the central server for a weekend does
 * not knock on it twice a minute, and two hundred workstations that failed together do not all
 * come back at the same moment. What is counted depends on what failed:
 * - The server could not be reached (offline, timed out, 502–504): one outage for every push, so
 *   one count for them all. The rest of that round's pushes wait too, rather than each waiting out
 *   its own timeout; the next round tries one push, and the others follow once the server answers.
 * - The server answered with a refusal (or the push failed otherwise): that reply's own count, so a
 *   reply it keeps refusing never holds up the others' states.
 * Counts start over when the server takes a push (it answers: the outage count, and that reply's
 * own), and all of them when the central server is back (the sync online again: `reset`, and the
 * outbox pushes at once rather than when the wait ends). They live in memory: a restarted
 * workstation tries at once.
 */
import type { Message } from '../../../core/schemas/messages';
import { backoffDelay, type BackoffPolicy } from '../../sync/backoff';
import { isSyncError } from '../../sync/sync-errors';
import { publishAwayState, type AwayStatePublisher } from './away-states';
import type { JournalEntry, OutboxJournal } from './outbox-journal';

/** One round of the outbox over its journal, as far as the away states go. */
export type AwayStateRound = {
  /**
   * Pushes the state of a reply away from the replica if the server lacks it and its push is due
   * (see `publishAwayState`). True when nothing of it is left to push; false when it waits.
   */
  push(entry: JournalEntry, message: Message): Promise<boolean>;
  /** Ends the round: says when the earliest of the states that wait goes next (if any waits). */
  finish(): number | undefined;
};

export type AwayStatePushesOptions = {
  journal: OutboxJournal;
  /** This workstation's id: it pushes the states of its own replies only. */
  workstationId: string;
  publish: AwayStatePublisher;
  backoff: BackoffPolicy;
  clock: () => number;
  random?: () => number;
  log?: (line: string) => void;
};

/** Failures in a row, and the time before which the next try waits. */
type Wait = { failures: number; until: number };

export class AwayStatePushes {
  /** The central server unreachable: every push waits. */
  private outage: Wait | undefined;
  /** Replies whose push the server refused: each waits on its own. */
  private readonly refused = new Map<string, Wait>();

  constructor(private readonly options: AwayStatePushesOptions) {}

  /**
   * The central server answers again (the sync is online): every count starts over and the pushes
   * go on the next round. Says whether any were waiting (the outbox then runs a round at once).
   */
  reset(): boolean {
    const waiting = this.outage !== undefined || this.refused.size > 0;
    this.outage = undefined;
    this.refused.clear();
    return waiting;
  }

  /** A round of pushes; `force` ("send now") pushes without waiting for the backoff. */
  round(force: boolean): AwayStateRound {
    const { journal, workstationId, publish, backoff, clock, random, log } = this.options;
    const next = (wait: Wait | undefined): Wait => {
      const failures = (wait?.failures ?? 0) + 1;
      return { failures, until: clock() + backoffDelay(failures - 1, backoff, random) };
    };
    // Once a push of this round found the server unreachable, the rest wait for the next.
    let unreachableNow = false;
    const seen = new Set<string>();
    const waiting = new Set<string>();
    return {
      push: async (entry, message) => {
        seen.add(entry.id);
        const outbox = message.outbox;
        const toPush = outbox !== undefined && outbox.workstationId === workstationId && (entry.pushedChangedAt ?? 0) < outbox.changedAt;
        const now = clock();
        const held = unreachableNow || (!force && ((this.outage?.until ?? 0) > now || (this.refused.get(entry.id)?.until ?? 0) > now));
        if (toPush && held) {
          waiting.add(entry.id);
          return false;
        }
        let failure: unknown;
        const remember = (reply: Message) =>
          publish(reply).catch((error: unknown) => {
            failure = error;
            throw error;
          });
        const done = await publishAwayState(journal, entry, message, workstationId, remember, log);
        if (!toPush) return done;
        if (done) {
          this.outage = undefined;
          this.refused.delete(entry.id);
        } else if (isSyncError(failure) && failure.kind === 'offline') {
          this.outage = next(this.outage);
          unreachableNow = true;
          waiting.add(entry.id);
        } else {
          this.refused.set(entry.id, next(this.refused.get(entry.id)));
          waiting.add(entry.id);
        }
        return done;
      },
      finish: () => {
        // Replies this round did not push (back in the replica, sent and pushed) keep no count.
        for (const id of this.refused.keys()) if (!seen.has(id)) this.refused.delete(id);
        let earliest: number | undefined;
        for (const id of waiting) {
          const at = Math.max(this.outage?.until ?? 0, this.refused.get(id)?.until ?? 0);
          earliest = Math.min(earliest ?? Infinity, at);
        }
        return earliest;
      },
    };
  }
}
