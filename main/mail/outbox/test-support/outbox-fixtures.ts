/**
 * For the outbox's tests: a workstation's `messages` collection on our SQLite storage (the same
 * storage, validation and conflict handler as the local database; only `messages`, so several
 * workstations fit in one process under RxDB's open-core limit of 13 collections), reopened from
 * the same folder after a "crash", and an SMTP account for the test server; the per-test bed of
 * an SMTP server, that workstation and its outboxes; a clerk's reply to queue; the outbox's clock
 * and timers in the test's hands.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { messageSchema, type Message } from '../../../../core/schemas/messages';
import { messageConflictHandler } from '../../../../core/sync/conflict-handlers';
import { getRxStorageSqlite } from '../../../store/index';
import { afterEach, beforeEach } from 'vitest';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../test-support/smtp';
import { Outbox, type OutboxOptions, type QueueReplyInput, type SetAlarm } from '../outbox';
import type { SmtpAccount } from '../smtp-transport';

export type TestWorkstation = {
  folder: string;
  db: RxDatabase<{ messages: RxCollection<Message> }>;
  messages: RxCollection<Message>;
  journalFile: string;
  close(): Promise<void>;
};

/** Opens (or reopens) a workstation's messages in `folder`. */
export async function openWorkstationMessages(folder: string, name = 'clerk'): Promise<TestWorkstation> {
  const db = await createRxDatabase<{ messages: RxCollection<Message> }>({
    name,
    storage: wrappedValidateAjvStorage({ storage: getRxStorageSqlite({ directory: folder, durability: 'full' }) }),
    multiInstance: false,
  });
  await db.addCollections({ messages: { schema: messageSchema, conflictHandler: messageConflictHandler } });
  return {
    folder,
    db,
    messages: db.messages,
    journalFile: path.join(folder, `${name}.outbox.sqlite`),
    close: async () => {
      await db.close();
    },
  };
}

export function temporaryFolder(prefix = 'ventanilla-outbox-'): { folder: string; remove: () => void } {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

export function smtpAccount(port: number): SmtpAccount {
  return { host: '127.0.0.1', port, security: 'none', user: 'registro@ayto-villanueva.es', password: 'secreto', timeoutMs: 2_000 };
}

/** The Message-ID header of a received mail, without angle brackets. */
export function messageIdOf(mail: ReceivedMail): string {
  return (mail.headers.get('message-id') ?? '').replace(/^<|>$/g, '');
}

/** Resolves once `predicate` holds for the stored document `id` (RxDB's change stream, no polling). */
export async function waitForDocument(messages: RxCollection<Message>, id: string, predicate: (message: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`message ${id} did not reach the expected state within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = messages.findOne(id).$.subscribe((doc) => {
      const message = doc?.toJSON() as Message | undefined;
      if (message && predicate(message)) {
        clearTimeout(timer);
        queueMicrotask(() => subscription.unsubscribe());
        resolve(message);
      }
    });
  });
}

export type OutboxBed = {
  /** This test's SMTP server. */
  readonly smtp: TestSmtpServer;
  /** This test's workstation: its `messages`, in a folder of its own. */
  readonly workstation: TestWorkstation;
  /**
   * An outbox on the workstation, owned by `ws-oac-centro-3`, sending through the test's SMTP
   * server with short backoff steps (the production policy otherwise), started unless `start` is
   * false; stopped after the test.
   */
  openOutbox(options?: Partial<OutboxOptions>, start?: boolean): Outbox;
  /**
   * Stops the outboxes and closes the database, as a crash would leave them, opens the database
   * again and an outbox on it (`openOutbox(options, start)`).
   */
  restart(options?: Partial<OutboxOptions>, start?: boolean): Promise<Outbox>;
};

/**
 * For each test of the file (or describe block): a real SMTP server, a workstation's `messages`
 * in a temporary folder, and the outboxes the test opens on it — all stopped and removed after it.
 */
export function useOutboxWorkstation(): OutboxBed {
  let smtp: TestSmtpServer | undefined;
  let temp: { folder: string; remove: () => void } | undefined;
  let workstation: TestWorkstation | undefined;
  const outboxes: Outbox[] = [];
  beforeEach(async () => {
    smtp = await startTestSmtpServer();
    temp = temporaryFolder();
    workstation = await openWorkstationMessages(temp.folder);
  });
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((outbox) => outbox.stop()));
    await workstation?.close();
    await smtp?.close();
    temp?.remove();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} starts in beforeEach: use it inside a test`);
    return value;
  };
  const bed: OutboxBed = {
    get smtp() {
      return started(smtp, 'the SMTP server');
    },
    get workstation() {
      return started(workstation, 'the workstation');
    },
    openOutbox(options = {}, start = true) {
      const outbox = new Outbox({
        messages: bed.workstation.messages,
        workstationId: 'ws-oac-centro-3',
        journalFile: bed.workstation.journalFile,
        smtpAccountOf: () => smtpAccount(bed.smtp.port),
        backoff: { initialMs: 50, maxMs: 200 },
        ...options,
      });
      outboxes.push(outbox);
      if (start) outbox.start();
      return outbox;
    },
    async restart(options = {}, start = true) {
      await Promise.all(outboxes.splice(0).map((outbox) => outbox.stop()));
      await bed.workstation.close();
      workstation = await openWorkstationMessages(started(temp, 'the folder').folder);
      return bed.openOutbox(options, start);
    },
  };
  return bed;
}

/** A clerk's reply to a citizen in `ticket`, from the council's registry, as the reply composer queues it. */
export function replyIn(ticket: { id: string; subject: string; citizenId?: string }, fields: Partial<QueueReplyInput> = {}): QueueReplyInput {
  return {
    ticket: { id: ticket.id, reference: '2026-7KQ4-M2XD', citizenId: ticket.citizenId ?? '', subject: ticket.subject },
    to: [{ address: 'ana.ruiz@gmail.com' }],
    from: { address: 'registro@ayto.test' },
    mailDomain: 'ayto.test',
    text: 'Su solicitud está en trámite.',
    ...fields,
  };
}

/** The outbox's timers, in the test's hands: the clock it reads and the waits it asks for. */
export function manualTime(start = Date.UTC(2026, 10, 30, 8)) {
  let now = start;
  let pending: { delayMs: number; wake: () => void } | undefined;
  const setAlarm: SetAlarm = (wake, delayMs) => {
    const alarm = { delayMs, wake };
    pending = alarm;
    return () => {
      if (pending === alarm) pending = undefined;
    };
  };
  return {
    clock: () => now,
    setAlarm,
    /** The wait the outbox asked for last, in ms (undefined: it waits for nothing). */
    get waiting(): number | undefined {
      return pending?.delayMs;
    },
    /** Lets the wait run out: the clock moves on by it, and the outbox's round runs to its end. */
    async elapse(outbox: Outbox): Promise<number> {
      const alarm = pending;
      if (!alarm) throw new Error('the outbox waits for nothing');
      pending = undefined;
      now += alarm.delayMs;
      alarm.wake();
      await outbox.idle();
      return alarm.delayMs;
    },
  };
}
