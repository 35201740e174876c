// A small client of the service protocol (core/app-api/protocol.ts) for the host's tests: calls,
// events, and RxDB remote-storage channels, over any wire that carries text. It speaks the
// protocol as the screens do (renderer/platform/service-client.ts), without their reconnection.
import { Subject } from 'rxjs';
import { createRxDatabase, type RxDatabase } from 'rxdb';
import { getRxStorageRemote, type MessageFromRemote, type MessageToRemote, type RemoteMessageChannel } from 'rxdb/plugins/storage-remote';
import type { AppArg, AppChannel, AppEvent, AppEvents, AppResult, AppValue } from '../../../core/app-api';
import type { ClientMessage, ServiceMessage } from '../../../core/app-api/protocol';
import { collections, type CollectionName, type Collections } from '../../../core/schemas';

export class ProtocolClient {
  private nextId = 1;
  private nextChannel = 1;
  private readonly calls = new Map<number, (result: AppResult<unknown>) => void>();
  private readonly channels = new Map<number, Subject<MessageFromRemote>>();
  private readonly pending = new Map<number, Map<string, MessageToRemote>>();
  readonly events: { event: AppEvent; value: unknown }[] = [];
  readonly closedChannels: { channel: number; reason: string }[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly sendText: (text: string) => void) {}

  /** Give it every message the service sends. */
  receive(text: string): void {
    const message = JSON.parse(text) as ServiceMessage;
    if (message.t === 'result') {
      this.calls.get(message.id)?.(message.result);
      this.calls.delete(message.id);
    } else if (message.t === 'event') {
      this.events.push({ event: message.event, value: message.value });
    } else if (message.t === 'storage') {
      this.pending.get(message.channel)?.delete(message.message.answerTo);
      this.channels.get(message.channel)?.next(message.message as MessageFromRemote);
    } else if (message.t === 'storage-closed') {
      this.closedChannels.push({ channel: message.channel, reason: message.reason });
      // As the screens do: what waits for an answer on a dead channel gets an error at once.
      const channel = this.channels.get(message.channel);
      for (const request of this.pending.get(message.channel)?.values() ?? []) {
        channel?.next({ connectionId: request.connectionId, answerTo: request.requestId, method: request.method, error: { message: 'channel closed' } } as never);
      }
      this.pending.delete(message.channel);
    }
    for (const waiter of this.waiters) waiter();
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.sendText(JSON.stringify(message));
  }

  call<K extends AppChannel>(channel: K, arg: AppArg<K>): Promise<AppResult<AppValue<K>>> {
    return this.rawCall(channel, arg) as Promise<AppResult<AppValue<K>>>;
  }

  /** A call with any channel and argument, as a hostile or outdated screen might send. */
  rawCall(channel: string, arg: unknown): Promise<AppResult<unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.calls.set(id, resolve);
      this.send({ t: 'call', id, channel, arg });
    });
  }

  /** Resolves with the first event of its kind (already received or to come) that passes `test`. */
  async nextEvent<E extends AppEvent>(event: E, test: (value: AppEvents[E]) => boolean = () => true, timeoutMs = 20_000): Promise<AppEvents[E]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((entry) => entry.event === event && test(entry.value as AppEvents[E]));
      if (found) return found.value as AppEvents[E];
      if (Date.now() > deadline) throw new Error(`no ${event} event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((entry) => entry.event))}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
        setTimeout(wake, 100);
      });
    }
  }

  /** A storage channel as RxDB's remote storage wants it. */
  storageChannel(): RemoteMessageChannel & { number: number } {
    const number = this.nextChannel++;
    const messages$ = new Subject<MessageFromRemote>();
    this.channels.set(number, messages$);
    const pending = new Map<string, MessageToRemote>();
    this.pending.set(number, pending);
    this.send({ t: 'storage-open', channel: number });
    return {
      number,
      send: (message: MessageToRemote) => {
        if (!this.pending.has(number)) {
          queueMicrotask(() => messages$.next({ connectionId: message.connectionId, answerTo: message.requestId, method: message.method, error: { message: 'channel closed' } } as never));
          return;
        }
        pending.set(message.requestId, message);
        this.send({ t: 'storage', channel: number, message });
      },
      messages$: messages$.asObservable(),
      close: async () => {
        this.send({ t: 'storage-close', channel: number });
        this.channels.delete(number);
      },
    };
  }

  /**
   * Opens the clerk's database as the screens do: over the remote storage, same schemas. Only
   * some collections: RxDB's open core allows 13 open collections per process, and the service's
   * database in the same test process holds 9 (the screens run in a process of their own).
   */
  async openDatabase(name: string, names: readonly CollectionName[] = ['tickets', 'users']): Promise<RxDatabase<Collections>> {
    const storage = getRxStorageRemote({ identifier: `test-${name}-${this.nextChannel}`, mode: 'storage', messageChannelCreator: () => Promise.resolve(this.storageChannel()) });
    const db = await createRxDatabase<Collections>({ name, storage, multiInstance: false, eventReduce: true });
    await db.addCollections(Object.fromEntries(names.map((collection) => [collection, collections[collection]])) as typeof collections);
    return db;
  }
}

/** Waits until `check` holds, polling (for replication, which has no single event to wait on). */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 30_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
