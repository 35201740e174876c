/**
 * The Electron main process's own connection to the workstation service (service-host.ts): it
 * hears the service's events (`ticket:assigned`, `ticket:escalated`) for the native notifications
 * and may call the app API (the clerk's language for their text). The same protocol the screens
 * speak (core/app-api/protocol.ts), over a MessagePort. No electron import: tested in Node
 * against the service itself.
 */
import type { AppArg, AppChannel, AppEvent, AppEvents, AppResult, AppValue } from '../../core/app-api';
import { isServiceMessage, type ClientMessage } from '../../core/app-api/protocol';

export type ShellServiceClientOptions = {
  /** Sends one message (JSON text) to the service. */
  post(text: string): void;
  /** How long a call may wait for its answer (default 10 s): the main thread must never hang on the service. */
  timeoutMs?: number;
};

type Pending = { resolve(result: AppResult<unknown>): void; timer: ReturnType<typeof setTimeout> };

export class ShellServiceClient {
  private readonly listeners = new Map<AppEvent, Set<(value: unknown) => void>>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closedBecause: string | undefined;

  constructor(private readonly options: ShellServiceClientOptions) {}

  /** A message from the service (JSON text); anything else is ignored: the service logs its own failures. */
  receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (!isServiceMessage(message)) return;
    if (message.t === 'event') {
      for (const listener of this.listeners.get(message.event) ?? []) listener(message.value);
    } else if (message.t === 'result') {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      clearTimeout(waiting.timer);
      waiting.resolve(message.result);
    }
  }

  onEvent<E extends AppEvent>(event: E, listener: (value: AppEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const untyped = listener as (value: unknown) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  /** Calls the app API; answers `{ok: false}` (never throws, never hangs) when the service cannot answer. */
  call<K extends AppChannel>(channel: K, arg: AppArg<K>): Promise<AppResult<AppValue<K>>> {
    if (this.closedBecause !== undefined) return Promise.resolve({ ok: false, error: { code: 'server_unreachable', message: this.closedBecause } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'server_unreachable', message: `the workstation service did not answer ${channel} in time` } });
      }, this.options.timeoutMs ?? 10_000);
      this.pending.set(id, { resolve: resolve as (result: AppResult<unknown>) => void, timer });
      try {
        this.options.post(JSON.stringify({ t: 'call', id, channel, arg } satisfies ClientMessage));
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'server_unreachable', message: error instanceof Error ? error.message : String(error) } });
      }
    });
  }

  /** The connection ended: pending calls answer at once, later ones too. */
  close(reason: string): void {
    this.closedBecause = reason;
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.resolve({ ok: false, error: { code: 'server_unreachable', message: reason } });
      this.pending.delete(id);
    }
  }
}
