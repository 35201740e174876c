// The screens' logger: a line goes to the browser console (for whoever has the developer tools
// open) and to the workstation service's log (`log:write`, core/app-api/screen-log.ts), where IT
// finds it after the window is gone. Data modules with no platform at hand (deadlines.ts,
// ticket-actions.ts) use the shared `screenLog`; the app attaches it to the platform at start,
// and lines written before that wait (a few) until then.
//
// A screen in a loop must not flood the wire or the log: the same line within `foldMs` is counted,
// not sent, and sent once as "repeated n times"; beyond `perMinute` lines (after a burst) lines are
// dropped and their number sent with the next one. The service limits again on its side.
import { SCREEN_LOG_LIMITS, type ScreenLogEntry, type ScreenLogLevel } from '../../core/app-api/screen-log';

/** Where attached lines go (the platform's `log:write` call); a failure is ignored: logging the logger's failure would loop. */
export type ScreenLogSink = (entry: ScreenLogEntry) => unknown;

type ConsoleLike = Pick<Console, 'error' | 'warn' | 'info'>;

export type ScreenLoggerOptions = {
  console?: ConsoleLike;
  /** The current route, sent with each line (default: the page's hash). */
  route?: () => string | undefined;
  clock?: () => number;
  /** Same line within this time: counted, not sent (default 10 s). */
  foldMs?: number;
  burst?: number;
  perMinute?: number;
  /** Lines kept until a sink is attached (default 50). */
  maxWaiting?: number;
};

export type ScreenLogger = {
  error(source: string, message: string, cause?: unknown): void;
  warn(source: string, message: string, cause?: unknown): void;
  info(source: string, message: string): void;
  /** Sends every line to `sink` from now on (and those waiting); returns the detach function. */
  attach(sink: ScreenLogSink): () => void;
};

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The stack of whatever was thrown (an Error, or anything else: a rejected promise may carry a string). */
function stackOf(cause: unknown): string | undefined {
  if (cause instanceof Error && cause.stack) return cause.stack;
  return undefined;
}

export function createScreenLogger(options: ScreenLoggerOptions = {}): ScreenLogger {
  const out = options.console;
  const route = options.route ?? (() => (typeof location === 'undefined' ? undefined : location.hash || '#/'));
  const clock = options.clock ?? Date.now;
  const foldMs = options.foldMs ?? 10_000;
  const burst = options.burst ?? 30;
  const perMs = (options.perMinute ?? 60) / 60_000;
  const maxWaiting = options.maxWaiting ?? 50;
  let sink: ScreenLogSink | undefined;
  const waiting: ScreenLogEntry[] = [];
  /** Lines sent lately, by text: when, and how many since were folded into it. */
  const recent = new Map<string, { sentAt: number; folded: number; timer?: ReturnType<typeof setTimeout> }>();
  let tokens = burst;
  let refilledAt = clock();
  let dropped = 0;

  const deliver = (entry: ScreenLogEntry) => {
    if (!sink) {
      if (waiting.length < maxWaiting) waiting.push(entry);
      return;
    }
    try {
      void Promise.resolve(sink(entry)).catch(() => undefined);
    } catch {
      // The transport is down: the line stays in the console only.
    }
  };

  const send = (entry: ScreenLogEntry) => {
    const now = clock();
    tokens = Math.min(burst, tokens + (now - refilledAt) * perMs);
    refilledAt = now;
    if (tokens < 1) {
      dropped++;
      return;
    }
    tokens--;
    if (dropped > 0) {
      deliver({ level: 'warn', source: 'screen-log', message: `${dropped} line(s) not sent: more than ${options.perMinute ?? 60} a minute` });
      dropped = 0;
    }
    deliver(entry);
  };

  const write = (level: ScreenLogLevel, source: string, message: string, cause?: unknown) => {
    out?.[level](`[${source}] ${message}`, ...(cause === undefined ? [] : [cause]));
    const stack = stackOf(cause);
    const at = route();
    const entry: ScreenLogEntry = {
      level,
      source: cut(source || 'screen', SCREEN_LOG_LIMITS.source),
      message: cut(message || '(no message)', SCREEN_LOG_LIMITS.message),
      ...(stack && { stack: cut(stack, SCREEN_LOG_LIMITS.stack) }),
      ...(at && { route: cut(at, SCREEN_LOG_LIMITS.route) }),
    };
    const key = `${entry.level}\u0000${entry.source}\u0000${entry.message}`;
    const now = clock();
    const last = recent.get(key);
    if (last && now - last.sentAt < foldMs) {
      last.folded++;
      // Said once the fold ends, so a loop that stops is still counted.
      last.timer ??= setTimeout(
        () => {
          const folded = recent.get(key);
          if (!folded || folded.folded === 0) return;
          recent.set(key, { sentAt: clock(), folded: 0 });
          send({ ...entry, repeated: Math.min(folded.folded, SCREEN_LOG_LIMITS.repeated) });
        },
        Math.max(0, foldMs - (now - last.sentAt)),
      );
      return;
    }
    if (recent.size > 200) recent.clear();
    recent.set(key, { sentAt: now, folded: 0 });
    send(entry);
  };

  return {
    error: (source, message, cause) => write('error', source, message, cause),
    warn: (source, message, cause) => write('warn', source, message, cause),
    info: (source, message) => write('info', source, message),
    attach(next) {
      sink = next;
      for (const entry of waiting.splice(0)) deliver(entry);
      return () => {
        if (sink === next) sink = undefined;
      };
    },
  };
}

/** The screens' logger (the console, and the service's log once App attaches it). */
export const screenLog: ScreenLogger = createScreenLogger({ console: typeof console === 'undefined' ? undefined : console });

/** What a thrown value says, as one line. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  if (typeof thrown === 'string') return thrown;
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}

/** Chromium's benign notice when a ResizeObserver callback resizes what it observes (MUI, the virtual list): not an error of ours. */
const BENIGN = /^ResizeObserver loop (completed with undelivered notifications|limit exceeded)/;

/**
 * Reports the page's uncaught errors and unhandled promise rejections (React 19 reports a render
 * error no boundary caught through `window.reportError`, so it arrives here too). Returns the
 * function that stops reporting.
 */
export function reportUncaughtErrors(target: Pick<Window, 'addEventListener' | 'removeEventListener'>, logger: ScreenLogger = screenLog): () => void {
  const onError = (event: ErrorEvent) => {
    const message = event.error !== undefined && event.error !== null ? describeThrown(event.error) : event.message;
    if (BENIGN.test(message)) return;
    const where = event.filename ? ` (${event.filename}:${event.lineno}:${event.colno})` : '';
    logger.error('uncaught', `${message}${where}`, event.error);
  };
  const onRejection = (event: PromiseRejectionEvent) => logger.error('unhandled-rejection', describeThrown(event.reason), event.reason);
  target.addEventListener('error', onError);
  target.addEventListener('unhandledrejection', onRejection);
  return () => {
    target.removeEventListener('error', onError);
    target.removeEventListener('unhandledrejection', onRejection);
  };
}
