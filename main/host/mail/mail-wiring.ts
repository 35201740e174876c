/**
 * The mail channel of a signed-in workstation, wired (issues 5 and 6): ingestion routed by the
 * council's rules, the outbox that sends replies and automatic answers, the attachments' upload
 * queue, and what the settings screen asks of them. One per open replica: the service starts it
 * when a clerk signs in (central or local) and stops it on sign-out or close.
 *
 * Files, under `directory` (one per replica, beside it): what main/mail keeps (`mail/`, `blobs/`),
 * `mail/smtp.json` (sending), `mail/outbox.sqlite` (the outbox journal), `mail/uploads.sqlite`
 * (attachments waiting for the server), `mail/after-ingest.json`. docs/mail.md, Wiring.
 */
import { createReadStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Subscription } from 'rxjs';
import type { RxDatabase } from 'rxdb';
import type { MailAccountForm, MailAccountView, MailStatusView, OutboxView, QuarantineView } from '../../../core/app-api';
import type { Collections } from '../../../core/schemas';
import { BlobClient, BlobStore, BlobUploadQueue } from '../../blobs';
import { startMailChannel, type FinishedCursor, type MailChannel, type MailChannelOptions, type SecretBox, FileSecretBox } from '../../mail';
import { Outbox, centralServerPublisher, imapSentCopyLookup, type OutboxStatus } from '../../mail/outbox';
import type { BackoffPolicy } from '../../sync/backoff';
import type { FetchFunction } from '../../sync/server-client';
import { ContactIndex } from '../contact-index';
import { CouncilRouting } from './council-routing';
import { AfterIngest } from './new-mail-tickets';
import { SmtpSettingsStore, smtpDefaultsOf } from './smtp-settings';
import { testMailAccount } from './connection-test';

export type MailWiringOptions = {
  db: RxDatabase<Collections>;
  /** This replica's mail folder. */
  directory: string;
  workstationId: string;
  councilName: () => string;
  /**
   * The replica's contact index (the session's, workstation-session.ts): ingestion asks it which
   * citizens list a sender's address. Without one (the headless service) the wiring keeps its own,
   * `mail/contacts.sqlite`, and closes it on stop.
   */
  contacts?: ContactIndex;
  /**
   * Where mail passwords are kept: a box, or the box of a mail folder (the Electron app's sealed
   * box, shell-secrets.ts). Default: the owner-only file `mail/secrets.json`.
   */
  secrets?: SecretBox | ((mailDirectory: string) => SecretBox);
  /** The central server, for the attachments' uploads; absent in a local-only office. */
  central?: { serverUrl: string; accessToken: () => Promise<string>; fetch?: FetchFunction };
  /** Whether a clerk counts as working for automatic assignment (default: active and not away). */
  isWorking?: (userId: string) => boolean;
  /** Passed to startMailChannel (tests: backoff, parse workers, durability). */
  channel?: Pick<MailChannelOptions, 'backoff' | 'parseWorkers' | 'durability' | 'batchSize' | 'rawRetention'>;
  outboxBackoff?: BackoffPolicy;
  onStatus?: (status: MailStatusView) => void;
  log?: (line: string) => void;
};

export type MailWiring = {
  readonly channel: MailChannel;
  readonly outbox: Outbox;
  readonly routing: CouncilRouting;
  readonly afterIngest: AfterIngest;
  status(): MailStatusView;
  accounts(): MailAccountView[];
  saveAccount(form: MailAccountForm): Promise<MailAccountView>;
  removeAccount(id: string): Promise<void>;
  testAccount(form: MailAccountForm): ReturnType<typeof testMailAccount>;
  quarantine(limit?: number): QuarantineView[];
  /** The central server is reachable: upload what waits, push the outbox's waiting states (the sync calls it when it goes online). */
  drainUploads(): Promise<void>;
  stop(): Promise<void>;
};

/** A failure the screen shows as it is (bad input, an unknown id). */
export class MailSettingsError extends Error {
  override readonly name = 'MailSettingsError';
  constructor(
    readonly code: 'bad_request' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

function outboxView(status: OutboxStatus): OutboxView {
  return { ...status, items: status.items.map((item) => ({ ...item })) };
}

export async function startMailWiring(options: MailWiringOptions): Promise<MailWiring> {
  const log = options.log ?? (() => undefined);
  const mailDir = path.join(options.directory, 'mail');
  const secrets = typeof options.secrets === 'function' ? options.secrets(mailDir) : (options.secrets ?? new FileSecretBox(path.join(mailDir, 'secrets.json')));
  const smtp = new SmtpSettingsStore(mailDir, secrets);
  const routing = await CouncilRouting.start(options.db);
  const stops: (() => Promise<void> | void)[] = [() => routing.stop()];
  let contacts = options.contacts;
  if (!contacts) {
    mkdirSync(mailDir, { recursive: true });
    const own = ContactIndex.open(path.join(mailDir, 'contacts.sqlite'), options.db.citizens, (error) => log(`contact index: ${error instanceof Error ? error.message : String(error)}`));
    // Closed last: the channel's processor may still be asking it while it stops.
    stops.push(() => own.close());
    contacts = own;
  }
  const index = contacts;
  const subscriptions: Subscription[] = [];
  // Raw mail after AfterIngest's position is still to be read (its headers decide an automatic answer).
  let afterIngestPosition: (() => FinishedCursor) | undefined;
  try {
    const channel = await startMailChannel({
      db: options.db,
      dataDir: options.directory,
      citizens: { citizensWithEmail: (address) => index.citizensOf('email', address) },
      secrets,
      rawRetention: { ...options.channel?.rawRetention, keepAfter: () => afterIngestPosition?.() ?? { finishedAt: 0, id: 0 } },
      route: routing.route,
      deadlines: () => routing.current,
      ownAddresses: () => routing.mailAliases(),
      log,
      ...options.channel,
    });
    stops.unshift(() => channel.stop());
    const blobStore = await BlobStore.open(path.join(options.directory, 'blobs'));
    const accountOf = (mailbox: string) => channel.accounts.list().find((account) => account.address === mailbox.toLowerCase());
    const outbox = new Outbox({
      messages: options.db.messages,
      workstationId: options.workstationId,
      journalFile: path.join(mailDir, 'outbox.sqlite'),
      smtpAccountOf: (mailbox) => {
        const account = accountOf(mailbox);
        return account ? smtp.smtpAccountOf(account, channel.accounts.password(account.id)) : undefined;
      },
      // Attachments of replies are blobs this workstation holds (a clerk attaches from here).
      openAttachment: (attachment) => Promise.resolve(createReadStream(blobStore.pathOf(attachment.sha256))),
      sentCopyLookup: imapSentCopyLookup((mailbox) => {
        const account = accountOf(mailbox);
        return account ? { host: account.host, port: account.port, security: account.security, user: account.user, password: channel.accounts.password(account.id) ?? '' } : undefined;
      }),
      ...(options.outboxBackoff && { backoff: options.outboxBackoff }),
      // A reply whose ticket left this replica still brings its state to the central server.
      ...(options.central && { publishAwayState: centralServerPublisher(options.central) }),
      log: (line) => log(`outbox: ${line}`),
    });
    stops.unshift(() => outbox.stop());
    // Replies the screens write go straight into the database (renderer/data/reply.ts): the
    // started outbox adopts those that are its own to send (Outbox.adopt).
    const uploads = options.central ? BlobUploadQueue.open(path.join(mailDir, 'uploads.sqlite')) : undefined;
    if (uploads) stops.push(() => uploads.close());
    const blobClient = options.central ? new BlobClient({ serverUrl: options.central.serverUrl, store: blobStore, accessToken: options.central.accessToken, ...(options.central.fetch && { fetch: options.central.fetch }) }) : undefined;

    const users = () => routing.current.users;
    const afterIngest = new AfterIngest({
      db: options.db,
      mail: channel,
      outbox,
      routing,
      dataDir: options.directory,
      councilName: options.councilName,
      ...(uploads && { enqueueBlob: (sha256: string) => uploads.enqueue(sha256) }),
      isWorking: options.isWorking ?? ((userId) => users().some((user) => user.id === userId && user.active && !user.away)),
      log,
    });
    stops.unshift(() => afterIngest.stop());
    afterIngestPosition = () => afterIngest.position;

    let outboxStatus: OutboxStatus = { queued: 0, sending: 0, failed: 0, mailServer: 'unknown', items: [] };
    const status = (): MailStatusView => {
      const current = channel.status();
      return {
        running: true,
        accounts: current.accounts.map((account) => ({
          accountId: account.accountId,
          state: account.state,
          connected: account.connected,
          ...(account.lastError !== undefined && { lastError: account.lastError }),
          ...(account.lastErrorAt !== undefined && { lastErrorAt: account.lastErrorAt }),
          ...(account.lastFetchAt !== undefined && { lastFetchAt: account.lastFetchAt }),
          ...(account.progress && { progress: { ...account.progress } }),
        })),
        pending: current.pending,
        quarantined: current.spool.quarantined,
        ...(current.lastError !== undefined && { lastError: current.lastError }),
        ...(current.lastErrorAt !== undefined && { lastErrorAt: current.lastErrorAt }),
        outbox: outboxView(outboxStatus),
      };
    };
    const publish = () => options.onStatus?.(status());
    const unsubscribeStatus = channel.onStatus(publish);
    stops.unshift(unsubscribeStatus);
    subscriptions.push(
      outbox.outboxStatus$.subscribe((next) => {
        outboxStatus = next;
        publish();
      }),
    );
    outbox.start();

    const view = (id: string): MailAccountView => {
      const account = channel.accounts.get(id);
      if (!account) throw new MailSettingsError('not_found', `No existe la cuenta de correo ${id}`);
      const own = smtp.get(id);
      return {
        id: account.id,
        name: account.name,
        address: account.address,
        host: account.host,
        port: account.port,
        security: account.security,
        user: account.user,
        folder: account.folder,
        defaultDepartmentId: account.defaultDepartmentId,
        enabled: account.enabled,
        hasPassword: channel.accounts.password(id) !== undefined,
        smtp: own ?? smtpDefaultsOf(account),
        smtpConfigured: own !== undefined,
        smtpHasPassword: smtp.hasPassword(id),
      };
    };

    let draining: Promise<void> | undefined;
    let stopped = false;
    return {
      channel,
      outbox,
      routing,
      afterIngest,
      status,
      accounts: () => channel.accounts.list().map((account) => view(account.id)),
      async saveAccount(form) {
        if (form.id !== undefined && !channel.accounts.get(form.id)) throw new MailSettingsError('not_found', `No existe la cuenta de correo ${form.id}`);
        if (form.id === undefined && form.password === undefined) throw new MailSettingsError('bad_request', 'Falta la contraseña del buzón');
        if (form.defaultDepartmentId && !routing.current.departments.some((department) => department.id === form.defaultDepartmentId)) {
          throw new MailSettingsError('bad_request', `No existe el departamento ${form.defaultDepartmentId}`);
        }
        const account = await channel.saveAccount(
          {
            ...(form.id !== undefined && { id: form.id }),
            name: form.name,
            address: form.address,
            host: form.host,
            port: form.port,
            security: form.security,
            user: form.user,
            ...(form.folder !== undefined && { folder: form.folder }),
            defaultDepartmentId: form.defaultDepartmentId,
            ...(form.enabled !== undefined && { enabled: form.enabled }),
          },
          form.password,
        );
        const { password: smtpPassword, ...smtpSettings } = form.smtp;
        smtp.save(account.id, smtpSettings, smtpPassword);
        afterIngest.noteAccounts();
        publish();
        return view(account.id);
      },
      async removeAccount(id) {
        if (!channel.accounts.get(id)) throw new MailSettingsError('not_found', `No existe la cuenta de correo ${id}`);
        await channel.removeAccount(id);
        smtp.remove(id);
        publish();
      },
      testAccount: (form) => {
        // A password left out of the form is the one stored (editing an account).
        const stored = form.id !== undefined ? channel.accounts.password(form.id) : undefined;
        const imapPassword = form.password ?? stored ?? '';
        const smtpAccount = form.id !== undefined ? channel.accounts.get(form.id) : undefined;
        const smtpPassword = form.smtp.password ?? (smtpAccount ? smtp.smtpAccountOf(smtpAccount, imapPassword).password : undefined) ?? imapPassword;
        return testMailAccount(form, imapPassword, smtpPassword);
      },
      quarantine: (limit) =>
        channel.quarantine(limit).map((entry) => ({
          spoolId: entry.spoolId,
          accountId: entry.accountId,
          folder: entry.folder,
          uid: entry.uid,
          receivedAt: entry.internalDate,
          size: entry.size,
          reason: entry.reason,
          quarantinedAt: entry.quarantinedAt,
        })),
      drainUploads() {
        // The sync says "online" once more while it stops, after the mail has: a stopped wiring
        // has no queue to drain (its file is closed), and a caller's `void` must never meet a
        // rejection — an unhandled one ends the service's process.
        if (stopped) return Promise.resolve();
        // Replies' states that wait for the central server after failed pushes go now (away-state-pushes.ts).
        outbox.centralServerOnline();
        if (!uploads || !blobClient) return Promise.resolve();
        draining ??= Promise.resolve()
          .then(() => uploads.drain(blobClient))
          .then((report) => {
            if (report.error) log(`attachments not uploaded yet (${report.remaining} waiting): ${report.error}`);
            for (const dropped of report.dropped) log(`attachment ${dropped.sha256} cannot be uploaded: ${dropped.reason}`);
          })
          .catch((error: unknown) => log(`attachments not uploaded: ${error instanceof Error ? error.message : String(error)}`))
          .finally(() => {
            draining = undefined;
          });
        return draining;
      },
      async stop() {
        stopped = true;
        for (const subscription of subscriptions) subscription.unsubscribe();
        await afterIngest.idle();
        // An upload under way finishes (or fails) before its queue closes.
        await draining;
        for (const stop of stops) await stop();
      },
    };
  } catch (error) {
    for (const subscription of subscriptions) subscription.unsubscribe();
    for (const stop of stops) await stop();
    throw error;
  }
}
