// Exponential backoff with jitter, and the one place every request of the sync waits before it
// tries the server again.
//
// Why jitter: after a server restart, 200 workstations of a council that all failed at the same
// moment would otherwise all come back at the same moment, again and again ("thundering herd",
// https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). Half of each delay
// is fixed and half random ("equal jitter"), so no retry comes sooner than half its step.

export type BackoffPolicy = {
  /** The first delay, in ms. */
  initialMs: number;
  /** The longest delay, in ms. */
  maxMs: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
};

export const DEFAULT_BACKOFF: Readonly<Required<BackoffPolicy>> = { initialMs: 1_000, maxMs: 30_000, factor: 2 };

/**
 * The delay before retry number `attempt` (0 for the first retry): `initialMs · factor^attempt`,
 * at most `maxMs`, of which a random half is taken off.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const factor = policy.factor ?? DEFAULT_BACKOFF.factor;
  const step = Math.min(policy.maxMs, policy.initialMs * factor ** Math.max(0, Math.min(attempt, 64)));
  return Math.round(step / 2 + (step / 2) * random());
}

/** Rejects with the signal's reason once `signal` aborts; resolves after `ms` otherwise. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/**
 * Where every failed request of the sync (any collection, pull or push) waits before its next
 * try. Each request backs off by its own failures in a row — sixteen requests failing together
 * are one outage, not sixteen — and one success anywhere (a pull answered, the live stream
 * reconnected) wakes every waiting request at once, so the workstation catches up as soon as
 * the server is back instead of when the longest backoff runs out.
 */
export class RetryGate {
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** Something got through: every waiting request tries again now. */
  succeeded(): void {
    this.wakeAll();
  }

  /** Wakes every waiting request now (the live stream is back; a person pressed "retry"). */
  wakeAll(): void {
    const sleepers = [...this.sleepers];
    this.sleepers.clear();
    for (const wake of sleepers) wake();
  }

  /** The wait after failure number `attempt` (0: the first), for logs and tests. */
  delayOf(attempt: number): number {
    return backoffDelay(attempt, this.policy, this.random);
  }

  /**
   * Waits the backoff of a request's `attempt`-th failure in a row (0: the first), or less if
   * woken; rejects when `signal` aborts.
   */
  wait(attempt: number, signal?: AbortSignal): Promise<void> {
    const ms = this.delayOf(attempt);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const finish = () => {
        clearTimeout(timer);
        this.sleepers.delete(finish);
        signal?.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = () => {
        clearTimeout(timer);
        this.sleepers.delete(finish);
        reject(signal?.reason);
      };
      const timer = setTimeout(finish, ms);
      this.sleepers.add(finish);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }
}
