/**
 * The mail channel of a workstation (issue 5, ingestion): mailbox accounts, one IMAP fetcher per
 * enabled account, the spool, and the processor that turns spooled mail into documents of the
 * clerk's local database. The workstation service starts it beside the sync:
 *
 *   const mail = await startMailChannel({ db: local.db, dataDir, citizens, route, log });
 *   mail.onStatus((status) => …);  await mail.stop();
 *
 * Files, all under `dataDir`: `mail/accounts.json` (accounts, no passwords), `mail/secrets.json`
 * (passwords, 0600, unless another SecretBox is given), `mail/spool.sqlite` and `mail/raw/` (the
 * spool), `blobs/` (attachments by SHA-256). docs/mail.md.
 */
import path from 'node:path';
import type { RxDatabase } from 'rxdb';
import type { Collections } from '../../core/schemas';
import { backoffDelay, sleep, type BackoffPolicy } from '../sync/backoff';
import { FileSecretBox, MailAccountStore, type MailAccount, type MailAccountInput, type SecretBox } from './accounts';
import { BlobWriter } from './blobs';
import type { CitizenDirectory } from './citizen-directory';
import { ImapFetcher, type FetcherStatus } from './imap-fetcher';
import { MailIngester, type AccountRouter, type BatchReport, type IngesterOptions } from './ingest';
import type { ParsedInbound } from './parse-mail';
import { createParsePool } from './parse-pool';
import { RawPruner, type PruneReport, type RawPrunerOptions } from './raw-retention';
import { MailSpool, type QuarantineEntry, type SpoolDurability, type SpoolState } from './spool';

export type { MailAccount, MailAccountInput, SecretBox } from './accounts';
export { FileSecretBox, MailAccountStore, MailAccountError } from './accounts';
export { SealedFileSecretBox, SEALED_SECRETS_FORMAT } from './sealed-secret-box';
export type { FetcherStatus } from './imap-fetcher';
export type { FinishedCursor, FinishedEntry, QuarantineEntry } from './spool';
export { RAW_RETENTION_MS, type PruneReport } from './raw-retention';
export type { AccountRouter } from './ingest';
export type { CitizenDirectory } from './citizen-directory';
export { defaultRouter } from './ingest';

export type MailChannelOptions = {
  /** The clerk's local database (openLocalDatabase). */
  db: RxDatabase<Collections>;
  /**
   * Citizens by e-mail address, to join a sender to a card a clerk made: the workstation's
   * contact index of this database (main/host/mail/mail-wiring.ts passes it).
   */
  citizens: CitizenDirectory;
  /** The workstation's data folder. */
  dataDir: string;
  /** Where passwords are kept; default a 0600 file (the headless service). The app passes a safeStorage box. */
  secrets?: SecretBox;
  /**
   * Routing of new tickets (core/routing's rules, once wired); default: the account's department.
   * Must be a pure function of the draft, so that every workstation routes one mail alike.
   */
  route?: AccountRouter;
  /** The council's departments and calendars, to move the due date of a ticket a citizen's mail reopens. */
  deadlines?: IngesterOptions['deadlines'];
  /** 'full' (default): raw mail and spool rows fsynced before a message counts as fetched. */
  durability?: SpoolDurability;
  /** Reconnection waits of the fetchers. */
  backoff?: BackoffPolicy;
  /** Messages per processing batch (default 100). */
  batchSize?: number;
  /** The council's own addresses: mail from them is automatic, never a citizen. */
  ownAddresses?: () => readonly string[];
  /** Parses a raw file; default: a pool of `parseWorkers` worker threads. */
  parse?: (file: string) => Promise<ParsedInbound>;
  /** Parser threads (default: one per core up to 2 cores, then one per core but one, at most 4); 0 parses on the service's own thread. */
  parseWorkers?: number;
  /**
   * How long raw messages stay in the spool once they are documents, and what must keep them
   * longer (raw-retention.ts): by default 7 days, pruned in the background every hour.
   */
  rawRetention?: Pick<RawPrunerOptions, 'retentionMs' | 'everyMs' | 'firstRunAfterMs' | 'batch' | 'batchesPerRun' | 'keepAfter' | 'clock'>;
  /** Start no fetcher (tests and tools that only process the spool). */
  fetch?: boolean;
  log?: (line: string) => void;
};

export type MailChannelStatus = {
  accounts: FetcherStatus[];
  /** Spooled messages not yet turned into documents. */
  pending: number;
  spool: Record<SpoolState, number>;
  /** The processor's last problem (the database refused a batch), in words, with its time. */
  lastError?: string;
  lastErrorAt?: number;
};

export type MailChannel = {
  readonly accounts: MailAccountStore;
  readonly spool: MailSpool;
  status(): MailChannelStatus;
  onStatus(listener: (status: MailChannelStatus) => void): () => void;
  /** Adds or changes an account (and its password) and (re)starts its fetcher. */
  saveAccount(input: MailAccountInput, password?: string): Promise<MailAccount>;
  removeAccount(id: string): Promise<void>;
  /** Fetches now (one account, or all). */
  syncNow(accountId?: string): void;
  /** Messages that could not be parsed or stored, with the reason (supervisors see them). */
  quarantine(limit?: number): QuarantineEntry[];
  /** Puts a quarantined message back in line. */
  retryQuarantined(spoolId: number): boolean;
  /** Deletes the raw files past their retention now (the background pruner does it every hour). */
  pruneRaw(): Promise<PruneReport>;
  /** Resolves once every spooled message has been processed (tests, benchmarks, shutdown). */
  drained(): Promise<void>;
  stop(): Promise<void>;
};

export async function startMailChannel(options: MailChannelOptions): Promise<MailChannel> {
  const log = options.log ?? (() => undefined);
  const mailDir = path.join(options.dataDir, 'mail');
  const spool = MailSpool.open(mailDir, options.durability ?? 'full');
  const secrets = options.secrets ?? new FileSecretBox(path.join(mailDir, 'secrets.json'));
  const accounts = new MailAccountStore(mailDir, secrets);
  const blobs = new BlobWriter(path.join(options.dataDir, 'blobs'), { fsync: (options.durability ?? 'full') === 'full' });
  const pool =
    options.parse || options.parseWorkers === 0
      ? undefined
      : createParsePool({ blobsDirectory: blobs.directory, fsync: (options.durability ?? 'full') === 'full', ...(options.parseWorkers !== undefined && { workers: options.parseWorkers }) });
  let accountCache = new Map(accounts.list().map((account) => [account.id, account]));
  const ingester = new MailIngester({
    db: options.db,
    spool,
    blobs,
    citizens: options.citizens,
    account: (id) => accountCache.get(id),
    route: options.route,
    ...(options.deadlines && { deadlines: options.deadlines }),
    ownAddresses: () => [...(options.ownAddresses?.() ?? []), ...[...accountCache.values()].map((account) => account.address)],
    parse: options.parse ?? pool?.parse,
    log,
  });

  const listeners = new Set<(status: MailChannelStatus) => void>();
  const fetchers = new Map<string, ImapFetcher>();
  let lastError: { message: string; at: number } | undefined;
  const status = (): MailChannelStatus => ({
    accounts: [...fetchers.values()].map((fetcher) => fetcher.current),
    pending: spool.db.open ? spool.countPending() : 0,
    spool: spool.db.open ? spool.counts() : { fetched: 0, done: 0, duplicate: 0, quarantined: 0 },
    ...(lastError && { lastError: lastError.message, lastErrorAt: lastError.at }),
  });
  const publish = () => {
    if (listeners.size === 0) return;
    const current = status();
    for (const listener of [...listeners]) listener(current);
  };

  // ── the processor: one batch at a time while the spool has work ──
  let stopped = false;
  const stopping = new AbortController();
  let working: Promise<void> | undefined;
  let again = false;
  const drainWaiters = new Set<() => void>();
  const kick = () => {
    again = true;
    working ??= (async () => {
      let failures = 0;
      while (again && !stopped) {
        again = false;
        try {
          let report: BatchReport;
          do {
            report = await ingester.processBatch(options.batchSize ?? 100);
            if (report.done + report.duplicates + report.quarantined > 0) publish();
          } while (!stopped && report.done + report.duplicates + report.quarantined + report.failed > 0);
          failures = 0;
        } catch (error) {
          lastError = { message: `No se pudo guardar el correo recibido: ${(error as Error).message}`, at: Date.now() };
          log(lastError.message);
          publish();
          again = true;
          await sleep(backoffDelay(failures++, options.backoff ?? { initialMs: 1_000, maxMs: 60_000 }), stopping.signal).catch(() => undefined);
        }
      }
      working = undefined;
      if (!stopped && spool.countPending() > 0) return kick();
      for (const resolve of [...drainWaiters]) resolve();
    })();
  };
  const unsubscribeSpool = spool.onSpooled(kick);

  const startFetcher = (account: MailAccount) => {
    if (options.fetch === false || !account.enabled) return;
    const fetcher = new ImapFetcher({ account, password: () => accounts.password(account.id), spool, backoff: options.backoff, onStatus: publish, log });
    fetchers.set(account.id, fetcher);
    fetcher.start();
  };
  for (const account of accountCache.values()) startFetcher(account);
  kick();
  const pruner = new RawPruner({ spool, log, ...options.rawRetention });
  pruner.start();

  return {
    accounts,
    spool,
    status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async saveAccount(input, password) {
      const account = accounts.save(input, password);
      await fetchers.get(account.id)?.stop();
      fetchers.delete(account.id);
      accountCache = new Map(accounts.list().map((saved) => [saved.id, saved]));
      startFetcher(account);
      publish();
      return account;
    },
    async removeAccount(id) {
      await fetchers.get(id)?.stop();
      fetchers.delete(id);
      accounts.remove(id);
      accountCache = new Map(accounts.list().map((saved) => [saved.id, saved]));
      publish();
    },
    syncNow(accountId) {
      for (const [id, fetcher] of fetchers) if (accountId === undefined || id === accountId) fetcher.syncNow();
    },
    quarantine: (limit) => spool.quarantined(limit),
    retryQuarantined: (spoolId) => spool.retryQuarantined(spoolId),
    pruneRaw: () => pruner.run(),
    drained() {
      if (!working && spool.countPending() === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          drainWaiters.delete(done);
          resolve();
        };
        drainWaiters.add(done);
        kick();
      });
    },
    async stop() {
      stopped = true;
      stopping.abort();
      await Promise.all([...fetchers.values()].map((fetcher) => fetcher.stop()));
      unsubscribeSpool();
      await pruner.stop();
      await working;
      await pool?.close();
      spool.close();
      for (const resolve of [...drainWaiters]) resolve();
    },
  };
}
