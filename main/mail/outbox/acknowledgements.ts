/**
 * The automatic acknowledgement of a citizen's new mail (issue 5, "Loops" and "Sending"): whether
 * to write one (core/mail/loops.ts), and the document to queue. Its id derives from the inbound
 * mail's, so one workstation never writes two (an ingester resuming after a crash asks again);
 * two workstations that ingest the same mail while both are cut off from the central server
 * each write it, with the same id and the same Message-ID — what the outbox does about that is
 * in outbox-sender.ts (`sentElsewhere`), outbox.ts (double-send detection) and docs/mail.md.
 */
import { createHash } from 'node:crypto';
import type { RxCollection } from 'rxdb';
import { decideAutoReply, type AutoReplyDecision, type InboundHeaders } from '../../../core/mail/loops';
import { buildReplyMessage, type ReplyInput } from '../../../core/mail/outgoing';
import type { Message } from '../../../core/schemas/messages';

const DAY_MS = 24 * 60 * 60 * 1000;

export type QueueAcknowledgementInput = Omit<ReplyInput, 'id' | 'createdAt' | 'workstationId' | 'auto' | 'authorId' | 'to' | 'answering'> & {
  /** The inbound mail being acknowledged, as stored. */
  inbound: Message;
  /** Its header section as received (loop detection reads it). */
  headers: InboundHeaders;
  /** The council's mailboxes: mail from them is never acknowledged. */
  ownAddresses?: readonly string[];
};

export type AcknowledgementOutcome =
  | { queued: true; message: Message }
  | { queued: false; reason: Exclude<AutoReplyDecision, { send: true }>['reason']; detail: string };

/** The id of the acknowledgement of an inbound mail: the same on every workstation that ingests it. */
export function acknowledgementIdOf(inboundMessageId: string): string {
  return createHash('sha256').update(`acknowledgement\0${inboundMessageId}`).digest('hex').slice(0, 40);
}

/**
 * What to do about the acknowledgement of `input.inbound`: it exists already (queued: true with
 * it), the loop rules say no (queued: false, why), or `build` — the document to queue, owned by
 * `workstationId`. Writes nothing.
 */
export async function planAcknowledgement(
  messages: RxCollection<Message>,
  input: QueueAcknowledgementInput,
  workstationId: string,
  now: number,
): Promise<AcknowledgementOutcome | { build: Message }> {
  const { inbound, headers, ownAddresses, ...reply } = input;
  const id = acknowledgementIdOf(inbound.id);
  const existing = await messages.findOne(id).exec();
  if (existing) return { queued: true, message: existing.toMutableJSON() };
  // Automatic answers already written to this citizen in the last day (the citizen index).
  const history = await messages.find({ selector: { citizenId: inbound.citizenId, createdAt: { $gt: now - DAY_MS } } }).exec();
  const decision = decideAutoReply(headers, history.map((doc) => doc.toJSON() as Message), now, { ownAddresses });
  if (!decision.send) return { queued: false, reason: decision.reason, detail: decision.detail };
  return { build: buildReplyMessage({ ...reply, id, answering: inbound, to: [{ address: decision.recipient! }], auto: true, createdAt: now, workstationId }) };
}
