/**
 * Access tokens: short-lived, self-contained, signed with HMAC-SHA256 (node:crypto, no extra
 * dependency). Compact form, in the spirit of a JWS (RFC 7515) but with one fixed algorithm, so
 * there is no `alg` header to trust or confuse:
 *
 *   v1.<claims: base64url(JSON)>.<HMAC-SHA256(key, "v1." + claims): base64url>
 *
 * Claims: `sub` (users.id), `role`, `dep` (departments), `iat` and `exp` (ms since 1970), `jti`
 * (random, for the logs), and `wks`: the workstation the session was signed in on (its stable id,
 * sent at sign-in and kept with the refresh token; once the workstation has registered its secret,
 * issued only to a sign-in or refresh that presented it: workstation-proof.ts). Any server process holding the same secret
 * verifies them without a database read, which is what lets several processes share one
 * PostgreSQL.
 *
 * `wks` is optional, and the token format stays `v1`, so tokens issued before workstations said
 * their id keep working: a council's IT upgrades the server during the day without signing every
 * clerk out, nor leaving offline workstations with pushes they could no longer send. Such a token
 * may do everything but write a reply's delivery state from outside the clerk's departments
 * (server/replication/rights.ts `outboxStateWrite`), which is refused with "sign in again"; and
 * the workstation binds its session at its next refresh (auth-routes.ts), within 15 minutes.
 *
 * Refresh tokens are different: random 256-bit values, stored only as their SHA-256 (a stolen
 * database gives no usable token), rotated on every use (server/db refreshTokens.consume).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { USER_ROLES, type UserRole } from '../db/index';

/** Who a request acts for, as an access token says. */
export type Actor = {
  userId: string;
  role: UserRole;
  /** The departments they serve (empty for most admins). */
  departmentIds: readonly string[];
  /**
   * The workstation the session is bound to (its stable id, main/host/workstation-id.ts);
   * undefined for a session that never said it (signed in before it was asked, an older client,
   * the command line).
   */
  workstationId?: string;
};

export type AccessTokenClaims = Actor & { issuedAt: number; expiresAt: number; tokenId: string };

export type TokenCheck = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const VERSION = 'v1';

export type TokenSigner = {
  sign(actor: Actor, now: number, lifetimeMs: number): { token: string; expiresAt: number };
  verify(token: string, now: number): TokenCheck;
};

/**
 * Signs and verifies access tokens with a key derived from the server secret (a separate key per
 * use, so the secret itself signs nothing).
 */
export function createTokenSigner(secret: string): TokenSigner {
  if (typeof secret !== 'string' || secret.length < 32) {
    throw new Error('the server secret must have at least 32 characters (VENTANILLA_SECRET)');
  }
  const key = createHmac('sha256', secret).update('ventanilla access token v1').digest();
  const mac = (text: string) => createHmac('sha256', key).update(text).digest();
  return {
    sign(actor, now, lifetimeMs) {
      const expiresAt = now + lifetimeMs;
      const claims = {
        sub: actor.userId,
        role: actor.role,
        dep: [...actor.departmentIds],
        iat: now,
        exp: expiresAt,
        jti: randomBytes(9).toString('base64url'),
        ...(actor.workstationId !== undefined && { wks: actor.workstationId }),
      };
      const body = `${VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return { token: `${body}.${mac(body).toString('base64url')}`, expiresAt };
    },
    verify(token, now) {
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION || token.length > 8192) return { ok: false, reason: 'malformed' };
      const body = `${parts[0]}.${parts[1]}`;
      const signature = Buffer.from(parts[2]!, 'base64url');
      const expected = mac(body);
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return { ok: false, reason: 'bad_signature' };
      let claims: unknown;
      try {
        claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      const parsed = readClaims(claims);
      if (!parsed) return { ok: false, reason: 'malformed' };
      if (parsed.expiresAt <= now) return { ok: false, reason: 'expired' };
      return { ok: true, claims: parsed };
    },
  };
}

function readClaims(value: unknown): AccessTokenClaims | null {
  if (typeof value !== 'object' || value === null) return null;
  const { sub, role, dep, iat, exp, jti, wks } = value as Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '' || typeof jti !== 'string') return null;
  if (typeof role !== 'string' || !(USER_ROLES as readonly string[]).includes(role)) return null;
  if (!Array.isArray(dep) || dep.some((id) => typeof id !== 'string')) return null;
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) return null;
  if (wks !== undefined && (typeof wks !== 'string' || wks === '')) return null;
  return {
    userId: sub,
    role: role as UserRole,
    departmentIds: dep as string[],
    issuedAt: iat as number,
    expiresAt: exp as number,
    tokenId: jti,
    ...(wks !== undefined && { workstationId: wks }),
  };
}

/** A new refresh token: 256 random bits. Only its hash is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

/** What the database keeps of a refresh token. SHA-256 suffices: the token is random, not a password. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
