/**
 * Signing in (`POST /api/v1/auth/login`), refreshing tokens (`POST /api/v1/auth/refresh`),
 * signing out (`POST /api/v1/auth/logout`), and the `authenticate` hook every other route runs
 * first. Shapes: core/sync/auth-protocol.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  API_PATHS,
  parseLoginRequest,
  parseLogoutRequest,
  parseRefreshRequest,
  WORKSTATION_REFUSED_MESSAGE,
  type AuthTokens,
  type LoginResponse,
  type LogoutResponse,
  type RefreshResponse,
  type SignedInUser,
} from '../../core/sync/replication-protocol';
import type { ServerDatabase, UserAccount } from '../db/index';
import { ApiFailure, valueOf } from '../api-errors';
import { audit } from '../replication/push-documents';
import { AttemptLimiter, type AttemptLimiterOptions } from './attempt-limiter';
import { verifyNothing, verifyPassword } from './passwords';
import { hashRefreshToken, newRefreshToken, type AccessTokenClaims, type TokenSigner } from './tokens';
import { checkWorkstation } from './workstation-proof';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts for; set by `authenticate`, null on the sign-in routes. */
    actor: AccessTokenClaims | null;
  }
}

export type LoginLimits = {
  /** Failed sign-ins per e-mail address and client IP (default 10 per 15 minutes). */
  perAccount: AttemptLimiterOptions;
  /** Failed sign-ins per client IP, whatever the address (default 100 per 15 minutes). */
  perIp: AttemptLimiterOptions;
};

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perAccount: { max: 10, windowMs: 15 * 60_000 },
  perIp: { max: 100, windowMs: 15 * 60_000 },
};

export type AuthOptions = {
  db: ServerDatabase;
  signer: TokenSigner;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  loginLimits: LoginLimits;
  clock: () => number;
};

/** The `onRequest` hook of every route but sign-in: a valid, unexpired bearer token, or 401. */
export function authenticator(signer: TokenSigner, clock: () => number) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new ApiFailure('unauthenticated', 'this call needs "Authorization: Bearer <access token>": sign in first');
    const checked = signer.verify(match[1]!, clock());
    if (!checked.ok) {
      if (checked.reason === 'expired') throw new ApiFailure('token_expired', 'the access token has expired: refresh it and repeat the call');
      throw new ApiFailure('unauthenticated', 'the access token is not valid here: sign in again');
    }
    request.actor = checked.claims;
  };
}

export function registerAuthRoutes(app: FastifyInstance, options: AuthOptions): void {
  const { db, signer, clock } = options;
  const perAccount = new AttemptLimiter(options.loginLimits.perAccount);
  const perIp = new AttemptLimiter(options.loginLimits.perIp);

  /** New tokens for `account`, bound to `workstationId` (the refresh token keeps it for the refreshes to come). */
  const issue = async (account: UserAccount, workstationId: string | null): Promise<AuthTokens> => {
    const now = clock();
    const actor = { userId: account.id, role: account.role, departmentIds: account.departmentIds, ...(workstationId !== null && { workstationId }) };
    const access = signer.sign(actor, now, options.accessTokenTtlMs);
    const refresh = newRefreshToken();
    const refreshTokenExpiresAt = now + options.refreshTokenTtlMs;
    await db.refreshTokens.insert({ tokenHash: refresh.hash, userId: account.id, createdAt: now, expiresAt: refreshTokenExpiresAt, workstationId });
    return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken: refresh.token, refreshTokenExpiresAt };
  };

  /**
   * The workstation proves its id, or registers it (workstation-proof.ts); throws `forbidden`,
   * audited, when the id is registered with another secret. `via` is the route, for the log;
   * `origin` what the audit entries of that route say of where the request came from.
   */
  const proveWorkstation = async (
    request: FastifyRequest,
    via: 'login' | 'refresh',
    userId: string,
    workstationId: string,
    secret: string | undefined,
    origin: Record<string, unknown> = { ip: request.ip },
  ): Promise<void> => {
    const check = await checkWorkstation(db, { workstationId, secret, userId, now: clock() });
    const detail = { ...origin, workstationId };
    if (check.outcome === 'registered') {
      await audit({ db, log: request.log }, { userId, action: 'workstation:register', outcome: 'ok', detail: { ...detail, via } });
      request.log.info({ userId, workstationId }, 'workstation registered');
    } else if (check.outcome === 'refused') {
      await audit({ db, log: request.log }, { userId, action: via, outcome: 'refused', reason: check.reason, detail });
      request.log.warn({ userId, workstationId }, 'workstation secret refused');
      // The same words for a wrong secret and a missing one (core/sync/auth-protocol.ts).
      throw new ApiFailure('forbidden', WORKSTATION_REFUSED_MESSAGE);
    }
  };

  // Small bodies only: a sign-in is a few hundred bytes.
  const small = { bodyLimit: 16 * 1024 };

  app.post(API_PATHS.login, small, async (request, reply): Promise<LoginResponse> => {
    const { email, password, workstation, workstationId, workstationSecret } = valueOf(parseLoginRequest(request.body));
    const now = clock();
    const accountKey = `${request.ip}\u0000${email.trim().toLowerCase()}`;
    let wait = perIp.reserve(request.ip, now);
    if (wait === null) {
      wait = perAccount.reserve(accountKey, now);
      if (wait !== null) perIp.release(request.ip, now);
    }
    const origin = { ip: request.ip, workstation: workstation ?? null, workstationId: workstationId ?? null };
    if (wait !== null) {
      await audit({ db, log: request.log }, { userId: null, action: 'login', outcome: 'refused', reason: `too many failed sign-ins for ${email}`, detail: origin });
      throw new ApiFailure('rate_limited', `too many failed sign-ins from this address: wait ${Math.ceil(wait / 1000)} s`, wait / 1000);
    }
    const account = await db.users.byEmail(email);
    const valid = account ? await verifyPassword(password, account.passwordHash) : await verifyNothing(password);
    if (!account || !valid) {
      await audit({ db, log: request.log }, {
        userId: account?.id ?? null,
        action: 'login',
        outcome: 'refused',
        reason: account ? 'wrong password' : `no account for ${email}`,
        detail: origin,
      });
      throw new ApiFailure('invalid_credentials', 'wrong e-mail address or password');
    }
    if (!account.active) {
      await audit({ db, log: request.log }, { userId: account.id, action: 'login', outcome: 'refused', reason: 'the account is disabled', detail: origin });
      throw new ApiFailure('invalid_credentials', 'this account is disabled: ask an administrator');
    }
    // Before the limiter forgets this attempt: a refused workstation counts as a failed sign-in,
    // so a stolen password does not buy unlimited guesses at a secret either.
    if (workstationId !== undefined) await proveWorkstation(request, 'login', account.id, workstationId, workstationSecret, origin);
    perAccount.release(accountKey, now);
    perIp.release(request.ip, now);
    const tokens = await issue(account, workstationId ?? null);
    await audit({ db, log: request.log }, { userId: account.id, action: 'login', outcome: 'ok', detail: origin });
    request.log.info({ userId: account.id, role: account.role }, 'signed in');
    void reply.header('cache-control', 'no-store');
    return { ...tokens, user: await signedInUser(db, account) };
  });

  app.post(API_PATHS.refresh, small, async (request, reply): Promise<RefreshResponse> => {
    const { refreshToken, workstationId, workstationSecret } = valueOf(parseRefreshRequest(request.body));
    const stored = await db.refreshTokens.consume(hashRefreshToken(refreshToken), clock());
    if (!stored) {
      await audit({ db, log: request.log }, { userId: null, action: 'refresh', outcome: 'refused', reason: 'unknown, spent or expired refresh token', detail: { ip: request.ip } });
      throw new ApiFailure('unauthenticated', 'the refresh token is unknown, spent or expired: sign in again');
    }
    const account = await db.users.byId(stored.userId);
    if (!account || !account.active) {
      await audit({ db, log: request.log }, { userId: stored.userId, action: 'refresh', outcome: 'refused', reason: 'the account is disabled or gone', detail: { ip: request.ip } });
      throw new ApiFailure('unauthenticated', 'this account can no longer sign in: ask an administrator');
    }
    // A session is bound to the workstation it was signed in on. Another one asking to refresh it
    // holds a copy of the token (a restored backup, a stolen file): refused, and the token is
    // spent, so the session ends and its workstation signs in again with the password.
    const bound = stored.workstationId ?? null;
    if (workstationId !== undefined && bound !== null && workstationId !== bound) {
      await audit({ db, log: request.log }, {
        userId: stored.userId,
        action: 'refresh',
        outcome: 'refused',
        reason: `the session belongs to workstation ${bound}, not to ${workstationId}`,
        detail: { ip: request.ip, workstationId },
      });
      throw new ApiFailure('unauthenticated', 'this session was signed in on another workstation: sign in again on this one');
    }
    // The session's workstation proves itself at every refresh that names it, as at sign-in: a
    // refresh token copied with the data folder (a backup) is no use there without the secret,
    // which the keychain seals. A session of a workstation not yet registered registers it here,
    // so an upgraded workstation needs no password to become proven. Refused: the token is spent,
    // the session over. A refresh that does not name a registered workstation cannot prove it:
    // the session goes on for the clerk, no longer bound to it (until a refresh proves it again).
    let sessionWorkstation = bound ?? workstationId ?? null;
    if (sessionWorkstation !== null && workstationId === undefined && (await db.workstations.byId(sessionWorkstation)) !== null) {
      await audit({ db, log: request.log }, {
        userId: stored.userId,
        action: 'refresh',
        outcome: 'ok',
        reason: `session unbound from workstation ${sessionWorkstation}: the refresh did not name it, and it is registered`,
        detail: { ip: request.ip, workstationId: sessionWorkstation },
      });
      sessionWorkstation = null;
    } else if (sessionWorkstation !== null) {
      await proveWorkstation(request, 'refresh', account.id, sessionWorkstation, workstationSecret);
    }
    if (bound === null && workstationId !== undefined) {
      // A session signed in before workstations said their id (or by an older client) is bound
      // at its first refresh that names one: nobody has to sign in again after an upgrade. The
      // refresh token is the proof of the session, as the password was at sign-in.
      await audit({ db, log: request.log }, { userId: stored.userId, action: 'refresh', outcome: 'ok', reason: 'session bound to its workstation', detail: { ip: request.ip, workstationId } });
    }
    void reply.header('cache-control', 'no-store');
    // Role and departments come from the account as it is now: a change by an administrator
    // reaches the user's rights at their next refresh (at most one access token lifetime).
    return issue(account, sessionWorkstation);
  });

  // Signing out revokes the refresh token, so a copy of it (a stolen laptop's token file, a
  // backup) cannot open the session again. The token is the proof: no access token is asked for,
  // because a workstation that signed out offline sends this days later, when its access token
  // has long expired. Idempotent: an unknown, spent or expired token answers `revoked: false`, so
  // a retry after a lost answer is no error. The access tokens already issued stay valid until
  // they expire (15 minutes): they are checked without the database (tokens.ts).
  app.post(API_PATHS.logout, small, async (request, reply): Promise<LogoutResponse> => {
    const { refreshToken } = valueOf(parseLogoutRequest(request.body));
    const stored = await db.refreshTokens.consume(hashRefreshToken(refreshToken), clock());
    if (stored) {
      await audit({ db, log: request.log }, { userId: stored.userId, action: 'logout', outcome: 'ok', detail: { ip: request.ip, workstationId: stored.workstationId ?? null } });
      request.log.info({ userId: stored.userId }, 'signed out');
    }
    void reply.header('cache-control', 'no-store');
    return { revoked: stored !== null };
  });
}

/** The signed-in user as the workstation needs it; the name comes from the replicated users document. */
async function signedInUser(db: ServerDatabase, account: UserAccount): Promise<SignedInUser> {
  const [row] = await db.getDocuments('users', [account.id]);
  let name = account.email;
  if (row) {
    const body = JSON.parse(row.body) as { name?: unknown };
    if (typeof body.name === 'string' && body.name.length > 0) name = body.name;
  }
  return { id: account.id, name, email: account.email, role: account.role, departmentIds: [...account.departmentIds] };
}
