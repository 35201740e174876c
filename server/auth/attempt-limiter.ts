/**
 * Counts sign-in attempts in a sliding window, per key, in memory. The login route reserves an
 * attempt before it checks the password (so a burst of parallel guesses is counted before any of
 * them finishes) and gives it back when the password was right: only failures use up the
 * allowance. Per process: with N server processes behind a load balancer, an attacker gets N
 * times the allowance, still far too few guesses for a password of 12 characters.
 *
 * @fastify/rate-limit keys requests before the body is read; this limit needs the e-mail of the
 * body, and keying by IP alone would lock out a whole office behind one NAT address.
 */
export type AttemptLimiterOptions = { max: number; windowMs: number; maxKeys?: number };

export class AttemptLimiter {
  private readonly attempts = new Map<string, number[]>();
  private readonly maxKeys: number;

  constructor(private readonly options: AttemptLimiterOptions) {
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /**
   * Takes one attempt for `key`. Returns null when allowed, or how many ms to wait when the key
   * has used its allowance.
   */
  reserve(key: string, now: number): number | null {
    const recent = this.recent(key, now);
    if (recent.length >= this.options.max) return recent[0]! + this.options.windowMs - now;
    recent.push(now);
    this.attempts.delete(key);
    this.attempts.set(key, recent);
    this.evict();
    return null;
  }

  /** Gives back the attempt taken at `at` (the password was right). */
  release(key: string, at: number): void {
    const recent = this.attempts.get(key);
    if (!recent) return;
    const index = recent.lastIndexOf(at);
    if (index >= 0) recent.splice(index, 1);
    if (recent.length === 0) this.attempts.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const since = now - this.options.windowMs;
    return (this.attempts.get(key) ?? []).filter((at) => at > since);
  }

  /** Keeps memory bounded: the least recently used keys go first (Map keeps insertion order). */
  private evict(): void {
    while (this.attempts.size > this.maxKeys) {
      const oldest = this.attempts.keys().next().value;
      if (oldest === undefined) return;
      this.attempts.delete(oldest);
    }
  }
}
