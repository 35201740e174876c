// Signing out ends the session on the central server too: the refresh token is revoked
// (`POST /api/v1/auth/logout`), so a copy of it — a backup of the data folder, a stolen PC's
// token file — cannot open the clerk's session again. A clerk may sign out with no network (the
// point of a local-first workstation), so the token waits in the session vault (session-vault.ts:
// sealed with the keychain's key in the app, `pending-revocations.json`, mode 0600, elsewhere)
// and is sent at the next chance: at once when the server answers,
// at the next start, at the next sign-in, and every few minutes meanwhile. A token past its
// expiry is dropped: the server refuses it by itself by then.
import { API_PATHS, type AuthTokens } from '../../core/sync';
import { callServer, type FetchFunction } from '../sync/server-client';
import { toSyncError } from '../sync/sync-errors';
import { plainSessionVault, type SessionVault } from './session-vault';

/** A refresh token to revoke on the server it came from. */
export type PendingRevocation = { serverUrl: string; refreshToken: string; expiresAt: number };

export type RevocationOutcome =
  /** The server has revoked it (or had already forgotten it). */
  | 'revoked'
  /** The server could not be reached (or failed): kept, and sent again later. */
  | 'pending'
  /** The server refused the call for good (an older server with no sign-out call): dropped; it expires by itself. */
  | 'refused';

export type TokenRevocationsOptions = {
  dataDir: string;
  /** Where the pending tokens are kept (default: the owner-only file of `dataDir`). */
  vault?: SessionVault;
  fetch: FetchFunction;
  log?: (line: string) => void;
  clock?: () => number;
  /** How long one attempt may take (default 5 s): the clerk may be waiting for the sign-out. */
  timeoutMs?: number;
  /** First retry after a failed attempt (default 30 s), doubling to `maxRetryMs` (default 10 min). */
  retryMs?: number;
  maxRetryMs?: number;
};

function isPending(value: unknown): value is PendingRevocation {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.serverUrl === 'string' && typeof entry.refreshToken === 'string' && typeof entry.expiresAt === 'number';
}

export class TokenRevocations {
  private readonly vault: SessionVault;
  private readonly log: (line: string) => void;
  private readonly clock: () => number;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private stopped = false;

  constructor(private readonly options: TokenRevocationsOptions) {
    this.log = options.log ?? (() => undefined);
    this.vault = options.vault ?? plainSessionVault(options.dataDir, this.log);
    this.clock = options.clock ?? Date.now;
    this.delayMs = options.retryMs ?? 30_000;
  }

  /** What still waits to be revoked (expired entries left out). */
  pending(): PendingRevocation[] {
    const raw = this.vault.read('pending-revocations');
    const now = this.clock();
    return Array.isArray(raw) ? raw.filter(isPending).filter((entry) => entry.expiresAt > now) : [];
  }

  /**
   * Keeps the session's refresh token for revocation (on disk first: a crash right after the
   * sign-out loses nothing), then sends it. With `wait`, resolves when the attempt is over
   * (at most one timeout); without, the attempt runs in the background.
   */
  async revoke(serverUrl: string, tokens: Pick<AuthTokens, 'refreshToken' | 'refreshTokenExpiresAt'>, { wait }: { wait: boolean }): Promise<void> {
    if (tokens.refreshTokenExpiresAt <= this.clock()) return;
    const entries = this.pending().filter((entry) => entry.refreshToken !== tokens.refreshToken);
    entries.push({ serverUrl, refreshToken: tokens.refreshToken, expiresAt: tokens.refreshTokenExpiresAt });
    this.save(entries);
    const attempt = this.flush();
    if (wait) await attempt;
  }

  /**
   * Sends every pending revocation once; those the server could not take stay for a retry. A
   * call while an attempt runs waits for it and then sends what was added meanwhile.
   */
  flush(): Promise<void> {
    if (this.running) return this.running.then(() => this.flush());
    const run = this.sendAll().finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  /** No more retries (the service is stopping); what is pending stays on disk for the next start. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async sendAll(): Promise<void> {
    clearTimeout(this.timer);
    const entries = this.pending();
    if (entries.length === 0) {
      this.save([]);
      return;
    }
    const outcomes = await Promise.all(entries.map((entry) => this.send(entry)));
    // Another sign-out may have added an entry while these were sent: keep it.
    const done = new Set(entries.filter((_, i) => outcomes[i] !== 'pending').map((entry) => entry.refreshToken));
    const left = this.pending().filter((entry) => !done.has(entry.refreshToken));
    this.save(left);
    if (left.length === 0) {
      this.delayMs = this.options.retryMs ?? 30_000;
      return;
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
    this.timer.unref();
    this.delayMs = Math.min(this.delayMs * 2, this.options.maxRetryMs ?? 10 * 60_000);
  }

  private async send(entry: PendingRevocation): Promise<RevocationOutcome> {
    try {
      await callServer(this.options.fetch, entry.serverUrl, {
        method: 'POST',
        path: API_PATHS.logout,
        body: { refreshToken: entry.refreshToken },
        timeoutMs: this.options.timeoutMs ?? 5_000,
      });
      this.log(`sign-out: the session's refresh token is revoked on ${entry.serverUrl}`);
      return 'revoked';
    } catch (caught) {
      const error = toSyncError(caught);
      if (error.kind === 'offline' || error.kind === 'server' || error.kind === 'stopped') {
        this.log(`sign-out: ${entry.serverUrl} cannot revoke the session now (${error.message}); trying again later`);
        return 'pending';
      }
      this.log(
        `sign-out: ${entry.serverUrl} refused to revoke the session (${error.message}); its refresh token expires by itself on ${new Date(entry.expiresAt).toISOString()}`,
      );
      return 'refused';
    }
  }

  private save(entries: PendingRevocation[]): void {
    if (entries.length === 0) this.vault.remove('pending-revocations');
    else this.vault.write('pending-revocations', entries);
  }
}
