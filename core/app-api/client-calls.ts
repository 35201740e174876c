// The client's half of the app API's bookkeeping (protocol.ts): each call gets an id and waits
// for the result of that id; each event goes to its listeners; when the connection ends, every
// call still waiting answers `server_unreachable` at once — never a hang, never a throw. The
// screens' ServiceClient (renderer/platform/service-client.ts) and the Electron main process's
// own ShellServiceClient (main/shell/service-port-client.ts) speak the same protocol over
// different wires; this is what they share, so a fix to one is a fix to both. What differs stays
// theirs: the screens reconnect and carry RxDB's storage channels; the shell gives each call a
// deadline, since its main thread must never wait on the service.
//
// Platform-free: no timers here (core has neither Node's nor the DOM's); a deadline comes with
// the caller's own way of starting one.
import type { AppArg, AppChannel, AppEvent, AppEvents, AppResult, AppValue } from './index';
import { isServiceMessage, type ClientMessage, type ServiceMessage } from './protocol';

/** Starts a timer that calls `fire` after `ms`; returns what cancels it (e.g. over setTimeout). */
export type StartTimer = (fire: () => void, ms: number) => () => void;

export type ClientCallsOptions = {
  /** How long a call may wait for its result before it answers `server_unreachable` (none by default). */
  deadline?: { ms: number; start: StartTimer };
};

/** A service message from its JSON text, or undefined for anything else (not JSON, not the protocol). */
export function parseServiceMessage(text: string): ServiceMessage | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isServiceMessage(message) ? message : undefined;
}

const unreachable = (message: string): AppResult<never> => ({ ok: false, error: { code: 'server_unreachable', message } });

type Waiting = { resolve(result: AppResult<unknown>): void; cancelDeadline?: () => void };

export class ClientCalls {
  private readonly waiting = new Map<number, Waiting>();
  private readonly listeners = new Map<AppEvent, Set<(value: unknown) => void>>();
  private nextId = 1;

  constructor(private readonly options: ClientCallsOptions = {}) {}

  /** How many calls wait for their result. */
  get pending(): number {
    return this.waiting.size;
  }

  /**
   * Sends a call with `post` and answers with its result; `server_unreachable` when `post` throws,
   * the deadline passes, or `failAll` comes first.
   */
  call<K extends AppChannel>(channel: K, arg: AppArg<K>, post: (message: ClientMessage) => void): Promise<AppResult<AppValue<K>>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const entry: Waiting = { resolve: resolve as Waiting['resolve'] };
      this.waiting.set(id, entry);
      const deadline = this.options.deadline;
      if (deadline) entry.cancelDeadline = deadline.start(() => this.settle(id, unreachable(`the workstation service did not answer ${channel} in time`)), deadline.ms);
      try {
        post({ t: 'call', id, channel, arg });
      } catch (error) {
        this.settle(id, unreachable(error instanceof Error ? error.message : String(error)));
      }
    });
  }

  /** Takes a result (to its call) or an event (to its listeners) and says so; other messages (storage) are the caller's. */
  take(message: ServiceMessage): boolean {
    if (message.t === 'result') {
      this.settle(message.id, message.result);
      return true;
    }
    if (message.t === 'event') {
      this.emit(message.event, message.value as AppEvents[typeof message.event]);
      return true;
    }
    return false;
  }

  on<E extends AppEvent>(event: E, listener: (value: AppEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const untyped = listener as (value: unknown) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  /** Gives `value` to the listeners of `event`, as if the service had sent it (a state fetched again after a reconnection). */
  emit<E extends AppEvent>(event: E, value: AppEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(value);
  }

  /** The connection ended: every call still waiting answers `server_unreachable` with `message`. */
  failAll(message: string): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, unreachable(message));
  }

  /** Answers call `id` once; a late or unknown answer (after its deadline, say) is dropped. */
  private settle(id: number, result: AppResult<unknown>): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    this.waiting.delete(id);
    entry.cancelDeadline?.();
    entry.resolve(result);
  }
}
