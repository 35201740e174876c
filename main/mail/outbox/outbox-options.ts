/**
 * What an outbox is made of (outbox.ts) and the schedule it keeps: the options the workstation's
 * mail wiring passes, and the production timings. Shared by the outbox and its sender
 * (outbox-sender.ts), which both read them.
 */
import type { RxCollection } from 'rxdb';
import type { Message } from '../../../core/schemas/messages';
import type { BackoffPolicy } from '../../sync/backoff';
import type { AwayStatePublisher } from './away-states';
import type { SentCopyLookup } from './interrupted-send';
import type { OpenAttachment, SmtpAccount } from './smtp-transport';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * 30 s, 1 min, 2 min … up to one hour between attempts, with jitter (main/sync/backoff.ts): the
 * SMTP sends of a reply, and the pushes of the states of replies away from the replica.
 */
export const OUTBOX_BACKOFF: BackoffPolicy = { initialMs: 30_000, maxMs: 60 * 60_000 };
/** SMTP servers keep trying for days (RFC 5321 §4.5.4.1 suggests 4–5); a citizen's answer that late is a failure to show. */
export const OUTBOX_GIVE_UP_AFTER_MS = 3 * DAY_MS;
/** How long this outbox remembers the automatic answers it sent, to notice one sent twice. */
export const DOUBLE_SEND_WATCH_MS = 7 * DAY_MS;

/**
 * Calls `wake` once after `delayMs`; the function it returns cancels the call. The outbox waits for
 * its next round through it, so tests can see each wait it asks for and end it themselves,
 * without waiting real time.
 */
export type SetAlarm = (wake: () => void, delayMs: number) => () => void;

/** `setTimeout`, not keeping the process alive for an outbox with nothing due before it ends. */
export const timerAlarm: SetAlarm = (wake, delayMs) => {
  const timer = setTimeout(wake, delayMs);
  timer.unref?.();
  return () => clearTimeout(timer);
};

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
  /** The waits between failed attempts, of SMTP sends and of away-state pushes (default OUTBOX_BACKOFF). */
  backoff?: BackoffPolicy;
  giveUpAfterMs?: number;
  clock?: () => number;
  /** The jitter of the backoff (default Math.random). */
  random?: () => number;
  /** How the outbox waits for its next round (default `timerAlarm`). */
  setAlarm?: SetAlarm;
  log?: (line: string) => void;
  /** For tests of a crash between SMTP's answer and the database write. */
  faults?: { afterSmtpAccepted?: (message: Message) => Promise<void> };
};
