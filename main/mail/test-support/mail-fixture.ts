/**
 * A workstation's mail channel for tests: a local database in a temporary folder, the replica's
 * contact index and the channel started on it, with one account on a test Dovecot; and the
 * fixtures that start a Dovecot (and a workstation) for the tests of a file and clean up after.
 * One workstation per test file process at a time: RxDB open-core opens at most 13 collections
 * per process and a workstation opens 8.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { MailAccountForm } from '../../../core/app-api';
import { openLocalDatabase, type LocalDatabase } from '../../store/local-database';
import { startMailChannel, type MailAccount, type MailChannel, type MailChannelOptions } from '../index';
import { openCitizenDirectory } from './citizen-directory';
import { startDovecot, type DovecotUser, type TestDovecot } from './dovecot';

export type MailWorkstation = {
  readonly dataDir: string;
  readonly local: LocalDatabase;
  readonly mail: MailChannel;
  readonly account: MailAccount;
  /** Stops the channel and closes the database (the folder stays, for a restart). */
  stop(): Promise<void>;
  /** Stops and removes the folder. */
  close(): Promise<void>;
};

export type MailWorkstationOptions = Partial<Omit<MailChannelOptions, 'db' | 'dataDir'>> & {
  dataDir?: string;
  user?: DovecotUser;
  /** The folder ingested (INBOX by default). */
  folder?: string;
  defaultDepartmentId?: string;
  pollSeconds?: number;
  batchSize?: number;
  /** Flag ingested mail \Seen (off by default, as for a real account). */
  markSeen?: boolean;
};

export async function startMailWorkstation(dovecot: TestDovecot, options: MailWorkstationOptions = {}): Promise<MailWorkstation> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'ventanilla-mail-'));
  // A folder made here goes with a start that fails (another workstation still open in this process).
  const removeMade = () => {
    if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  let local: LocalDatabase;
  try {
    local = await openLocalDatabase({ directory: dataDir, name: 'clerk', durability: 'normal' });
  } catch (error) {
    removeMade();
    throw error;
  }
  const user = options.user ?? dovecot.users[0]!;
  const directory = openCitizenDirectory(local.db, dataDir);
  let mail: MailChannel;
  try {
    mail = await startMailChannel({ db: local.db, dataDir, citizens: directory, durability: 'normal', backoff: { initialMs: 100, maxMs: 1_000 }, ...options });
  } catch (error) {
    directory.close();
    await local.close();
    removeMade();
    throw error;
  }
  const existing = mail.accounts.list()[0];
  const account =
    existing ??
    (await mail.saveAccount(
      {
        name: 'Registro General',
        host: dovecot.host,
        port: dovecot.port,
        security: 'none',
        user: user.user,
        address: user.user,
        ...(options.folder && { folder: options.folder }),
        defaultDepartmentId: options.defaultDepartmentId ?? 'urbanismo',
        options: { pollSeconds: options.pollSeconds ?? 30, batchSize: options.batchSize ?? 50, markSeen: options.markSeen ?? false },
      },
      user.password,
    ));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await mail.stop();
    directory.close();
    await local.close();
  };
  return {
    dataDir,
    local,
    mail,
    account,
    stop,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `test()` holds, checking every 50 ms; rejects after `timeoutMs` saying what it waited for. */
export async function waitUntil(test: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once `count` messages are spooled and every one of them processed. */
export async function ingested(mail: MailChannel, count: number, timeoutMs = 60_000): Promise<void> {
  await waitUntil(
    () => {
      const { spool } = mail.status();
      return spool.done + spool.duplicate + spool.quarantined >= count && spool.fetched === 0;
    },
    `${count} messages ingested (status ${JSON.stringify(mail.status())})`,
    timeoutMs,
  );
}

export type DovecotBedOptions = {
  users?: DovecotUser[];
  /** Folders made for the first user besides INBOX (e.g. 'Registro', 'Enviados'). */
  folders?: readonly string[];
  /** Anything else before the tests (a mailbox to fill). */
  prepare?: (dovecot: TestDovecot) => unknown;
};

export type DovecotBed = {
  /** The file's Dovecot (started before its tests; read it inside a test or a hook). */
  readonly dovecot: TestDovecot;
  /** Starts a workstation's mail channel on it; whatever a test leaves running is closed after the file's tests. */
  startWorkstation(options?: MailWorkstationOptions): Promise<MailWorkstation>;
};

/**
 * A Dovecot for the tests of one file: started before them (then `prepare`, e.g. a mailbox to
 * fill), stopped after them with every workstation started through it. Call it at the top of the
 * file; the tests then say only what they are about.
 */
export function useDovecot(options: DovecotBedOptions = {}): DovecotBed {
  let dovecot: TestDovecot | undefined;
  const started: MailWorkstation[] = [];
  beforeAll(async () => {
    dovecot = await startDovecot(options.users ? { users: options.users } : {});
    if (options.folders?.length) {
      const client = await dovecot.client();
      try {
        for (const folder of options.folders) await client.mailboxCreate(folder);
      } finally {
        await client.logout();
      }
    }
    await options.prepare?.(dovecot);
  }, 60_000);
  afterAll(async () => {
    for (const workstation of started) await workstation.close();
    await dovecot?.close();
  });
  const bed: DovecotBed = {
    get dovecot() {
      if (!dovecot) throw new Error('the test Dovecot starts in beforeAll: use it inside a test or a hook');
      return dovecot;
    },
    async startWorkstation(workstationOptions) {
      const workstation = await startMailWorkstation(bed.dovecot, workstationOptions);
      started.push(workstation);
      return workstation;
    },
  };
  return bed;
}

export type MailWorkstationBed = DovecotBed & {
  /** The file's workstation, started on the Dovecot before its tests (read it inside a test). */
  readonly workstation: MailWorkstation;
};

/**
 * A Dovecot and one workstation's mail channel on it for the tests of one file, started before
 * them (the workstation with `options`, then `ready` awaited, e.g. the fetcher idling) and closed
 * after them.
 */
export function useMailWorkstation(options: MailWorkstationOptions & DovecotBedOptions & { ready?: (workstation: MailWorkstation) => Promise<void> } = {}): MailWorkstationBed {
  const { users, folders, prepare, ready, ...workstationOptions } = options;
  const bed = useDovecot({ ...(users && { users }), ...(folders && { folders }), ...(prepare && { prepare }) });
  let workstation: MailWorkstation | undefined;
  beforeAll(async () => {
    workstation = await bed.startWorkstation(workstationOptions);
    await ready?.(workstation);
  }, 60_000);
  return {
    get dovecot() {
      return bed.dovecot;
    },
    startWorkstation: bed.startWorkstation,
    get workstation() {
      if (!workstation) throw new Error('the test workstation starts in beforeAll: use it inside a test or a hook');
      return workstation;
    },
  };
}

/** A plain-text mail as a citizen's client writes it, CRLF line ends. */
export function plainMail(fields: { from: string; subject: string; messageId: string; text?: string; to?: string; headers?: Record<string, string> }): string {
  const headers = { From: fields.from, To: fields.to ?? 'registro@ayto.test', Subject: fields.subject, 'Message-ID': `<${fields.messageId}>`, ...fields.headers };
  return `${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n${fields.text ?? fields.subject}\r\n`;
}

/**
 * The settings screen's form of a mailbox on the test Dovecot, sending through the test SMTP
 * server on `smtpPort` (what a supervisor types in, and the headless service's accounts file holds).
 */
export function mailAccountForm(dovecot: TestDovecot, user: DovecotUser, smtpPort: number, overrides: Partial<MailAccountForm> = {}): MailAccountForm {
  return {
    name: 'Registro General',
    address: user.user,
    host: dovecot.host,
    port: dovecot.port,
    security: 'none',
    user: user.user,
    password: user.password,
    defaultDepartmentId: '',
    smtp: { host: '127.0.0.1', port: smtpPort, security: 'none', user: '' },
    ...overrides,
  };
}
