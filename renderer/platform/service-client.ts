// The screens' end of the protocol of core/app-api/protocol.ts, over any "wire" that carries
// text both ways: the web host's WebSocket (web.ts) or the Electron preload's MessagePort
// (desktop.ts). Both platforms are this class with a different wire.
//
// A dropped connection gives RxDB no signal: its queries would silently stop
// (shared/NOTES.md). So when the wire dies, every pending call fails at once with
// `server_unreachable`, every pending storage request gets an error answer, each followed
// database is closed and reported as `null`, and once the wire is back (reconnecting with
// backoff) a new database — a new remote storage with a new identifier — is opened and handed
// to the screen, which subscribes again.
import { Subject } from 'rxjs';
import { createRxDatabase } from 'rxdb';
import { getRxStorageRemote, type MessageFromRemote, type MessageToRemote, type RemoteMessageChannel } from 'rxdb/plugins/storage-remote';
import type { AppArg, AppChannel, AppEvent, AppEvents, AppResult, AppValue, Session } from '../../core/app-api';
import { ClientCalls, parseServiceMessage } from '../../core/app-api/client-calls';
import type { ClientMessage, ServiceMessage } from '../../core/app-api/protocol';
import { collections, type Collections } from '../../core/schemas';
import type { Platform, WorkstationDatabase } from './platform';

/** An open connection to the service. */
export type Wire = { send(text: string): void; close(): void };
/** Opens a wire; resolves once it can carry messages, rejects when it cannot be opened. */
export type WireOpener = (events: { message(text: string): void; closed(reason: string): void }) => Promise<Wire>;

const LOST = 'Se ha perdido la conexión con el servicio del puesto de trabajo. Reintentando…';
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;

type Channel = {
  messages$: Subject<MessageFromRemote>;
  /** Requests not yet answered: answered with an error if the channel dies. */
  pending: Map<string, MessageToRemote>;
  dead: boolean;
  onDeath: () => void;
};

export class ServiceClient {
  private wire: Wire | undefined;
  private connecting: Promise<void> | undefined;
  private nextChannel = 1;
  private nextIdentifier = 1;
  /** Calls waiting for their result, and the listeners of events (core/app-api/client-calls.ts). */
  private readonly calls = new ClientCalls();
  private readonly channels = new Map<number, Channel>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();
  private retryMs = RETRY_FIRST_MS;
  private stopped = false;

  constructor(private readonly open: WireOpener) {}

  get connected(): boolean {
    return this.wire !== undefined;
  }

  /** Connects (again, with backoff, until it works or `stop`): resolves once connected. */
  connect(): Promise<void> {
    this.connecting ??= (async () => {
      while (!this.stopped) {
        try {
          this.wire = await this.open({ message: (text) => this.receive(text), closed: () => this.lost() });
          this.retryMs = RETRY_FIRST_MS;
          for (const listener of this.connectionListeners) listener(true);
          void this.refreshAfterReconnect();
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, this.retryMs));
          this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
        }
      }
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  call<K extends AppChannel>(channel: K, arg: AppArg<K>): Promise<AppResult<AppValue<K>>> {
    if (!this.wire) return Promise.resolve({ ok: false, error: { code: 'server_unreachable', message: LOST } });
    // A wire that fails to send is lost: `send` fails every waiting call, this one too.
    return this.calls.call(channel, arg, (message) => this.send(message));
  }

  on<E extends AppEvent>(event: E, listener: (value: AppEvents[E]) => void): () => void {
    return this.calls.on(event, listener);
  }

  watchDatabase(name: string, listener: (database: WorkstationDatabase | null) => void): () => void {
    let stopped = false;
    let current: WorkstationDatabase | undefined;
    let opening = false;
    const closeCurrent = async () => {
      const db = current;
      current = undefined;
      if (db) await db.close().catch(() => undefined);
    };
    const openOnce = async () => {
      if (opening || stopped) return;
      opening = true;
      try {
        while (!stopped) {
          await this.connect();
          const session = await this.call('session:get', {});
          // The session moved on (signed out, someone else): wait for it to come back to this database.
          if (!session.ok || session.value.state !== 'signed-in' || session.value.databaseName !== name) return;
          try {
            const db = await this.openDatabase(name, () => {
              if (stopped || current !== db) return;
              listener(null);
              void closeCurrent().then(openOnce);
            });
            if (stopped) {
              await db.close().catch(() => undefined);
              return;
            }
            current = db;
            listener(db);
            return;
          } catch {
            if (!this.connected) continue;
            await new Promise((resolve) => setTimeout(resolve, RETRY_MAX_MS));
          }
        }
      } finally {
        opening = false;
      }
    };
    const stopSession = this.on('session', (session: Session) => {
      if (session.state === 'signed-in' && session.databaseName === name && !current) void openOnce();
    });
    void openOnce();
    return () => {
      stopped = true;
      stopSession();
      void closeCurrent();
    };
  }

  stop(): void {
    this.stopped = true;
    this.wire?.close();
    this.lost();
  }

  /** Opens the clerk's database over a new remote storage; `died` is called once if its channel dies. */
  private async openDatabase(name: string, died: () => void): Promise<WorkstationDatabase> {
    const storage = getRxStorageRemote({
      // A new identifier each time: a storage object of a dead connection must never be reused.
      identifier: `ventanilla-${name}-${this.nextIdentifier++}`,
      mode: 'storage',
      messageChannelCreator: () => Promise.resolve(this.openStorageChannel(died)),
    });
    const db = await createRxDatabase<Collections>({ name, storage, multiInstance: false, eventReduce: true });
    try {
      await db.addCollections(collections);
    } catch (error) {
      await db.close().catch(() => undefined);
      throw error;
    }
    return db;
  }

  private openStorageChannel(died: () => void): RemoteMessageChannel {
    const number = this.nextChannel++;
    const channel: Channel = { messages$: new Subject(), pending: new Map(), dead: false, onDeath: died };
    this.channels.set(number, channel);
    if (this.wire) this.send({ t: 'storage-open', channel: number });
    else this.killChannel(number, channel);
    return {
      send: (message: MessageToRemote) => {
        if (channel.dead) return queueMicrotask(() => channel.messages$.next(errorAnswer(message)));
        channel.pending.set(message.requestId, message);
        this.send({ t: 'storage', channel: number, message });
      },
      messages$: channel.messages$.asObservable(),
      close: async () => {
        if (!channel.dead && this.wire) this.send({ t: 'storage-close', channel: number });
        this.channels.delete(number);
        channel.dead = true;
        channel.messages$.complete();
      },
    };
  }

  private killChannel(number: number, channel: Channel): void {
    if (channel.dead) return;
    channel.dead = true;
    this.channels.delete(number);
    for (const request of channel.pending.values()) channel.messages$.next(errorAnswer(request));
    channel.pending.clear();
    channel.onDeath();
  }

  private send(message: ClientMessage): void {
    try {
      this.wire?.send(JSON.stringify(message));
    } catch {
      this.lost();
    }
  }

  private receive(text: string): void {
    const message = parseServiceMessage(text);
    if (message && !this.calls.take(message)) this.dispatchStorage(message);
  }

  /** What the calls' bookkeeping did not take: the storage channels' traffic. */
  private dispatchStorage(message: ServiceMessage): void {
    switch (message.t) {
      case 'storage': {
        const channel = this.channels.get(message.channel);
        if (!channel) return;
        channel.pending.delete(message.message.answerTo);
        channel.messages$.next(message.message as MessageFromRemote);
        return;
      }
      case 'storage-closed': {
        const channel = this.channels.get(message.channel);
        if (channel) this.killChannel(message.channel, channel);
        return;
      }
    }
  }

  /** The wire died: fail everything pending, and reconnect. */
  private lost(): void {
    const hadWire = this.wire !== undefined;
    this.wire = undefined;
    this.calls.failAll(LOST);
    for (const [number, channel] of [...this.channels]) this.killChannel(number, channel);
    if (hadWire) for (const listener of this.connectionListeners) listener(false);
    if (!this.stopped) void this.connect();
  }

  /** Events sent while the wire was down are lost: tell the screens where things stand now. */
  private async refreshAfterReconnect(): Promise<void> {
    const session = await this.call('session:get', {});
    if (session.ok) this.calls.emit('session', session.value);
    const status = await this.call('sync:status', {});
    if (status.ok) this.calls.emit('sync:status', status.value);
  }
}

function errorAnswer(request: MessageToRemote): MessageFromRemote {
  return {
    connectionId: request.connectionId,
    answerTo: request.requestId,
    method: request.method,
    error: { name: 'Error', message: 'the connection to the workstation service was lost', code: 'VENTANILLA_LOST' } as never,
  };
}

/** The Platform of a ServiceClient; `kind` and `openExternal` are the transport's. */
export function platformOver(client: ServiceClient, kind: Platform['kind'], openExternal: (url: string) => void): Platform {
  return {
    kind,
    call: (channel, arg) => client.call(channel, arg),
    on: (event, listener) => client.on(event, listener),
    watchDatabase: (name, listener) => client.watchDatabase(name, listener),
    openExternal,
  };
}

/** Only these leave the app for the system's browser or mail program (STYLE.md). */
export function isExternalUrl(url: string): boolean {
  try {
    return ['http:', 'https:', 'mailto:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}
