/**
 * The delivery state of a reply that is away from the replica (its ticket was routed to a
 * department not the clerk's, and the document left with it): it cannot replicate through RxDB —
 * the replica holds it as deleted — so the outbox pushes each state it writes into its copy to
 * the central server on its own, which lets a reply's owner write that part alone outside their
 * departments (server/replication/rights.ts `outboxStateWrite`). The other department then sees
 * the reply `sent`, and the state is on the server if the ticket comes back. docs/mail.md,
 * "A reply whose ticket leaves the clerk's departments".
 *
 * The outbox only needs the function, and decides when to call it (away-state-pushes.ts: the
 * backoff after failed pushes); the workstation's mail wiring makes it from its central server
 * session (`centralServerPublisher`).
 */
import type { Message } from '../../../core/schemas/messages';
import { API_PATHS, type DocumentState } from '../../../core/sync/replication-protocol';
import { callServer, type FetchFunction } from '../../sync/server-client';
import type { JournalEntry, OutboxJournal } from './outbox-journal';

/**
 * Pushes a reply's outbox state (the reply as the outbox's copy has it). Resolves `stored` once the
 * server holds it, `superseded` when the server holds a later state or another owner's record
 * (nothing to push), and throws when the server could not be asked or refused (tried again later).
 */
export type AwayStatePublisher = (reply: Message) => Promise<'stored' | 'superseded'>;

/**
 * Pushes the state of a reply away from the replica (owned by `ours`) if the server does not have
 * it yet, and notes it in the journal; a reply sent while away then leaves the journal: the
 * server has its last state, and it returns with it if its ticket comes back. False when the
 * push failed (the outbox tries again after its backoff).
 */
export async function publishAwayState(
  journal: OutboxJournal,
  entry: JournalEntry,
  message: Message,
  ours: string,
  publish: AwayStatePublisher,
  log?: (line: string) => void,
): Promise<boolean> {
  const outbox = message.outbox;
  if (!outbox || outbox.workstationId !== ours) return true;
  if ((entry.pushedChangedAt ?? 0) < outbox.changedAt) {
    try {
      await publish(message);
    } catch (error) {
      log?.(`the state of reply ${message.id}, away from this replica, is not on the central server yet: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    journal.markPushed(entry.id, outbox.changedAt);
  }
  if (outbox.state === 'sent') journal.remove(entry.id);
  return true;
}

const TIMEOUT_MS = 15_000;

/**
 * The publisher over the central server's push route: the reply with its new outbox part, nothing
 * else changed.
 *
 * The workstation no longer holds the server's copy, so it cannot name the state it replaces: it
 * pushes assuming its own, and the server answers with the stored reply (a conflict, which the
 * same rule lets it see: it is the owner's own reply). If that holds an earlier state of this
 * outbox, the push goes again on top of it; a later state, or another workstation's record (the
 * same acknowledgement written on two workstations offline), is left as it is.
 */
export function centralServerPublisher(central: { serverUrl: string; accessToken: () => Promise<string>; fetch?: FetchFunction }): AwayStatePublisher {
  const fetchFunction: FetchFunction = central.fetch ?? ((input, init) => fetch(input, init));
  return async (reply: Message) => {
    const outbox = reply.outbox;
    if (!outbox) return 'superseded';
    const pushed: DocumentState = { ...reply, _deleted: false };
    let assumed: DocumentState = pushed;
    // Twice is enough: the first answer tells the stored state; a third means it keeps changing.
    for (let round = 0; round < 3; round++) {
      const answer = await callServer(fetchFunction, central.serverUrl, {
        method: 'POST',
        path: API_PATHS.push('messages'),
        body: [{ assumedMasterState: assumed, newDocumentState: pushed }],
        accessToken: await central.accessToken(),
        timeoutMs: TIMEOUT_MS,
      });
      const conflicts = Array.isArray(answer.body) ? (answer.body as DocumentState[]) : [];
      const stored = conflicts.find((document) => document.id === reply.id);
      if (!stored) return 'stored';
      const theirs = stored.outbox as Message['outbox'] | undefined;
      if (stored._deleted || !theirs || theirs.workstationId !== outbox.workstationId || theirs.changedAt >= outbox.changedAt) return 'superseded';
      assumed = stored;
    }
    throw new Error(`the central server kept answering reply ${reply.id} with another state`);
  };
}
