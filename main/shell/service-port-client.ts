/**
 * The Electron main process's own connection to the workstation service (service-host.ts): it
 * hears the service's events (`ticket:assigned`, `ticket:escalated`) for the native notifications
 * and may call the app API (the clerk's language for their text). The same protocol the screens
 * speak (core/app-api/protocol.ts), over a MessagePort. No electron import: tested in Node
 * against the service itself.
 */
import type { AppArg, AppChannel, AppEvent, AppEvents, AppResult, AppValue } from '../../core/app-api';
import { ClientCalls, parseServiceMessage } from '../../core/app-api/client-calls';

export type ShellServiceClientOptions = {
  /** Sends one message (JSON text) to the service. */
  post(text: string): void;
  /** How long a call may wait for its answer (default 10 s): the main thread must never hang on the service. */
  timeoutMs?: number;
};

export class ShellServiceClient {
  private readonly calls: ClientCalls;
  private closedBecause: string | undefined;

  constructor(private readonly options: ShellServiceClientOptions) {
    const start = (fire: () => void, ms: number) => {
      const timer = setTimeout(fire, ms);
      return () => clearTimeout(timer);
    };
    this.calls = new ClientCalls({ deadline: { ms: options.timeoutMs ?? 10_000, start } });
  }

  /** A message from the service (JSON text); anything else is ignored: the service logs its own failures. */
  receive(text: string): void {
    const message = parseServiceMessage(text);
    if (message) this.calls.take(message);
  }

  onEvent<E extends AppEvent>(event: E, listener: (value: AppEvents[E]) => void): () => void {
    return this.calls.on(event, listener);
  }

  /** Calls the app API; answers `{ok: false}` (never throws, never hangs) when the service cannot answer. */
  call<K extends AppChannel>(channel: K, arg: AppArg<K>): Promise<AppResult<AppValue<K>>> {
    if (this.closedBecause !== undefined) return Promise.resolve({ ok: false, error: { code: 'server_unreachable', message: this.closedBecause } });
    return this.calls.call(channel, arg, (message) => this.options.post(JSON.stringify(message)));
  }

  /** The connection ended: pending calls answer at once, later ones too. */
  close(reason: string): void {
    this.closedBecause = reason;
    this.calls.failAll(reason);
  }
}
