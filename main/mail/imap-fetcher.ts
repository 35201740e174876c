/**
 * One mailbox account's IMAP fetcher (imapflow): raw messages into the spool, nothing else.
 *
 * - The folder is opened read-only (EXAMINE) unless the account asks to flag mail \Seen: mail is
 *   never deleted, moved or flagged by default (issue 5; Zammad's default deletes it).
 * - New mail: everything above the last UID spooled, `uid > last` filtered by hand (`UID FETCH
 *   n:*` returns the last message again when n is above the highest UID, shared/NOTES.md).
 * - UIDVALIDITY is compared with the stored one; a change starts the folder over from UID 1
 *   (what was ingested already is recognised by Message-ID, so nothing doubles).
 * - CONDSTORE where offered: an unchanged HIGHESTMODSEQ and UIDNEXT mean nothing to fetch.
 * - IDLE for new mail (Dovecot says so ~0.5 s after delivery), a poll every `pollSeconds` as the
 *   fallback and safety net, and imapflow's NOOP polling where the server has no IDLE.
 * - Batches by count and bytes; a large message is streamed to disk (`download`), never held
 *   whole in memory. Each batch is recorded with the new last UID in one transaction, so a
 *   back-fill resumes where it stopped; progress is reported as n of m.
 * - imapflow never reconnects by itself: a dropped connection or a failed connect is retried with
 *   backoff (main/sync/backoff.ts), and the status says what is wrong, in Spanish, for the clerk.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import { RetryGate, type BackoffPolicy } from '../sync/backoff';
import type { MailAccount } from './accounts';
import { fsyncFile, type MailSpool, type SpooledMessage } from './spool';
import { describeImapError } from './imap-errors';

export type FetcherState = 'connecting' | 'fetching' | 'idle' | 'waiting' | 'stopped';

export type FetcherStatus = {
  accountId: string;
  state: FetcherState;
  /** Connected and the folder open. */
  connected: boolean;
  /** The last problem, in words (Spanish), kept after recovery with its time. */
  lastError?: string;
  lastErrorAt?: number;
  lastFetchAt?: number;
  /** Messages spooled in the current (or last) fetch pass, of how many it found. */
  progress?: { done: number; total: number };
  /** Whether the server offered IDLE and CONDSTORE on the last connection. */
  idle?: boolean;
  condstore?: boolean;
};

export type FetcherOptions = {
  account: MailAccount;
  password: () => string | undefined;
  spool: MailSpool;
  backoff?: BackoffPolicy;
  /** Messages above this size are streamed to disk one by one. */
  streamAboveBytes?: number;
  /** Most bytes fetched in one batch of small messages. */
  batchBytes?: number;
  onStatus(status: FetcherStatus): void;
  log?: (line: string) => void;
};

const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000 };

/** A message as the listing FETCH gives it. */
type Listed = { uid: number; size: number; internalDate: number };

export class ImapFetcher {
  private status: FetcherStatus;
  private stopped = false;
  private client: ImapFlow | undefined;
  private readonly gate: RetryGate;
  private wake: (() => void) | undefined;
  private pendingWake = false;
  private running: Promise<void> | undefined;

  constructor(private readonly options: FetcherOptions) {
    this.status = { accountId: options.account.id, state: 'stopped', connected: false };
    this.gate = new RetryGate(options.backoff ?? DEFAULT_BACKOFF);
  }

  get current(): FetcherStatus {
    return this.status;
  }

  start(): void {
    this.stopped = false;
    this.running ??= this.run();
  }

  /** Fetches now: wakes the idle wait, or the backoff wait after a failure. */
  syncNow(): void {
    this.pendingWake = true;
    this.wake?.();
    this.gate.wakeAll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.gate.wakeAll();
    const client = this.client;
    if (client) {
      // LOGOUT politely when the connection is healthy; close() at once if it does not answer.
      await Promise.race([client.logout().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      client.close();
    }
    await this.running;
    this.running = undefined;
    this.update({ state: 'stopped', connected: false });
  }

  private update(change: Partial<FetcherStatus>): void {
    this.status = { ...this.status, ...change };
    this.options.onStatus(this.status);
  }

  private async run(): Promise<void> {
    const { account } = this.options;
    for (let attempt = 0; !this.stopped; ) {
      this.update({ state: 'connecting', connected: false });
      const client = new ImapFlow({
        host: account.host,
        port: account.port,
        secure: account.security === 'tls',
        doSTARTTLS: account.security === 'starttls' ? true : account.security === 'none' ? false : undefined,
        auth: { user: account.user, pass: this.options.password() ?? '' },
        logger: false,
        disableAutoIdle: true,
        // Restart IDLE every 5 minutes: servers and NAT boxes drop a silent connection long before
        // the 29 minutes RFC 2177 allows.
        maxIdleTime: 5 * 60_000,
        connectionTimeout: 30_000,
        greetingTimeout: 16_000,
        socketTimeout: 10 * 60_000,
        clientInfo: { name: 'Ventanilla' },
      });
      this.client = client;
      // An 'error' event without a listener would crash the process; the 'close' that follows ends the session.
      client.on('error', (error: Error) => this.options.log?.(`IMAP ${account.id}: ${error.message}`));
      try {
        await client.connect();
        attempt = 0;
        await this.session(client);
      } catch (error) {
        if (!this.stopped) {
          const words = describeImapError(error, account);
          this.options.log?.(`IMAP ${account.id}: ${words}`);
          this.update({ lastError: words, lastErrorAt: Date.now() });
        }
      } finally {
        client.close();
        this.client = undefined;
      }
      if (this.stopped) break;
      this.update({ state: 'waiting', connected: false });
      await this.gate.wait(attempt++).catch(() => undefined);
    }
  }

  /** One connection's life: open the folder, fetch, wait for news, fetch again… until it closes. */
  private async session(client: ImapFlow): Promise<void> {
    const { account } = this.options;
    let closed = false;
    const closing = new Promise<void>((resolve) =>
      client.once('close', () => {
        closed = true;
        resolve();
      }),
    );
    client.on('exists', () => this.syncNow());
    await client.mailboxOpen(account.folder, { readOnly: !account.options.markSeen });
    this.update({ connected: true, idle: client.capabilities.has('IDLE'), condstore: client.capabilities.has('CONDSTORE') });
    this.pendingWake = true;
    let firstPass = true;
    while (!this.stopped && !closed) {
      if (this.pendingWake) {
        this.pendingWake = false;
        this.update({ state: 'fetching' });
        await this.fetchNew(client, firstPass);
        firstPass = false;
        this.update({ state: 'idle', lastFetchAt: Date.now() });
        continue;
      }
      // IDLE until new mail, the poll interval, a "sync now", a stop or the connection's end.
      // Any next command ends the IDLE first (imapflow does that itself).
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      const poll = setTimeout(() => this.syncNow(), account.options.pollSeconds * 1000);
      void client.idle().catch(() => undefined);
      await Promise.race([woken, closing]);
      clearTimeout(poll);
      this.wake = undefined;
    }
    if (closed && !this.stopped) throw Object.assign(new Error('connection closed'), { code: 'NoConnection' });
  }

  /**
   * Spools every message above the last UID. `justSelected`: the folder was opened for this pass,
   * so imapflow's UIDNEXT and HIGHESTMODSEQ are the server's current ones (later they are the
   * values of the SELECT: EXISTS notifications do not refresh them) and may be compared and kept.
   */
  private async fetchNew(client: ImapFlow, justSelected: boolean): Promise<void> {
    const { account, spool } = this.options;
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error(`No mailbox selected`);
    let state = spool.folderState(account.id, account.folder);
    if (!state || state.uidValidity !== mailbox.uidValidity) {
      if (state) this.options.log?.(`IMAP ${account.id}: UIDVALIDITY of ${account.folder} changed from ${state.uidValidity} to ${mailbox.uidValidity}; taking the folder again from UID 1`);
      spool.resetFolder(account.id, account.folder, mailbox.uidValidity);
      state = spool.folderState(account.id, account.folder)!;
    }
    const last = state.lastUid;
    // CONDSTORE: nothing changed in the folder since every message up to the last UID was spooled.
    if (justSelected && state.highestModseq !== undefined && mailbox.highestModseq !== undefined && state.highestModseq === mailbox.highestModseq && mailbox.uidNext - 1 <= last) return;
    if (mailbox.exists === 0) return;

    const found = await this.list(client, last);
    const total = found.length;
    // A pass of more than one batch is a back-fill (a new account, days offline): its mail is
    // processed after new mail, which is fetched between its batches (see takeNewMail).
    const backfill = total > account.options.batchSize;
    let listedTop = found[found.length - 1]?.uid ?? last;
    this.update({ progress: { done: 0, total } });
    let done = 0;
    while (found.length > 0 && !this.stopped) {
      const batch: Listed[] = [];
      let bytes = 0;
      while (found.length > 0 && batch.length < account.options.batchSize && (batch.length === 0 || bytes + found[0]!.size <= this.batchBytes)) {
        const next = found.shift()!;
        batch.push(next);
        bytes += next.size;
      }
      // Taken ahead of the back-fill already (new mail, or a pass cut short): not again.
      const already = spool.spooledUids(account.id, account.folder, state.uidValidity, batch.map((message) => message.uid));
      const written = await this.download(client, state.uidValidity, batch.filter((message) => !already.has(message.uid)));
      spool.record(account.id, account.folder, state.uidValidity, written, batch[batch.length - 1]!.uid, { backfill });
      if (account.options.markSeen) await client.messageFlagsAdd(batch.map((message) => message.uid).join(','), ['\\Seen'], { uid: true });
      done += batch.length;
      this.update({ progress: { done, total } });
      if (backfill && this.pendingWake && found.length > 0) listedTop = await this.takeNewMail(client, state.uidValidity, listedTop);
    }
    if (justSelected && found.length === 0 && mailbox.highestModseq !== undefined) spool.setHighestModseq(account.id, account.folder, mailbox.highestModseq);
  }

  private get batchBytes(): number {
    return this.options.batchBytes ?? 32 * 1024 * 1024;
  }

  /** Every message above `last`: UID, size and INTERNALDATE, by UID. */
  private async list(client: ImapFlow, last: number): Promise<Listed[]> {
    const found: Listed[] = [];
    for await (const message of client.fetch(`${last + 1}:*`, { uid: true, size: true, internalDate: true }, { uid: true })) {
      // `UID FETCH n:*` gives the last message again when nothing is above n (NOTES.md).
      if (message.uid > last) found.push({ uid: message.uid, size: message.size ?? 0, internalDate: dateOf(message) });
    }
    return found.sort((a, b) => a.uid - b.uid);
  }

  /**
   * New mail that arrived during a back-fill, spooled at once ahead of it: everything above the
   * UIDs the back-fill listed. The folder's last UID does not move (the back-fill below is not
   * done); when the back-fill reaches these UIDs it finds them spooled and skips them.
   */
  private async takeNewMail(client: ImapFlow, uidValidity: bigint, listedTop: number): Promise<number> {
    const { account, spool } = this.options;
    this.pendingWake = false;
    const fresh = (await this.list(client, listedTop)).filter((message) => message.size <= this.batchBytes);
    if (fresh.length === 0) return listedTop;
    const written = await this.download(client, uidValidity, fresh);
    const current = spool.folderState(account.id, account.folder)?.lastUid ?? 0;
    spool.record(account.id, account.folder, uidValidity, written, current);
    this.options.log?.(`IMAP ${account.id}: ${written.length} new message(s) taken ahead of the back-fill`);
    return fresh[fresh.length - 1]!.uid;
  }

  /** Writes a batch's raw messages to the spool folder; returns what was written. */
  private async download(client: ImapFlow, uidValidity: bigint, batch: Listed[]): Promise<SpooledMessage[]> {
    const { account, spool } = this.options;
    if (batch.length === 0) return [];
    const streamAbove = this.options.streamAboveBytes ?? 8 * 1024 * 1024;
    const fileOf = (uid: number) => spool.rawFileOf(account.id, account.folder, uidValidity, uid);
    mkdirSync(path.dirname(fileOf(batch[0]!.uid)), { recursive: true });
    const written: SpooledMessage[] = [];
    const small = batch.filter((message) => message.size <= streamAbove);
    const meta = new Map(batch.map((message) => [message.uid, message]));
    if (small.length > 0) {
      // Files are written (and fsynced) while the FETCH goes on, all at once: the disk merges
      // concurrent flushes, one after another they would cost a disk round trip each. The batch's
      // byte bound keeps what is held in memory small.
      const writes: Promise<void>[] = [];
      for await (const message of client.fetch(small.map((m) => m.uid).join(','), { uid: true, source: true }, { uid: true })) {
        const source = message.source;
        if (!source || !meta.has(message.uid)) continue;
        const file = fileOf(message.uid);
        writes.push(writeRaw(file, source, spool.durability === 'full'));
        written.push({ uid: message.uid, internalDate: meta.get(message.uid)!.internalDate, size: source.length, rawFile: file });
      }
      await Promise.all(writes);
    }
    for (const message of batch.filter((m) => m.size > streamAbove)) {
      const download = await client.download(String(message.uid), undefined, { uid: true });
      if (!download.content) continue;
      const file = fileOf(message.uid);
      await pipeline(download.content, createWriteStream(file));
      if (spool.durability === 'full') fsyncFile(file);
      written.push({ uid: message.uid, internalDate: message.internalDate, size: message.size, rawFile: file });
    }
    // A message expunged between listing and fetching is simply not there: the last UID still
    // moves past it, and it is gone from the server anyway.
    return written.sort((a, b) => a.uid - b.uid);
  }
}

async function writeRaw(file: string, source: Buffer, fsync: boolean): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(source);
    if (fsync) await handle.sync();
  } finally {
    await handle.close();
  }
}

function dateOf(message: FetchMessageObject): number {
  const value = message.internalDate;
  const time = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(time) && time >= 0 ? time : 0;
}
