// The workstation's session with the central server: signs in, keeps a valid access token,
// refreshes it before it expires and when the server says it has (one refresh at a time, shared
// by every request waiting for it), and gives up clearly — "signed out" — when the server
// refuses the session for good. The protocol is core/sync/auth-protocol.ts: refresh tokens
// rotate, so two refreshes racing with one token would sign the clerk out; hence one in flight.
import { BehaviorSubject } from 'rxjs';
import {
  API_PATHS,
  parseLoginResponse,
  parseRefreshResponse,
  type AuthTokens,
  type LoginRequest,
  type SignedInUser,
  type WorkstationProof,
} from '../../core/sync';
import { callServer, invalidAnswer, type FetchFunction, type ServerAnswer } from './server-client';
import { SyncError, type SyncErrorCode } from './sync-errors';

export type AuthState =
  /** No token yet: signing in has not succeeded (the server may be unreachable). */
  | 'signing-in'
  | 'signed-in'
  /** The server refused the credentials or the session: a person must sign in again. */
  | 'signed-out';

export type AuthSessionOptions = {
  serverUrl: string;
  fetch: FetchFunction;
  /** To sign in, and to sign in again when the refresh token is refused (the headless service). */
  credentials?: LoginRequest;
  /** Tokens kept from an earlier session (the desktop keeps them with the OS keychain). */
  tokens?: AuthTokens;
  /** Who the tokens belong to, when known. */
  user?: SignedInUser;
  /**
   * This workstation's stable id (main/host/workstation-id.ts), sent with every sign-in and
   * refresh: the server binds the session to it, and takes the delivery state of a reply away
   * from the clerk's departments only from the workstation that sends it. Default:
   * `credentials.workstationId`.
   */
  workstationId?: string;
  /**
   * The secret that proves `workstationId` (main/host/workstation-id.ts), sent beside it: the
   * server registers it the first time, and refuses the id without it from then on. Default:
   * `credentials.workstationSecret`. Ignored without a `workstationId`.
   */
  workstationSecret?: string;
  requestTimeoutMs?: number;
  /** Called with every new pair of tokens, to keep them (the refresh token is spent on use). */
  onTokens?: (tokens: AuthTokens, user: SignedInUser | undefined) => void;
  /** For tests. */
  now?: () => number;
};

/** Clocks further apart than this are corrected for (a PC set to the wrong time or zone). */
const CLOCK_SKEW_TOLERANCE_MS = 5_000;
/** Refresh this long before the access token expires, at most (a fifth of its life when shorter). */
const REFRESH_MARGIN_MS = 60_000;

type HeldTokens = AuthTokens & {
  /** The expiry times in this machine's clock. */
  accessExpiresLocal: number;
  refreshExpiresLocal: number;
  /** When to refresh, in this machine's clock. */
  refreshAtLocal: number;
};

export class AuthSession {
  readonly state$: BehaviorSubject<AuthState>;
  private held: HeldTokens | undefined;
  private credentials: LoginRequest | undefined;
  private userValue: SignedInUser | undefined;
  private renewal: Promise<string> | undefined;
  private refusal: SyncError | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly controller = new AbortController();
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly workstationId: string | undefined;
  private readonly workstationSecret: string | undefined;

  constructor(private readonly options: AuthSessionOptions) {
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.credentials = options.credentials;
    this.userValue = options.user;
    this.workstationId = options.workstationId ?? options.credentials?.workstationId;
    this.workstationSecret = options.workstationSecret ?? options.credentials?.workstationSecret;
    if (!options.tokens && !options.credentials) throw new TypeError('the sync needs credentials or tokens to sign in');
    this.state$ = new BehaviorSubject<AuthState>(options.tokens ? 'signed-in' : 'signing-in');
    if (options.tokens) this.hold(options.tokens, undefined, false);
  }

  /** The signed-in user, once the server said who it is. */
  get user(): SignedInUser | undefined {
    return this.userValue;
  }

  /** Why the session ended, while signed out. */
  get signedOutBecause(): SyncError | undefined {
    return this.refusal;
  }

  /**
   * A valid access token: the one held, or a new one when it is about to expire (signing in
   * first if needed). Throws a SyncError: `signed-out` for good, `offline`/`server` to retry.
   */
  async accessToken(): Promise<string> {
    if (this.renewal) return this.renewal;
    if (this.refusal) throw this.refusal;
    if (this.held && this.now() < this.held.refreshAtLocal) return this.held.accessToken;
    return this.renew();
  }

  /**
   * The server refused `token` (401): renew it, unless another request already did. Resolves
   * once a newer token is there; throws as {@link accessToken}.
   */
  async tokenRefused(token: string): Promise<void> {
    if (this.renewal) {
      await this.renewal;
      return;
    }
    if (this.refusal) throw this.refusal;
    if (this.held && this.held.accessToken !== token) return;
    await this.renew();
  }

  /** Signs in again (after `signed-out`), as the same user: the replica on disk is theirs. */
  async signIn(credentials: LoginRequest): Promise<SignedInUser> {
    if (this.renewal) await this.renewal.catch(() => undefined);
    this.credentials = credentials;
    this.refusal = undefined;
    this.held = undefined;
    if (this.state$.value === 'signed-out') this.state$.next('signing-in');
    await this.renew();
    if (!this.userValue) throw new SyncError('server', 'invalid_answer', 'the server did not say who signed in');
    return this.userValue;
  }

  /** Stops renewing; requests waiting for a sign-in are let go. */
  stop(): void {
    clearTimeout(this.timer);
    this.controller.abort();
    this.state$.complete();
  }

  private renew(): Promise<string> {
    this.renewal ??= this.renewOnce().finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  private async renewOnce(): Promise<string> {
    const held = this.held;
    if (held && this.now() < held.refreshExpiresLocal) {
      try {
        // Naming the workstation also binds a session signed in before it was asked, and its
        // secret registers a workstation the server has not seen prove itself yet (server/auth).
        const answer = await this.post(API_PATHS.refresh, { refreshToken: held.refreshToken, ...this.workstation() });
        const tokens = parseRefreshResponse(answer.body);
        if (!tokens.ok) throw invalidAnswer('refresh answer', tokens.error.message);
        return this.hold(tokens.value, answer.serverTime);
      } catch (error) {
        // Unreachable or failing: keep the tokens and let the caller retry. Refused: the refresh
        // token is spent or revoked (or the account disabled); sign in again if we can.
        if (!(error instanceof SyncError) || (error.kind !== 'auth' && error.kind !== 'refused')) throw error;
      }
    }
    this.held = undefined;
    const credentials = this.credentials;
    if (!credentials) throw this.signOut('session_expired', 'the server refused the session and there is no password to sign in again');
    let answer: ServerAnswer;
    try {
      answer = await this.post(API_PATHS.login, { ...credentials, ...this.workstation() });
    } catch (error) {
      if (error instanceof SyncError && (error.kind === 'auth' || error.kind === 'refused')) {
        throw this.signOut(error.kind === 'auth' ? 'invalid_credentials' : error.code, error.message);
      }
      throw error;
    }
    const login = parseLoginResponse(answer.body);
    if (!login.ok) throw invalidAnswer('login answer', login.error.message);
    const { user, ...tokens } = login.value;
    if (this.userValue && this.userValue.id !== user.id) {
      throw this.signOut('forbidden', `signed in as ${user.email}, but this replica belongs to ${this.userValue.email}`);
    }
    this.userValue = user;
    return this.hold(tokens, answer.serverTime);
  }

  private workstation(): WorkstationProof {
    if (this.workstationId === undefined) return {};
    return { workstationId: this.workstationId, ...(this.workstationSecret !== undefined && { workstationSecret: this.workstationSecret }) };
  }

  private post(path: string, body: unknown): Promise<ServerAnswer> {
    return callServer(this.options.fetch, this.options.serverUrl, {
      method: 'POST',
      path,
      body,
      signal: this.controller.signal,
      timeoutMs: this.timeoutMs,
    });
  }

  private hold(tokens: AuthTokens, serverTime: number | undefined, announce = true): string {
    const receivedAt = this.now();
    const skew = serverTime !== undefined && Math.abs(serverTime - receivedAt) > CLOCK_SKEW_TOLERANCE_MS ? serverTime - receivedAt : 0;
    const accessExpiresLocal = tokens.accessTokenExpiresAt - skew;
    const life = Math.max(0, accessExpiresLocal - receivedAt);
    const refreshAtLocal = accessExpiresLocal - Math.min(REFRESH_MARGIN_MS, life / 5);
    this.held = { ...tokens, accessExpiresLocal, refreshExpiresLocal: tokens.refreshTokenExpiresAt - skew, refreshAtLocal };
    this.refusal = undefined;
    if (this.state$.value !== 'signed-in') this.state$.next('signed-in');
    if (announce) this.options.onTokens?.(tokens, this.userValue);
    this.schedule(refreshAtLocal - receivedAt);
    return tokens.accessToken;
  }

  /** Refreshes ahead of expiry, so that no request has to wait for a 401 first. */
  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.controller.signal.aborted) return;
    this.timer = setTimeout(() => {
      // A failure here is met again, and reported, by the next request that needs a token.
      if (!this.renewal && !this.refusal) this.renew().catch(() => undefined);
    }, Math.max(0, Math.min(delayMs, 2 ** 31 - 1)));
    this.timer.unref?.();
  }

  private signOut(code: SyncErrorCode, message: string): SyncError {
    clearTimeout(this.timer);
    this.held = undefined;
    this.refusal = new SyncError('signed-out', code, message);
    this.state$.next('signed-out');
    return this.refusal;
  }
}
