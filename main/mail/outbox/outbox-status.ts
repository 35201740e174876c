/**
 * What the screens show of a workstation's outbox (`Outbox.outboxStatus$`): counts by state, the
 * mail server as last found, and the replies not yet sent or failed, with why.
 */
import type { Message, OutboxFields } from '../../../core/schemas/messages';

export type OutboxItem = {
  id: string;
  ticketId: string;
  subject: string;
  to: string[];
  state: OutboxFields['state'];
  attempts: number;
  nextAttemptAt?: number;
  error?: string;
};

/** What the screens show of this workstation's outbox. */
export type OutboxStatus = {
  queued: number;
  sending: number;
  failed: number;
  /** The mail server as the last attempt found it. */
  mailServer: 'unknown' | 'reachable' | 'unreachable';
  lastError?: string;
  /** Replies not yet sent, and the failed ones, oldest first. */
  items: OutboxItem[];
};

/** The status of the outbox from its journal's documents (oldest first; missing ones left out). */
export function outboxStatusOf(messages: readonly (Message | undefined)[], mailServer: OutboxStatus['mailServer'], lastError: string | undefined): OutboxStatus {
  const items: OutboxItem[] = [];
  for (const message of messages) {
    const outbox = message?.outbox;
    if (!message || !outbox) continue;
    items.push({
      id: message.id,
      ticketId: message.ticketId,
      subject: message.subject ?? '',
      to: message.email?.to.map((to) => to.address) ?? [],
      state: outbox.state,
      attempts: outbox.attempts,
      ...(outbox.nextAttemptAt !== undefined && { nextAttemptAt: outbox.nextAttemptAt }),
      ...(outbox.error !== undefined && { error: outbox.error }),
    });
  }
  const count = (state: OutboxFields['state']) => items.filter((item) => item.state === state).length;
  return {
    queued: count('queued'),
    sending: count('sending'),
    failed: count('failed'),
    mailServer,
    ...(lastError !== undefined && { lastError }),
    items,
  };
}
