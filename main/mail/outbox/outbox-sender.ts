/**
 * The outbox's sending loop (outbox.ts is the outbox as others see it): when a round over the
 * journal runs, and what one does — settle what a crash left, send the due replies over SMTP one
 * at a time and write each state, back off after temporary failures, give up after the give-up
 * time, and push the states of replies away from the replica (away-state-pushes.ts). A round runs
 * when something is queued, when the earliest wait ends, and when a clerk presses "send now".
 */
import { outgoingMailOf } from '../../../core/mail/outgoing';
import type { Message, OutboxFields } from '../../../core/schemas/messages';
import { backoffDelay } from '../../sync/backoff';
import type { AwayStatePushes } from './away-state-pushes';
import { settleInterruptedSend } from './interrupted-send';
import type { OutboxJournal } from './outbox-journal';
import { DOUBLE_SEND_WATCH_MS, OUTBOX_BACKOFF, OUTBOX_GIVE_UP_AFTER_MS, timerAlarm, type OutboxOptions } from './outbox-options';
import type { OutboxStatus } from './outbox-status';
import { currentReply, nextChangeAt, recordReplyState, type Located } from './reply-records';
import { SmtpSendError, SmtpSender, type SmtpAccount } from './smtp-transport';

/** What the sender last found, for the screens' status (the outbox shares it and adds to it). */
export type SenderFindings = { mailServer: OutboxStatus['mailServer']; lastError: string | undefined };

export type SenderContext = {
  options: OutboxOptions;
  journal: OutboxJournal;
  clock: () => number;
  /** Absent without a central server to push to. */
  awayStates: AwayStatePushes | undefined;
  findings: SenderFindings;
  /** After each round: the screens' status. */
  roundDone(): Promise<void>;
  /** An automatic answer this outbox sent, whose record replication replaced meanwhile (outbox.ts). */
  noticeOtherOwner(message: Message): void;
};

const serverKey = (account: SmtpAccount | undefined) => (account ? `${account.host}:${account.port}` : undefined);

export class OutboxSender {
  private readonly stopping = new AbortController();
  private readonly smtp: SmtpSender;
  private running: Promise<void> | undefined;
  private again = false;
  private forceDue = false;
  private started = false;
  private cancelAlarm: (() => void) | undefined;

  constructor(private readonly context: SenderContext) {
    this.smtp = new SmtpSender(context.options.openAttachment);
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Starts the rounds: what a previous run left, then whatever is queued. */
  start(): void {
    this.started = true;
    this.kick();
  }

  /** Runs a round now (or once more after the one running); `forceDue` skips every wait. */
  kick(forceDue = false): void {
    // Before start(), replies are queued and wait for it.
    if (!this.started || this.stopped) return;
    this.forceDue ||= forceDue;
    if (this.running) {
      this.again = true;
      return;
    }
    this.clearAlarm();
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const force = this.forceDue;
          this.forceDue = false;
          await this.round(force);
        } while (this.again && !this.stopped);
      } finally {
        this.running = undefined;
      }
    })().catch((error: unknown) => {
      this.context.findings.lastError = error instanceof Error ? error.message : String(error);
      this.schedule(this.context.clock() + (this.context.options.backoff ?? OUTBOX_BACKOFF).initialMs);
    });
  }

  /** Resolves when no round is running or due at once. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops the rounds. A send in flight is abandoned where it stands (as a crash would). */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.clearAlarm();
    await this.running?.catch(() => undefined);
    this.smtp.close();
  }

  private schedule(at: number): void {
    this.clearAlarm();
    if (this.stopped) return;
    this.cancelAlarm = (this.context.options.setAlarm ?? timerAlarm)(() => {
      this.cancelAlarm = undefined;
      this.kick();
    }, Math.max(0, at - this.context.clock()));
  }

  private clearAlarm(): void {
    this.cancelAlarm?.();
    this.cancelAlarm = undefined;
  }

  /** One look at every reply of the journal: send what is due, settle what a crash left. */
  private async round(force: boolean): Promise<void> {
    const { options, journal, clock } = this.context;
    let nextDue: number | undefined;
    const later = (at: number) => {
      nextDue = Math.min(nextDue ?? Infinity, at);
    };
    // Mail servers found unreachable in this round, and when to try them again: the other replies
    // through them wait too, rather than each waiting out its own connection timeout.
    const unreachable = new Map<string, number>();
    const awayRound = this.context.awayStates?.round(force);
    try {
      for (const entry of journal.entries()) {
        if (this.stopped) return;
        // A failed reply waits for a clerk; its state may still have to reach the server.
        const awayStateToPush = awayRound !== undefined && (entry.pushedChangedAt ?? 0) < (entry.copy?.outbox?.changedAt ?? 0);
        if (entry.status === 'failed' && !awayStateToPush) continue;
        const found = await currentReply(options.messages, journal, options.workstationId, entry);
        if (!found) {
          // Queued a moment ago and still being inserted, or lost to a crash before its insert
          // (whoever queued it never heard it was): dropped after a minute.
          if (entry.queuedAt < clock() - 60_000) {
            journal.remove(entry.id);
            this.context.findings.lastError = `La respuesta ${entry.id} no llegó a guardarse en este puesto y no se ha enviado`;
          }
          continue;
        }
        const { message, away } = found;
        // When pushes wait, the round's end says until when (`finish` below).
        if (away && awayRound) await awayRound.push(entry, message);
        if (entry.status === 'failed') continue;
        // Sent while away from the replica: nothing left to do here but bring the state to the server.
        if (away && message.outbox?.state === 'sent') continue;
        const outbox = message.outbox;
        // Replication may have replaced our copy with another workstation's (the same acknowledgement
        // written on two workstations offline): then it is that one's to send.
        if (!outbox || outbox.workstationId !== options.workstationId || outbox.state === 'sent') {
          journal.remove(entry.id);
          continue;
        }
        if (outbox.state === 'failed') {
          journal.markFailed(entry.id);
          continue;
        }
        if (outbox.state === 'sending') {
          const verdict = await settleInterruptedSend(message.email!.mailbox, message.email!.messageId, options.sentCopyLookup);
          if (verdict.action === 'record-sent') {
            const recorded = await this.record(message.id, (current) => ({ ...current, state: 'sent', sentAt: clock(), error: verdict.why }));
            if (!recorded?.away) journal.remove(message.id);
            continue;
          }
          await this.record(message.id, (current) => ({ ...current, state: 'queued', nextAttemptAt: clock(), error: verdict.why }));
        }
        const due = force ? 0 : outbox.state === 'sending' ? 0 : (outbox.nextAttemptAt ?? 0);
        if (due > clock()) {
          later(due);
          continue;
        }
        const server = serverKey(options.smtpAccountOf(message.email!.mailbox));
        const waitUntil = server === undefined ? undefined : unreachable.get(server);
        if (waitUntil !== undefined) {
          later(waitUntil);
          continue;
        }
        const outcome = await this.sendOne(message.id);
        if (outcome.retryAt === undefined) continue;
        later(outcome.retryAt);
        if (outcome.unreachable && server !== undefined) unreachable.set(server, outcome.retryAt);
      }
    } finally {
      const pushesAt = awayRound?.finish();
      if (pushesAt !== undefined) later(pushesAt);
    }
    await this.context.roundDone();
    if (nextDue !== undefined) this.schedule(nextDue);
  }

  /** Sends one reply; says when to try it again if it stays queued, and whether its server was unreachable. */
  private async sendOne(id: string): Promise<{ retryAt?: number; unreachable?: boolean }> {
    const { options, journal, clock, findings } = this.context;
    const claim = await this.record(id, (current) => (current.state === 'queued' ? { ...current, state: 'sending', attempts: current.attempts + 1 } : undefined));
    if (!claim) return {};
    const claimed = claim.message;
    const mail = outgoingMailOf(claimed);
    const account = options.smtpAccountOf(claimed.email!.mailbox);
    try {
      if (!account) throw new SmtpSendError('temporary', `No hay cuenta de envío (SMTP) configurada para ${claimed.email!.mailbox}`);
      if (claimed.auto && (await this.sentElsewhere(claimed))) {
        const recorded = await this.record(id, (current) => ({ ...current, state: 'sent', sentAt: clock(), error: 'Ya está en la carpeta de enviados (lo envió otro puesto, o este antes de un corte); no se envía de nuevo' }));
        if (!recorded?.away) journal.remove(id);
        return {};
      }
      const result = await this.smtp.send(account, mail);
      findings.mailServer = 'reachable';
      await this.abandonable(options.faults?.afterSmtpAccepted?.(claimed));
      const note = result.rejected.length > 0 ? `El servidor de correo rechazó a: ${result.rejected.join(', ')}` : undefined;
      const recorded = await this.record(id, (current) => ({ ...current, state: 'sent', sentAt: clock(), ...(note ? { error: note } : {}) }));
      if (claimed.auto) {
        journal.noteAutomaticSent(id, clock(), clock() - DOUBLE_SEND_WATCH_MS);
        // Replication may have brought the other workstation's record while this one was sending.
        if (!recorded) this.context.noticeOtherOwner((await options.messages.findOne(id).exec())?.toMutableJSON() ?? claimed);
      }
      if (!recorded?.away) journal.remove(id);
      return {};
    } catch (error) {
      if (this.stopped) return {};
      const failure = error instanceof SmtpSendError ? error : new SmtpSendError('temporary', error instanceof Error ? error.message : String(error), { cause: error });
      findings.mailServer = failure.kind === 'unreachable' ? 'unreachable' : 'reachable';
      findings.lastError = failure.message;
      const now = clock();
      const giveUpAfter = options.giveUpAfterMs ?? OUTBOX_GIVE_UP_AFTER_MS;
      if (!failure.retryable || now - claimed.createdAt >= giveUpAfter) {
        const reason = failure.retryable ? `No se pudo enviar en ${Math.round(giveUpAfter / 3_600_000)} horas. Último error: ${failure.message}` : failure.message;
        await this.record(id, (current) => ({ ...current, state: 'failed', error: reason }));
        journal.markFailed(id);
        return {};
      }
      const attempts = claimed.outbox!.attempts;
      const nextAttemptAt = now + backoffDelay(attempts - 1, options.backoff ?? OUTBOX_BACKOFF, options.random);
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
    const lookup = this.context.options.sentCopyLookup;
    if (!lookup) return false;
    try {
      return await lookup(message.email!.mailbox, message.email!.messageId);
    } catch {
      return false;
    }
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

  private async record(id: string, change: (current: OutboxFields) => OutboxFields | undefined): Promise<Located | undefined> {
    const { options, journal, clock } = this.context;
    const recorded = await recordReplyState(options.messages, journal, options.workstationId, id, (outbox) => nextChangeAt(clock, outbox), change);
    // A state written into the copy of a reply away from the replica: one more round pushes it.
    if (recorded?.away && this.context.awayStates) this.again = true;
    return recorded;
  }
}
