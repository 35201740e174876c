// The workstation service as the screens see it: the app API handlers (validated), the events,
// and the storage channels, served over any number of connections. A connection is anything
// that carries JSON text both ways — a MessagePort from an Electron window, a WebSocket relayed
// by the web host — so both transports are thin and share everything here.
import type { RxDatabase } from 'rxdb';
import type { AppError, AppEvents, AppResult } from '../../core/app-api';
import { APP_ARG_CHECKS, isAppChannel, type AppHandlers } from '../../core/app-api/checks';
import { checkClientMessage } from '../../core/app-api/client-message-check';
import type { ServiceMessage } from '../../core/app-api/protocol';
import type { Collections } from '../../core/schemas';
import type { FetchFunction } from '../sync/server-client';
import { createScreenLogs, type ScreenLog, type ScreenLogs } from '../service/service-log';
import { EscalationWatch, escalationStateFile } from './escalation-watch';
import { PresenceClient } from './presence-client';
import { lazyMailHandlers } from './mail-seam';
import { AppFailure } from './sign-in';
import { openStorageChannel, type StorageChannel } from './storage-exposure';
import { WorkstationSession, type WorkstationSessionOptions } from './workstation-session';

/** One screen's end of the transport: text out, and a way to hang up on a misbehaving screen. */
export type ConnectionPeer = { send(text: string): void; close(reason: string): void };

export type ServiceConnection = {
  /** A message from the screen, as JSON text. */
  receive(text: string): void;
  /** The transport closed: releases its storage channels. */
  closed(): void;
};

export type AppServiceOptions = {
  dataDir: string;
  fetch?: FetchFunction;
  log?: (line: string) => void;
  /** How often the presence client repeats what the clerk is doing (default 15 s). */
  presenceHeartbeatMs?: number;
  /** The mail channel's timings (tests), or false for none. */
  mail?: WorkstationSessionOptions['mail'];
  /** Timings of the revocation of signed-out sessions' tokens (tests). */
  revocation?: WorkstationSessionOptions['revocation'];
  /** The keychain-sealed secret boxes that seal the session's tokens (default: the mail channel's). */
  secrets?: WorkstationSessionOptions['secrets'];
};

/** Malformed messages a connection may send before it is hung up on: a screen that sends them is broken or hostile. */
const MAX_BAD_MESSAGES = 20;

/** Who makes a call: a connection's own budgets (its screen log); none for calls inside the service's process. */
export type Caller = { screenLog: ScreenLog };

export class AppService {
  readonly session: WorkstationSession;
  readonly presence: PresenceClient;
  private readonly connections = new Set<Connection>();
  private readonly handlers: AppHandlers;
  private readonly log: (line: string) => void;
  /** The screens' lines in the service's log, with a budget per connection (main/service/service-log.ts). */
  private readonly screenLogs: ScreenLogs;
  private connectionCount = 0;
  /** Near-due and overdue tickets of a signed-in supervisor's departments (escalation-watch.ts). */
  private escalations: EscalationWatch | undefined;

  constructor(options: AppServiceOptions) {
    this.log = options.log ?? (() => undefined);
    this.session = new WorkstationSession({ dataDir: options.dataDir, fetch: options.fetch, log: this.log, ...(options.mail !== undefined && { mail: options.mail }), ...(options.revocation && { revocation: options.revocation }), ...(options.secrets && { secrets: options.secrets }), emit: (event, value) => this.broadcast(event, value) });
    this.presence = new PresenceClient({
      fetch: options.fetch,
      credentials: () => this.session.accessToken,
      heartbeatMs: options.presenceHeartbeatMs,
      onChange: (entries) => this.broadcast('presence', entries.filter((entry) => entry.userId !== this.session.user?.id)),
      log: this.log,
    });
    this.session.onDatabaseChange((db) => {
      for (const connection of this.connections) connection.databaseChanged(db);
      this.presence.setActive(this.isCentral());
      void this.escalations?.stop();
      const user = this.session.user;
      this.escalations =
        db && user?.role === 'supervisor' && user.departmentIds.length > 0
          ? EscalationWatch.start({ db, departmentIds: user.departmentIds, stateFile: escalationStateFile(options.dataDir, user.id), notify: (escalation) => this.broadcast('ticket:escalated', escalation), log: this.log })
          : undefined;
    });
    const session = this.session;
    // The screens' lines join the service's log, rate-limited per connection and in total
    // (main/service/service-log.ts): one noisy window must not silence another's errors.
    this.screenLogs = createScreenLogs({ write: (line) => this.log(line) });
    const ownScreenLog = this.screenLogs.open();
    this.handlers = {
      'session:get': () => session.session(),
      'session:sign-in': (arg) => session.signIn(arg),
      'session:work-locally': (arg) => session.workLocally(arg),
      'session:sign-out': async () => {
        this.presence.announce(null, 'viewing');
        return session.signOut();
      },
      'sync:status': () => session.syncStatus(),
      'sync:retry-now': () => session.retryNow(),
      'search:tickets': (arg) => session.search(arg.text, arg.limit),
      'search:status': () => session.searchStatus(),
      'citizens:by-contact': (arg) => session.citizensByContact(arg.kind, arg.value),
      'presence:announce': (arg) => {
        if (!session.user) throw new AppFailure({ code: 'not_signed_in', message: 'Inicie sesión primero.' });
        this.presence.announce(arg.ticketId, arg.activity);
        return null;
      },
      'settings:get': () => session.settings(),
      'settings:set': (arg) => session.setSettings(arg),
      // Loaded with the mail stack, on the first mail call (mail-seam.ts).
      ...lazyMailHandlers(session),
      'log:write': (arg, caller?: Caller) => (caller?.screenLog ?? ownScreenLog).write(arg),
    };
  }

  /** Reopens the last session. */
  async start(): Promise<void> {
    await this.session.resume();
    this.presence.setActive(this.isCentral());
  }

  private isCentral(): boolean {
    const session = this.session.session();
    return session.state === 'signed-in' && session.mode === 'central';
  }

  connect(peer: ConnectionPeer): ServiceConnection {
    const caller: Caller = { screenLog: this.screenLogs.open(++this.connectionCount) };
    const connection = new Connection(peer, this, this.session.database, caller);
    this.connections.add(connection);
    return {
      receive: (text) => connection.receive(text),
      closed: () => {
        this.connections.delete(connection);
        connection.closeAll('the connection closed');
        caller.screenLog.close();
      },
    };
  }

  /** Answers one call: checks the channel and its argument, runs the handler, wraps the outcome. */
  async call(channel: string, arg: unknown, caller?: Caller): Promise<AppResult<unknown>> {
    if (!isAppChannel(channel)) return { ok: false, error: { code: 'bad_request', message: `no app API channel ${JSON.stringify(channel)}` } };
    const checked = APP_ARG_CHECKS[channel](arg);
    if (!checked.ok) return { ok: false, error: { code: 'bad_request', message: checked.error.message } };
    try {
      const handler = this.handlers[channel] as (value: unknown, caller?: Caller) => unknown;
      return { ok: true, value: await handler(checked.value, caller) };
    } catch (error) {
      if (error instanceof AppFailure) return { ok: false, error: error.error };
      this.log(`${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      const failure: AppError = { code: 'internal', message: `Error inesperado del puesto de trabajo (${error instanceof Error ? error.message : String(error)}).` };
      return { ok: false, error: failure };
    }
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.closeAll('the workstation service is stopping');
    this.presence.stop();
    await this.escalations?.stop();
    await this.session.stop();
  }

  private broadcast<E extends keyof AppEvents>(event: E, value: AppEvents[E]): void {
    for (const connection of this.connections) connection.send({ t: 'event', event, value });
  }
}

class Connection {
  private readonly channels = new Map<number, StorageChannel>();
  private badMessages = 0;

  constructor(
    private readonly peer: ConnectionPeer,
    private readonly service: AppService,
    private database: RxDatabase<Collections> | undefined,
    private readonly caller: Caller,
  ) {}

  send(message: ServiceMessage): void {
    this.peer.send(JSON.stringify(message));
  }

  receive(text: string): void {
    const checked = checkClientMessage(text);
    if (!checked.ok) {
      this.badMessages++;
      if (this.badMessages > MAX_BAD_MESSAGES) this.peer.close('too many malformed messages');
      return;
    }
    const message = checked.value;
    switch (message.t) {
      case 'call':
        void this.service.call(message.channel, message.arg, this.caller).then((result) => this.send({ t: 'result', id: message.id, result }));
        return;
      case 'storage-open': {
        this.channels.get(message.channel)?.close();
        if (!this.database) {
          this.send({ t: 'storage-closed', channel: message.channel, reason: 'not signed in: no database is open' });
          return;
        }
        const channel = message.channel;
        this.channels.set(channel, openStorageChannel(this.database, (answer) => this.send({ t: 'storage', channel, message: answer })));
        return;
      }
      case 'storage': {
        const channel = this.channels.get(message.channel);
        if (channel) channel.receive(message.message);
        else this.send({ t: 'storage-closed', channel: message.channel, reason: 'no such storage channel (closed, or never opened)' });
        return;
      }
      case 'storage-close':
        this.channels.get(message.channel)?.close();
        this.channels.delete(message.channel);
        return;
    }
  }

  /** The session's database changed: every channel over the old one ends, and the screen reopens. */
  databaseChanged(db: RxDatabase<Collections> | undefined): void {
    this.database = db;
    this.closeAll('the database of the session changed');
  }

  closeAll(reason: string): void {
    for (const [number, channel] of this.channels) {
      channel.close();
      this.send({ t: 'storage-closed', channel: number, reason });
    }
    this.channels.clear();
  }
}
