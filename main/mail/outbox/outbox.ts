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
 */
import { BehaviorSubject, map, merge, type Observable, type Subscription } from 'rxjs';
import type { RxCollection } from 'rxdb';
import { newId } from '../../../core/ids/index';
import { buildReplyMessage, outgoingMailOf, type ReplyInput } from '../../../core/mail/outgoing';
import type { Message, OutboxFields } from '../../../core/schemas/messages';
import { backoffDelay, type BackoffPolicy } from '../../sync/backoff';
import { OutboxJournal, type JournalEntry } from './outbox-journal';
import { currentReply, recordReplyState, type Located } from './reply-records';
import { planAcknowledgement, type AcknowledgementOutcome, type QueueAcknowledgementInput } from './acknowledgements';
import { outboxStatusOf, type OutboxStatus } from './outbox-status';
import { settleInterruptedSend, type SentCopyLookup } from './interrupted-send';
import { SmtpSendError, SmtpSender, type OpenAttachment, type SmtpAccount } from './smtp-transport';
import { publishAwayState, type AwayStatePublisher } from './away-states';

const DAY_MS = 24 * 60 * 60 * 1000;

export { acknowledgementIdOf, type AcknowledgementOutcome, type QueueAcknowledgementInput } from './acknowledgements';

/** 30 s, 1 min, 2 min … up to one hour between attempts, with jitter (main/sync/backoff.ts). */
export const OUTBOX_BACKOFF: BackoffPolicy = { initialMs: 30_000, maxMs: 60 * 60_000 };
/** SMTP servers keep trying for days (RFC 5321 §4.5.4.1 suggests 4–5); a citizen's answer that late is a failure to show. */
export const OUTBOX_GIVE_UP_AFTER_MS = 3 * DAY_MS;
/** How long this outbox remembers the automatic answers it sent, to notice one sent twice. */
export const DOUBLE_SEND_WATCH_MS = 7 * DAY_MS;

export type OutboxOptions = {
  /** The local database's `messages` collection. */
  messages: RxCollection<Message>;
  /** This workstation's stable id (kept in its profile; never a user's). */
  workstationId: string;
  /** The outbox journal's SQLite file, beside the local database. */
  journalFile: string;
  /** The SMTP account of a council mailbox (lower case), or undefined when none is configured. */
  smtpAccountOf: (mailbox: string) => SmtpAccount | undefined;
  /** Opens attachments for sending (the blob store); needed for replies with files. */
  openAttachment?: OpenAttachment;
  /** Looks for a sent copy in the mailbox's Sent folder after a crash (interrupted-send.ts). */
  sentCopyLookup?: SentCopyLookup;
  /**
   * Pushes the state of a reply away from the replica to the central server (away-states.ts);
   * without it (an office with no central server) the state waits in the journal for the document.
   */
  publishAwayState?: AwayStatePublisher;
  backoff?: BackoffPolicy;
  giveUpAfterMs?: number;
  clock?: () => number;
  random?: () => number;
  log?: (line: string) => void;
  /** For tests of a crash between SMTP's answer and the database write. */
  faults?: { afterSmtpAccepted?: (message: Message) => Promise<void> };
};

/** A clerk's reply: what the screen knows. The outbox adds the id, time and owner. */
export type QueueReplyInput = Omit<ReplyInput, 'id' | 'createdAt' | 'workstationId' | 'auto'>;

const serverKey = (account: SmtpAccount | undefined) => (account ? `${account.host}:${account.port}` : undefined);

export class Outbox {
  private readonly journal: OutboxJournal;
  private readonly clock: () => number;
  private readonly status = new BehaviorSubject<OutboxStatus>({ queued: 0, sending: 0, failed: 0, mailServer: 'unknown', items: [] });
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private mailServer: OutboxStatus['mailServer'] = 'unknown';
  private lastError: string | undefined;

  private readonly smtp: SmtpSender;

  constructor(private readonly options: OutboxOptions) {
    this.journal = OutboxJournal.open(options.journalFile);
    this.clock = options.clock ?? Date.now;
    this.smtp = new SmtpSender(options.openAttachment);
  }

  /** This workstation's outbox, live. */
  get outboxStatus$(): Observable<OutboxStatus> {
    return this.status.asObservable();
  }

  /** Starts sending: what a previous run left, then whatever is queued. */
  start(): void {
    if (!this.started && !this.stopping.signal.aborted) {
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
    this.kick();
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
   * away and back, which this outbox may have sent meanwhile: the pass then brings the returning
   * document up to date. Says whether the reply was new to the outbox. The outbox calls it for
   * every insert into `messages` once started.
   */
  adopt(message: Message): boolean {
    if (message.kind !== 'email_out' || message.outbox?.workstationId !== this.options.workstationId) return false;
    const adopted = message.outbox.state === 'queued' && this.journal.adopt(message.id, message.createdAt, message);
    this.kick();
    return adopted;
  }

  /** Sends a failed reply again (the clerk fixed the address or the mail server is back). */
  async retry(id: string): Promise<void> {
    const doc = await this.options.messages.findOne(id).exec(true);
    const outbox = doc.outbox;
    if (!outbox || outbox.workstationId !== this.options.workstationId) throw new Error(`el mensaje ${id} no está en la bandeja de salida de este puesto`);
    if (outbox.state !== 'failed') return;
    this.journal.add(id, this.clock());
    await doc.incrementalModify((current) => ({ ...current, outbox: { ...current.outbox!, state: 'queued', nextAttemptAt: this.clock(), changedAt: this.nextChange(current.outbox) } }));
    this.kick();
  }

  /** Tries every due reply now, without waiting for the backoff (the "send now" button). */
  async sendNow(): Promise<void> {
    this.kick(true);
    await this.idle();
  }

  /** Resolves when no pass is running or due at once. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops sending. A send in flight is abandoned where it stands (as a crash would). */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.inserts?.unsubscribe();
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    this.smtp.close();
    this.journal.close();
    this.status.complete();
  }

  private async enqueue(message: Message): Promise<Message> {
    // The journal first: a crash between the two leaves an id without document (dropped later),
    // never a queued reply nobody will send.
    this.journal.add(message.id, message.createdAt, message);
    const stored = await this.options.messages.insert(message);
    this.kick();
    return stored.toMutableJSON();
  }

  private forceDue = false;
  private started = false;
  private inserts: Subscription | undefined;

  private kick(forceDue = false): void {
    // Before start(), replies are queued and wait for it.
    if (!this.started || this.stopping.signal.aborted) return;
    this.forceDue ||= forceDue;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const force = this.forceDue;
          this.forceDue = false;
          await this.pass(force);
        } while (this.again && !this.stopping.signal.aborted);
      } finally {
        this.running = undefined;
      }
    })().catch((error: unknown) => {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.schedule(this.clock() + (this.options.backoff ?? OUTBOX_BACKOFF).initialMs);
    });
  }

  private schedule(at: number): void {
    clearTimeout(this.timer);
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, at - this.clock()));
    this.timer.unref?.();
  }

  /** One look at every reply of the journal: send what is due, settle what a crash left. */
  private async pass(force: boolean): Promise<void> {
    let nextDue: number | undefined;
    // Mail servers found unreachable in this pass, and when to try them again: the other replies
    // through them wait too, rather than each waiting out its own connection timeout.
    const unreachable = new Map<string, number>();
    for (const entry of this.journal.entries()) {
      if (this.stopping.signal.aborted) return;
      // A failed reply waits for a clerk; its state may still have to reach the server.
      const awayStateToPush = this.options.publishAwayState !== undefined && (entry.pushedChangedAt ?? 0) < (entry.copy?.outbox?.changedAt ?? 0);
      if (entry.status === 'failed' && !awayStateToPush) continue;
      const found = await this.current(entry);
      if (!found) {
        // Queued a moment ago and still being inserted, or lost to a crash before its insert
        // (whoever queued it never heard it was): dropped after a minute.
        if (entry.queuedAt < this.clock() - 60_000) {
          this.journal.remove(entry.id);
          this.lastError = `La respuesta ${entry.id} no llegó a guardarse en este puesto y no se ha enviado`;
        }
        continue;
      }
      const { message, away } = found;
      if (away && this.options.publishAwayState) {
        const published = await publishAwayState(this.journal, entry, message, this.options.workstationId, this.options.publishAwayState, this.options.log);
        if (!published) nextDue = Math.min(nextDue ?? Infinity, this.clock() + (this.options.backoff ?? OUTBOX_BACKOFF).initialMs);
      }
      if (entry.status === 'failed') continue;
      // Sent while away from the replica: nothing left to do here but bring the state to the server.
      if (away && message.outbox?.state === 'sent') continue;
      const outbox = message.outbox;
      // Replication may have replaced our copy with another workstation's (the same acknowledgement
      // written on two workstations offline): then it is that one's to send.
      if (!outbox || outbox.workstationId !== this.options.workstationId || outbox.state === 'sent') {
        this.journal.remove(entry.id);
        continue;
      }
      if (outbox.state === 'failed') {
        this.journal.markFailed(entry.id);
        continue;
      }
      if (outbox.state === 'sending') {
        const verdict = await settleInterruptedSend(message.email!.mailbox, message.email!.messageId, this.options.sentCopyLookup);
        if (verdict.action === 'record-sent') {
          const recorded = await this.record(message.id, (current) => ({ ...current, state: 'sent', sentAt: this.clock(), error: verdict.why }));
          if (!recorded?.away) this.journal.remove(message.id);
          continue;
        }
        await this.record(message.id, (current) => ({ ...current, state: 'queued', nextAttemptAt: this.clock(), error: verdict.why }));
      }
      const due = force ? 0 : (outbox.state === 'sending' ? 0 : (outbox.nextAttemptAt ?? 0));
      if (due > this.clock()) {
        nextDue = Math.min(nextDue ?? Infinity, due);
        continue;
      }
      const server = serverKey(this.options.smtpAccountOf(message.email!.mailbox));
      const waitUntil = server === undefined ? undefined : unreachable.get(server);
      if (waitUntil !== undefined) {
        nextDue = Math.min(nextDue ?? Infinity, waitUntil);
        continue;
      }
      const outcome = await this.sendOne(message.id);
      if (outcome.retryAt === undefined) continue;
      nextDue = Math.min(nextDue ?? Infinity, outcome.retryAt);
      if (outcome.unreachable && server !== undefined) unreachable.set(server, outcome.retryAt);
    }
    await this.publish();
    if (nextDue !== undefined) this.schedule(nextDue);
  }

  /** Sends one reply; says when to try it again if it stays queued, and whether its server was unreachable. */
  private async sendOne(id: string): Promise<{ retryAt?: number; unreachable?: boolean }> {
    const claim = await this.record(id, (current) =>
      current.state === 'queued' ? { ...current, state: 'sending', attempts: current.attempts + 1 } : undefined,
    );
    if (!claim) return {};
    const claimed = claim.message;
    const mail = outgoingMailOf(claimed);
    const account = this.options.smtpAccountOf(claimed.email!.mailbox);
    try {
      if (!account) throw new SmtpSendError('temporary', `No hay cuenta de envío (SMTP) configurada para ${claimed.email!.mailbox}`);
      if (claimed.auto && (await this.sentElsewhere(claimed))) {
        const recorded = await this.record(id, (current) => ({ ...current, state: 'sent', sentAt: this.clock(), error: 'Ya está en la carpeta de enviados (lo envió otro puesto, o este antes de un corte); no se envía de nuevo' }));
        if (!recorded?.away) this.journal.remove(id);
        return {};
      }
      const result = await this.smtp.send(account, mail);
      this.mailServer = 'reachable';
      await this.abandonable(this.options.faults?.afterSmtpAccepted?.(claimed));
      const note = result.rejected.length > 0 ? `El servidor de correo rechazó a: ${result.rejected.join(', ')}` : undefined;
      const recorded = await this.record(id, (current) => ({ ...current, state: 'sent', sentAt: this.clock(), ...(note ? { error: note } : {}) }));
      if (claimed.auto) {
        this.journal.noteAutomaticSent(id, this.clock(), this.clock() - DOUBLE_SEND_WATCH_MS);
        // Replication may have brought the other workstation's record while this one was sending.
        if (!recorded) this.noticeOtherOwner((await this.options.messages.findOne(id).exec())?.toMutableJSON() ?? claimed);
      }
      if (!recorded?.away) this.journal.remove(id);
      return {};
    } catch (error) {
      if (this.stopping.signal.aborted) return {};
      const failure = error instanceof SmtpSendError ? error : new SmtpSendError('temporary', error instanceof Error ? error.message : String(error), { cause: error });
      this.mailServer = failure.kind === 'unreachable' ? 'unreachable' : 'reachable';
      this.lastError = failure.message;
      const now = this.clock();
      const giveUpAfter = this.options.giveUpAfterMs ?? OUTBOX_GIVE_UP_AFTER_MS;
      if (!failure.retryable || now - claimed.createdAt >= giveUpAfter) {
        const reason = failure.retryable ? `No se pudo enviar en ${Math.round(giveUpAfter / 3_600_000)} horas. Último error: ${failure.message}` : failure.message;
        await this.record(id, (current) => ({ ...current, state: 'failed', error: reason }));
        this.journal.markFailed(id);
        return {};
      }
      const attempts = claimed.outbox!.attempts;
      const nextAttemptAt = now + backoffDelay(attempts - 1, this.options.backoff ?? OUTBOX_BACKOFF, this.options.random);
      await this.record(id, (current) => ({ ...current, state: 'queued', nextAttemptAt, error: failure.message }));
      return { retryAt: nextAttemptAt, unreachable: failure.kind === 'unreachable' };
    }
  }

  /**
   * Whether another workstation already sent this automatic answer: its Message-ID derives from
   * the inbound mail, so a copy in the mailbox's Sent folder is the other's (or ours, lost to a
   * crash). Only a yes stops the send; no Sent folder, or no answer, sends (docs/mail.md).
   */
  private async sentElsewhere(message: Message): Promise<boolean> {
    if (!this.options.sentCopyLookup) return false;
    try {
      return await this.options.sentCopyLookup(message.email!.mailbox, message.email!.messageId);
    } catch {
      return false;
    }
  }

  /**
   * Automatic answers this workstation sent that another one sent too (both cut off from the
   * central server, each acknowledging the same mail): found when replication brings the other's
   * record, kept for supervisors. docs/mail.md, "Two workstations, one acknowledgement".
   */
  doubleSends(): { id: string; otherWorkstation: string; sentAt: number; detectedAt: number }[] {
    return this.journal.doubleSends();
  }

  private noticeOtherOwner(message: Message): void {
    const outbox = message.outbox;
    if (!message.auto || !outbox || outbox.state !== 'sent' || outbox.workstationId === this.options.workstationId) return;
    const sentAt = this.journal.automaticSentAt(message.id);
    if (sentAt === undefined || !this.journal.recordDoubleSend(message.id, outbox.workstationId, sentAt, this.clock())) return;
    this.lastError = `El acuse automático ${message.email?.messageId ?? message.id} salió dos veces: de este puesto y de ${outbox.workstationId}, mientras ninguno podía hablar con el servidor central`;
    this.options.log?.(this.lastError);
    void this.publish().catch(() => undefined);
  }

  /** Waits for `work`, unless the outbox stops first (a stop then is a crash at that point). */
  private async abandonable(work: Promise<void> | undefined): Promise<void> {
    if (!work) return;
    const signal = this.stopping.signal;
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new Error('outbox stopped'));
      signal.addEventListener('abort', () => reject(new Error('outbox stopped')), { once: true });
      work.then(resolve, reject);
    });
  }

  private current(entry: JournalEntry): Promise<Located | undefined> {
    return currentReply(this.options.messages, this.journal, this.options.workstationId, entry);
  }

  private async record(id: string, change: (current: OutboxFields) => OutboxFields | undefined): Promise<Located | undefined> {
    const recorded = await recordReplyState(this.options.messages, this.journal, this.options.workstationId, id, (outbox) => this.nextChange(outbox), change);
    // A state written into the copy of a reply away from the replica: one more pass pushes it.
    if (recorded?.away && this.options.publishAwayState) this.again = true;
    return recorded;
  }

  /** A change time later than the last one even if the clock went back (the later state wins a conflict). */
  private nextChange(outbox: OutboxFields | undefined): number {
    return Math.max(this.clock(), (outbox?.changedAt ?? 0) + 1);
  }

  private async publish(): Promise<void> {
    const entries = this.journal.entries();
    const docs = await this.options.messages.findByIds(entries.map((entry) => entry.id)).exec();
    // A reply away from the replica shows as its copy says, until it is sent.
    const messages = entries.map((entry) => (docs.get(entry.id)?.toJSON() as Message | undefined) ?? (entry.copy?.outbox?.state === 'sent' ? undefined : entry.copy));
    this.status.next(outboxStatusOf(messages, this.mailServer, this.lastError));
  }
}
