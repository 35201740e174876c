/**
 * A workstation's mail channel for tests: a local database in a temporary folder and the channel
 * started on it, with one account on a test Dovecot. One per test file process at a time: RxDB
 * open-core opens at most 13 collections per process and a workstation opens 8.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLocalDatabase, type LocalDatabase } from '../../store/local-database';
import { startMailChannel, type MailAccount, type MailChannel, type MailChannelOptions } from '../index';
import type { DovecotUser, TestDovecot } from './dovecot';

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
  const local = await openLocalDatabase({ directory: dataDir, name: 'clerk', durability: 'normal' });
  const user = options.user ?? dovecot.users[0]!;
  let mail: MailChannel;
  try {
    mail = await startMailChannel({ db: local.db, dataDir, durability: 'normal', backoff: { initialMs: 100, maxMs: 1_000 }, ...options });
  } catch (error) {
    await local.close();
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
