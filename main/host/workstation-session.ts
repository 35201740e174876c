// The clerk's session in the workstation service: who is signed in and how (against a central
// server, or on this PC only), their local database, its sync and its search. Starts where the
// clerk left off: the last session reopens at start, offline if need be, with the tokens it kept.
import path from 'node:path';
import { Subscription } from 'rxjs';
import type { RxDatabase } from 'rxdb';
import { newId } from '../../core/ids';
import type { AppEvents, MailStatusView, SearchIndexStatusView, Session, Settings, SyncStatusView, TicketSearchHit } from '../../core/app-api';
import type { Collections } from '../../core/schemas';
import type { AuthTokens, SignedInUser } from '../../core/sync';
import { openLocalDatabase, type LocalDatabase } from '../store/local-database';
import { describeMigration } from '../store/schema-migrations';
import { ContactIndex, type ContactKind } from './contact-index';
import type { FetchFunction } from '../sync/server-client';
import { startSync, type SyncHandle } from '../sync/start-sync';
import type { SyncStatus } from '../sync/sync-status';
import { forgetTokens, readHostState, readTokens, writeHostState, writeTokens, type CurrentSession, type HostState } from './host-state';
import { AppFailure, normalizeServerUrl, signInFailure, signInOnce } from './sign-in';
import { watchAssignments } from './assignment-watch';
import { TokenRevocations, type TokenRevocationsOptions } from './token-revocation';
import { sessionVault, type SessionVault } from './session-vault';
import type { SecretBox } from '../mail';
// Types only: the mail stack loads when mail is in use (mail-seam.ts).
import type { MailWiring, MailWiringOptions } from './mail/mail-wiring';
import { hasMailAccounts } from './mail-seam';
import { workstationIdOf, workstationSecretOf } from './workstation-id';

export type EventSink = <E extends keyof AppEvents>(event: E, value: AppEvents[E]) => void;

export type WorkstationSessionOptions = {
  /** The workstation's data folder: its state file, tokens, and `replicas/` (one database per clerk). */
  dataDir: string;
  fetch?: FetchFunction;
  /** Every event for the screens goes here (the service fans it out to every connection). */
  emit: EventSink;
  log?: (line: string) => void;
  /** The mail channel of each session (default on); tests pass timings, the app its keychain-sealed secrets, or false for none. */
  mail?: false | Pick<MailWiringOptions, 'channel' | 'outboxBackoff' | 'isWorking' | 'secrets'>;
  /** Timings of the revocation of ended sessions' tokens (tests). */
  revocation?: Pick<TokenRevocationsOptions, 'timeoutMs' | 'retryMs' | 'maxRetryMs' | 'clock'>;
  /**
   * The keychain-sealed secret box of a folder (the app's key, main/host/mail/shell-secrets.ts):
   * the session's tokens are sealed with it (session-vault.ts). Default: the factory the app
   * gives the mail channel, the same key; without one, owner-only files.
   */
  secrets?: (folder: string) => SecretBox;
};

type Open = {
  current: CurrentSession;
  local: LocalDatabase;
  /** Phones and addresses → citizens (RxDB cannot index the cards' lists). */
  contacts: ContactIndex;
  sync?: SyncHandle;
  mail?: MailWiring;
  /** The mail channel starting (ensureMail), so that two callers start one. */
  mailStarting?: Promise<void>;
  subscriptions: Subscription[];
};

const SIGNED_OUT_MAIL: MailStatusView = { running: false, accounts: [], pending: 0, quarantined: 0, outbox: { queued: 0, sending: 0, failed: 0, mailServer: 'unknown', items: [] } };

const SIGNED_OUT_STATUS: SyncStatusView = { state: 'signed-out', pendingPushes: 0, liveUpdates: false };
const LOCAL_STATUS: SyncStatusView = { state: 'local-only', pendingPushes: 0, liveUpdates: false };
const SEARCH_CAUGHT_UP: SearchIndexStatusView = { caughtUp: true };

function statusView(status: SyncStatus): SyncStatusView {
  return {
    state: status.state,
    pendingPushes: status.pendingPushes,
    liveUpdates: status.liveUpdates,
    ...(status.offlineSince !== undefined && { offlineSince: status.offlineSince }),
    ...(status.lastSyncAt !== undefined && { lastSyncAt: status.lastSyncAt }),
    ...(status.lastError !== undefined && { lastError: status.lastError }),
    ...(status.lastErrorAt !== undefined && { lastErrorAt: status.lastErrorAt }),
  };
}

export class WorkstationSession {
  private state: HostState;
  private open: Open | undefined;
  /** One change of session at a time: a sign-in while another is still opening waits for it. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly databaseListeners = new Set<(db: RxDatabase<Collections> | undefined) => void>();
  private readonly fetch: FetchFunction;
  private readonly log: (line: string) => void;
  /** Refresh tokens of ended sessions, revoked on their server now or at the next chance. */
  readonly revocations: TokenRevocations;
  /** Where the session's tokens are kept between starts: sealed in the app (session-vault.ts). */
  readonly vault: SessionVault;

  /** This workstation's own id (workstation-id.ts): the owner of the replies its outbox sends. */
  readonly workstationId: string;
  /** The secret that proves the id to the server, kept in the vault (undefined if it cannot be kept). */
  private readonly workstationSecret: string | undefined;

  constructor(private readonly options: WorkstationSessionOptions) {
    this.state = readHostState(options.dataDir);
    this.workstationId = workstationIdOf(options.dataDir);
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.log = options.log ?? (() => undefined);
    const mailSecrets = options.mail ? options.mail.secrets : undefined;
    this.vault = sessionVault(options.dataDir, options.secrets ?? (typeof mailSecrets === 'function' ? mailSecrets : undefined), this.log);
    this.workstationSecret = workstationSecretOf(this.vault, this.log);
    this.revocations = new TokenRevocations({ dataDir: options.dataDir, vault: this.vault, fetch: this.fetch, log: (line) => this.log(line), ...options.revocation });
  }

  get replicasDir(): string {
    return path.join(this.options.dataDir, 'replicas');
  }

  /** The open database, for the remote storage; undefined while signed out. */
  get database(): RxDatabase<Collections> | undefined {
    return this.open?.local.db;
  }

  get user(): SignedInUser | undefined {
    return this.open?.current.user;
  }

  /** The access token of the central session, for the presence client (undefined offline or local). */
  accessToken: { token: string; expiresAt: number; serverUrl: string } | undefined;

  /** Called with the new database (or undefined) every time it changes. */
  onDatabaseChange(listener: (db: RxDatabase<Collections> | undefined) => void): () => void {
    this.databaseListeners.add(listener);
    return () => this.databaseListeners.delete(listener);
  }

  /** Reopens the last session, if there was one. Never throws: a failure leaves the clerk signed out, logged. */
  async resume(): Promise<void> {
    // Sign-outs of earlier runs that could not reach their server: try again now.
    void this.revocations.flush();
    const current = this.state.current;
    if (!current) return;
    try {
      await this.serialized(async () => {
        const tokens = current.mode === 'central' ? readTokens(this.vault, current.user.id) : undefined;
        if (current.mode === 'central' && !tokens) {
          // Gone, or sealed with a key the keychain no longer has (session-vault.ts): the sign-in
          // screen asks for the password, and signing in reopens the same replica.
          this.log(`the session of ${current.user.email} has no usable tokens (${this.vault.sealed ? 'sealed' : 'owner-only file'}); they sign in again`);
          return;
        }
        await this.openSession(current, tokens ? { tokens } : undefined);
      });
    } catch (error) {
      this.log(`could not reopen the last session of ${current.user.email}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  session(): Session {
    const open = this.open;
    if (!open) return { state: 'signed-out', ...(this.state.lastServerUrl && { lastServerUrl: this.state.lastServerUrl }) };
    const { current } = open;
    return {
      state: 'signed-in',
      mode: current.mode,
      ...(current.mode === 'central' && { serverUrl: current.serverUrl }),
      user: { id: current.user.id, name: current.user.name, email: current.user.email, role: current.user.role, departmentIds: [...current.user.departmentIds] },
      databaseName: current.databaseName,
      workstationId: this.workstationId,
    };
  }

  /** The mail channel of the open session; undefined while signed out (or with mail off). */
  get mail(): MailWiring | undefined {
    return this.open?.mail;
  }

  /**
   * The open session's mail channel, started now if it was not (mail-seam.ts: the mail stack
   * loads when mail is in use). Undefined while signed out, or with mail off.
   */
  async ensureMail(): Promise<MailWiring | undefined> {
    const open = this.open;
    if (!open || this.options.mail === false) return open?.mail;
    if (!open.mail) {
      open.mailStarting ??= this.serialized(async () => {
        if (this.open === open && !open.mail) await this.startMail(open);
      }).finally(() => {
        open.mailStarting = undefined;
      });
      await open.mailStarting;
    }
    return open.mail;
  }

  mailStatus(): MailStatusView {
    return this.open?.mail?.status() ?? SIGNED_OUT_MAIL;
  }

  syncStatus(): SyncStatusView {
    const open = this.open;
    if (!open) return SIGNED_OUT_STATUS;
    if (!open.sync) return LOCAL_STATUS;
    return statusView(open.sync.status);
  }

  retryNow(): SyncStatusView {
    this.open?.sync?.retryNow();
    return this.syncStatus();
  }

  async signIn(input: { serverUrl: string; email: string; password: string }): Promise<Session> {
    const serverUrl = normalizeServerUrl(input.serverUrl);
    return this.serialized(async () => {
      const email = input.email.trim().toLowerCase();
      const open = this.open;
      // The same clerk again, on the same server: the database stays open. If the server had
      // ended their session, the sync signs in again; if not, the password is only checked (a
      // mistyped one must not sign a working sync out).
      if (open?.sync && open.current.mode === 'central' && open.current.serverUrl === serverUrl && open.current.user.email === email) {
        if (open.sync.status.state !== 'signed-out') {
          await signInOnce(this.fetch, serverUrl, email, input.password, { workstationId: this.workstationId, workstationSecret: this.workstationSecret });
          return this.session();
        }
        try {
          await open.sync.signIn({ email, password: input.password });
        } catch (caught) {
          throw signInFailure(caught, serverUrl, this.workstationId);
        }
        return this.session();
      }
      const answer = await signInOnce(this.fetch, serverUrl, email, input.password, { workstationId: this.workstationId, workstationSecret: this.workstationSecret });
      // The server answers: a good moment for sign-outs that could not reach it before.
      void this.revocations.flush();
      await this.endSession();
      this.state.lastServerUrl = serverUrl;
      const current: CurrentSession = { mode: 'central', serverUrl, user: answer.user, databaseName: answer.user.id };
      await this.openSession(current, { tokens: answer.tokens, credentials: { email, password: input.password } });
      return this.session();
    });
  }

  async workLocally(input: { name: string; email: string }): Promise<Session> {
    return this.serialized(async () => {
      const email = input.email.trim().toLowerCase();
      const known = this.state.localUsers[email];
      const user: SignedInUser = known
        ? { ...known, name: input.name.trim() }
        : { id: newId(), name: input.name.trim(), email, role: 'admin', departmentIds: [] };
      this.state.localUsers[email] = user;
      await this.endSession();
      await this.openSession({ mode: 'local', user, databaseName: `local-${user.id}` });
      return this.session();
    });
  }

  async signOut(): Promise<Session> {
    return this.serialized(async () => {
      await this.endSession();
      this.state.current = undefined;
      this.save();
      this.announceSession();
      return this.session();
    });
  }

  settings(): Settings {
    return { ...this.state.settings };
  }

  setSettings(change: Partial<Settings>): Settings {
    this.state.settings = { ...this.state.settings, ...change };
    this.save();
    return this.settings();
  }

  /** Whether the search index has caught up with the replica (a read of three fields: asked at every search). */
  searchStatus(): SearchIndexStatusView {
    return this.open?.local.searchStatus() ?? SEARCH_CAUGHT_UP;
  }

  search(text: string, limit = 50): TicketSearchHit[] {
    const open = this.open;
    if (!open) throw new AppFailure({ code: 'not_signed_in', message: 'Inicie sesión para buscar.' });
    return open.local.search(text, { limit });
  }

  /** The citizens whose card lists this phone (E.164) or address (lower case). */
  citizensByContact(kind: ContactKind, value: string): Promise<string[]> {
    const open = this.open;
    if (!open) throw new AppFailure({ code: 'not_signed_in', message: 'Inicie sesión para buscar.' });
    return open.contacts.citizensOf(kind, value);
  }

  /** Closes the session's database and sync; the session is remembered for the next start. */
  async stop(): Promise<void> {
    this.revocations.stop();
    await this.serialized(() => this.closeSession());
  }

  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async openSession(current: CurrentSession, central?: { tokens?: AuthTokens; credentials?: { email: string; password: string } }): Promise<void> {
    const local = await openLocalDatabase({ directory: this.replicasDir, name: current.databaseName, log: this.log });
    for (const migration of local.migrations) this.log(describeMigration(migration));
    const contacts = ContactIndex.open(local.file.replace(/\.sqlite$/, '.contacts.sqlite'), local.db.citizens, (error) =>
      this.log(`contact index: ${error instanceof Error ? error.message : String(error)}`),
    );
    const open: Open = { current, local, contacts, subscriptions: [] };
    try {
      // The index lags after a first replica, a long offline spell or a restart in either (the
      // database opens without waiting for it): the inbox's search says so, from the start.
      open.subscriptions.push(new Subscription(local.onSearchStatus((status) => this.options.emit('search:status', status))));
      if (current.mode === 'local') await this.ensureLocalUser(local.db, current.user);
      if (current.mode === 'central') {
        if (central?.tokens) this.holdToken(central.tokens, current.serverUrl);
        open.sync = await startSync({
          db: local.db,
          serverUrl: current.serverUrl,
          user: current.user,
          // The session is bound to this workstation: its outbox's delivery states are its own.
          workstationId: this.workstationId,
          workstationSecret: this.workstationSecret,
          fetch: this.fetch,
          ...(central?.tokens && { tokens: central.tokens }),
          ...(central?.credentials && { credentials: central.credentials }),
          onTokens: (tokens) => {
            writeTokens(this.vault, current.user.id, tokens);
            this.holdToken(tokens, current.serverUrl);
          },
        });
        if (central?.tokens) writeTokens(this.vault, current.user.id, central.tokens);
        open.subscriptions.push(open.sync.status$.subscribe((status) => this.options.emit('sync:status', statusView(status))));
        open.subscriptions.push(open.sync.problems$.subscribe((problem) => this.log(`sync: ${problem.collection ?? ''} ${problem.error.message}`)));
      }
      open.subscriptions.push(watchAssignments(local.db, current.user.id, (assigned) => this.options.emit('ticket:assigned', assigned)));
      if (this.options.mail !== false) {
        if (hasMailAccounts(this.mailDirectory(current))) await this.startMail(open);
        else open.subscriptions.push(this.startMailOnOwnReply(open));
      }
    } catch (error) {
      for (const subscription of open.subscriptions) subscription.unsubscribe();
      await open.mail?.stop();
      await open.sync?.stop();
      contacts.close();
      await local.close();
      throw error;
    }
    this.open = open;
    this.state.current = current;
    this.save();
    for (const listener of this.databaseListeners) listener(local.db);
    this.announceSession();
    if (!open.sync) this.options.emit('sync:status', LOCAL_STATUS);
    this.log(`signed in: ${current.user.email} (${current.mode}), database ${local.file}`);
  }

  /** One mail folder per replica: the spool's "done" means "written into this database". */
  private mailDirectory(current: CurrentSession): string {
    return path.join(this.options.dataDir, 'mail', encodeURIComponent(current.databaseName));
  }

  /**
   * Without an account the mail stack stays unloaded, but a reply written here still belongs to
   * this workstation's outbox (which says why it cannot leave yet, and sends it once an account
   * exists): the first one starts the mail channel and is handed to its outbox, which watches the
   * later ones itself.
   */
  private startMailOnOwnReply(open: Open): Subscription {
    return open.local.db.messages.insert$.subscribe((event) => {
      const message = event.documentData;
      if (open.mail || message.kind !== 'email_out' || message.outbox?.workstationId !== this.workstationId) return;
      this.ensureMail().then(
        (mail) => mail?.outbox.adopt(message),
        (error: unknown) => this.log(`mail: could not start for a reply written here: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
  }

  private async startMail(open: Open): Promise<void> {
    const { current } = open;
    const mailOptions = this.options.mail || {};
    const { startMailWiring } = await import('./mail/mail-wiring');
    open.mail = await startMailWiring({
      db: open.local.db,
      directory: this.mailDirectory(current),
      workstationId: this.workstationId,
      councilName: () => this.state.settings.councilName ?? '',
      // One contact index per replica: the counter's lookups and the mail's senders share it.
      contacts: open.contacts,
      ...(current.mode === 'central' && {
        central: {
          serverUrl: current.serverUrl,
          fetch: this.fetch,
          accessToken: () => {
            const held = this.accessToken;
            return held ? Promise.resolve(held.token) : Promise.reject(new Error('sin sesión con el servidor central'));
          },
        },
      }),
      ...mailOptions,
      onStatus: (status) => this.options.emit('mail:status', status),
      log: (line) => this.log(`mail: ${line}`),
    });
    const mail = open.mail;
    if (open.sync) {
      // Attachments go up whenever the central server answers.
      open.subscriptions.push(
        open.sync.status$.subscribe((status) => {
          if (status.state === 'online') void mail.drainUploads();
        }),
      );
    }
  }

  private holdToken(tokens: AuthTokens, serverUrl: string): void {
    this.accessToken = { token: tokens.accessToken, expiresAt: tokens.accessTokenExpiresAt, serverUrl };
  }

  /** A standalone office has no server to pull its clerk from: the clerk's users document is written here. */
  private async ensureLocalUser(db: RxDatabase<Collections>, user: SignedInUser): Promise<void> {
    const now = Date.now();
    const existing = await db.users.findOne(user.id).exec();
    if (existing) {
      if (existing.name !== user.name) await existing.incrementalPatch({ name: user.name, updatedAt: now });
      return;
    }
    await db.users.insert({ ...user, skills: [], language: this.state.settings.language, active: true, away: false, createdAt: now, updatedAt: now });
  }

  /**
   * Ends the session for good (sign-out, or another clerk signs in here): closes it, then
   * revokes its refresh token on the server and forgets the tokens. The sync is stopped first,
   * so the token read is the last one it rotated to. The clerk waits for the revocation (at
   * most one short timeout) unless the sync knows the server is unreachable; either way the
   * token is kept on disk until the server has taken it (token-revocation.ts).
   */
  private async endSession(): Promise<void> {
    // Not open: the last session could not reopen at start, but its tokens are still on disk.
    const current = this.open?.current ?? this.state.current;
    // Known offline (the sync has met an unreachable server): the clerk does not wait for it.
    // Just started, not yet in touch (offline without `offlineSince`): worth one attempt.
    const status = this.open?.sync?.status;
    const wait = status !== undefined && !(status.state === 'offline' && status.offlineSince !== undefined);
    await this.closeSession();
    const tokens = current?.mode === 'central' ? readTokens(this.vault, current.user.id) : undefined;
    forgetTokens(this.vault);
    if (current?.mode === 'central' && tokens) await this.revocations.revoke(current.serverUrl, tokens, { wait });
  }

  private async closeSession(): Promise<void> {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    this.accessToken = undefined;
    for (const listener of this.databaseListeners) listener(undefined);
    for (const subscription of open.subscriptions) subscription.unsubscribe();
    try {
      try {
        await open.mail?.stop();
      } finally {
        await open.sync?.stop();
      }
    } finally {
      open.contacts.close();
      await open.local.close();
    }
    this.options.emit('sync:status', SIGNED_OUT_STATUS);
    this.options.emit('mail:status', SIGNED_OUT_MAIL);
    this.options.emit('search:status', SEARCH_CAUGHT_UP);
  }

  private announceSession(): void {
    this.options.emit('session', this.session());
  }

  private save(): void {
    writeHostState(this.options.dataDir, this.state);
  }
}
