/**
 * The workstation's outbox: replies written by its clerks and automatic acknowledgements become
 * `email_out` messages in state `queued`, owned by this workstation, and leave over SMTP when the
 * council's mail server answers — whether or not the central server does: sending needs only the
 * local database and the mail server.
 *
 * States, written through RxDB so they replicate (core/schemas/messages.ts, OutboxFields):
 *   queued → sending → sent
 *                    ↘ queued again (temporary failure, with `nextAttemptAt`, backing off)
 *                    ↘ failed (refused for good, or still failing after `giveUpAfterMs`)
 * Only the owning workstation sends: a reply is sent by nobody else even when every workstation
 * holds a copy. Why a crash cannot lose a reply, and when it can send one twice:
 * interrupted-send.ts and docs/mail.md.
 *
 * This file is the outbox as the rest of the workstation sees it: what goes in line, what the
 * screens see, start and stop. The rounds that send live in outbox-sender.ts; the pushes of the
 * states of replies whose ticket left the replica, in away-state-pushes.ts.
 */
import { BehaviorSubject, map, merge, type Observable, type Subscription } from 'rxjs';
import { newId } from '../../../core/ids/index';
import { buildReplyMessage, type ReplyInput } from '../../../core/mail/outgoing';
import type { Message } from '../../../core/schemas/messages';
import { planAcknowledgement, type AcknowledgementOutcome, type QueueAcknowledgementInput } from './acknowledgements';
import { AwayStatePushes } from './away-state-pushes';
import { OutboxJournal } from './outbox-journal';
import { OUTBOX_BACKOFF, type OutboxOptions } from './outbox-options';
import { OutboxSender, type SenderFindings } from './outbox-sender';
import { outboxStatusOf, type OutboxStatus } from './outbox-status';
import { nextChangeAt } from './reply-records';

export { acknowledgementIdOf, type AcknowledgementOutcome, type QueueAcknowledgementInput } from './acknowledgements';
export { DOUBLE_SEND_WATCH_MS, OUTBOX_BACKOFF, OUTBOX_GIVE_UP_AFTER_MS, timerAlarm, type OutboxOptions, type SetAlarm } from './outbox-options';

/** A clerk's reply: what the screen knows. The outbox adds the id, time and owner. */
export type QueueReplyInput = Omit<ReplyInput, 'id' | 'createdAt' | 'workstationId' | 'auto'>;

export class Outbox {
  private readonly journal: OutboxJournal;
  private readonly clock: () => number;
  private readonly status = new BehaviorSubject<OutboxStatus>({ queued: 0, sending: 0, failed: 0, mailServer: 'unknown', items: [] });
  private readonly findings: SenderFindings = { mailServer: 'unknown', lastError: undefined };
  private readonly awayStates: AwayStatePushes | undefined;
  private readonly sender: OutboxSender;
  private started = false;
  private inserts: Subscription | undefined;

  constructor(private readonly options: OutboxOptions) {
    this.journal = OutboxJournal.open(options.journalFile);
    this.clock = options.clock ?? Date.now;
    this.awayStates =
      options.publishAwayState &&
      new AwayStatePushes({
        journal: this.journal,
        workstationId: options.workstationId,
        publish: options.publishAwayState,
        backoff: options.backoff ?? OUTBOX_BACKOFF,
        clock: this.clock,
        ...(options.random && { random: options.random }),
        ...(options.log && { log: options.log }),
      });
    this.sender = new OutboxSender({
      options,
      journal: this.journal,
      clock: this.clock,
      awayStates: this.awayStates,
      findings: this.findings,
      roundDone: () => this.publish(),
      noticeOtherOwner: (message) => this.noticeOtherOwner(message),
    });
  }

  /** This workstation's outbox, live. */
  get outboxStatus$(): Observable<OutboxStatus> {
    return this.status.asObservable();
  }

  /** Starts sending: what a previous run left, then whatever is queued. */
  start(): void {
    if (!this.started && !this.sender.stopped) {
      // A pulled document that was deleted before (a ticket routed back) is an insert too.
      this.inserts = merge(
        this.options.messages.insert$.pipe(map((event) => ({ inserted: true, message: event.documentData as Message }))),
        this.options.messages.update$.pipe(map((event) => ({ inserted: false, message: event.documentData as Message }))),
      ).subscribe(({ inserted, message }) => {
        if (inserted) this.adopt(message);
        // Replication bringing another workstation's record of an answer this one sent too.
        if (message.kind === 'email_out' && message.auto) this.noticeOtherOwner(message);
      });
    }
    this.started = true;
    this.sender.start();
  }

  /** Queues a clerk's reply; resolves with the stored document once it is durable. */
  async queueReply(input: QueueReplyInput): Promise<Message> {
    const now = this.clock();
    const message = buildReplyMessage({ ...input, id: newId(now), createdAt: now, workstationId: this.options.workstationId, auto: false });
    return this.enqueue(message);
  }

  /**
   * Queues the automatic acknowledgement of an inbound mail, unless the loop rules say no
   * (core/mail/loops.ts): automatic mail, or the daily cap of automatic answers to that address.
   * Idempotent: the same inbound mail never gets two acknowledgements from this workstation.
   */
  async queueAcknowledgement(input: QueueAcknowledgementInput): Promise<AcknowledgementOutcome> {
    const planned = await planAcknowledgement(this.options.messages, input, this.options.workstationId, this.clock());
    return 'build' in planned ? { queued: true, message: await this.enqueue(planned.build) } : planned;
  }

  /**
   * Takes in a reply written straight into the database (the screens' composer) that is queued
   * and owned by this workstation, and wakes the sender. A reply the outbox already has is left
   * as it is — in particular one that comes back into the replica after its ticket was routed
   * away and back, which this outbox may have sent meanwhile: the round then brings the returning
   * document up to date. Says whether the reply was new to the outbox. The outbox calls it for
   * every insert into `messages` once started.
   */
  adopt(message: Message): boolean {
    if (message.kind !== 'email_out' || message.outbox?.workstationId !== this.options.workstationId) return false;
    const adopted = message.outbox.state === 'queued' && this.journal.adopt(message.id, message.createdAt, message);
    this.sender.kick();
    return adopted;
  }

  /** Sends a failed reply again (the clerk fixed the address or the mail server is back). */
  async retry(id: string): Promise<void> {
    const doc = await this.options.messages.findOne(id).exec(true);
    const outbox = doc.outbox;
    if (!outbox || outbox.workstationId !== this.options.workstationId) throw new Error(`el mensaje ${id} no está en la bandeja de salida de este puesto`);
    if (outbox.state !== 'failed') return;
    this.journal.add(id, this.clock());
    await doc.incrementalModify((current) => ({ ...current, outbox: { ...current.outbox!, state: 'queued', nextAttemptAt: this.clock(), changedAt: nextChangeAt(this.clock, current.outbox) } }));
    this.sender.kick();
  }

  /** Tries every due reply now, without waiting for the backoff (the "send now" button). */
  async sendNow(): Promise<void> {
    this.sender.kick(true);
    await this.sender.idle();
  }

  /**
   * The central server answers again (the sync is online; the mail wiring calls it): the states
   * of replies away from the replica that wait after failed pushes go now, and their backoff
   * starts over (away-state-pushes.ts). Nothing happens when none waits.
   */
  centralServerOnline(): void {
    if (this.awayStates?.reset()) this.sender.kick();
  }

  /** Resolves when no round is running or due at once. */
  async idle(): Promise<void> {
    await this.sender.idle();
  }

  /** Stops sending. A send in flight is abandoned where it stands (as a crash would). */
  async stop(): Promise<void> {
    this.inserts?.unsubscribe();
    await this.sender.stop();
    this.journal.close();
    this.status.complete();
  }

  /**
   * Automatic answers this workstation sent that another one sent too (both cut off from the
   * central server, each acknowledging the same mail): found when replication brings the other's
   * record, kept for supervisors. docs/mail.md, "Two workstations, one acknowledgement".
   */
  doubleSends(): { id: string; otherWorkstation: string; sentAt: number; detectedAt: number }[] {
    return this.journal.doubleSends();
  }

  private async enqueue(message: Message): Promise<Message> {
    // The journal first: a crash between the two leaves an id without document (dropped later),
    // never a queued reply nobody will send.
    this.journal.add(message.id, message.createdAt, message);
    const stored = await this.options.messages.insert(message);
    this.sender.kick();
    return stored.toMutableJSON();
  }

  private noticeOtherOwner(message: Message): void {
    const outbox = message.outbox;
    if (!message.auto || !outbox || outbox.state !== 'sent' || outbox.workstationId === this.options.workstationId) return;
    const sentAt = this.journal.automaticSentAt(message.id);
    if (sentAt === undefined || !this.journal.recordDoubleSend(message.id, outbox.workstationId, sentAt, this.clock())) return;
    this.findings.lastError = `El acuse automático ${message.email?.messageId ?? message.id} salió dos veces: de este puesto y de ${outbox.workstationId}, mientras ninguno podía hablar con el servidor central`;
    this.options.log?.(this.findings.lastError);
    void this.publish().catch(() => undefined);
  }

  private async publish(): Promise<void> {
    const entries = this.journal.entries();
    const docs = await this.options.messages.findByIds(entries.map((entry) => entry.id)).exec();
    // A reply away from the replica shows as its copy says, until it is sent.
    const messages = entries.map((entry) => (docs.get(entry.id)?.toJSON() as Message | undefined) ?? (entry.copy?.outbox?.state === 'sent' ? undefined : entry.copy));
    this.status.next(outboxStatusOf(messages, this.findings.mailServer, this.findings.lastError));
  }
}
