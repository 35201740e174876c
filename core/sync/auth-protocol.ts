// Signing in to the central server, for the workstation (main/sync) and the server (server/).
// A short-lived access token goes with every call as `Authorization: Bearer <accessToken>`; when
// a call answers `token_expired`, the workstation trades its refresh token for new tokens and
// repeats the call. The refresh token is rotated on every use (a stolen one works once), and the
// workstation keeps it with the OS keychain (Electron safeStorage).
import { emailAddressProperty, idProperty, refListProperty, USER_ROLES, type Timestamp, type User } from '../schemas';
import { jsonCheck } from './json-check';
import type { Result } from './api-result';

/**
 * `POST /api/v1/auth/login`. The e-mail is the sign-in name (users.email), lower-cased by the
 * server. `workstation` names the machine for the audit log ('OAC Centro, puesto 3');
 * `workstationId` is the workstation's own stable id (main/host/workstation-id.ts, the
 * `outbox.workstationId` of the replies it sends): the server binds the session to it, and only a
 * session bound to a reply's workstation may write that reply's delivery state from outside the
 * clerk's departments (docs/replication-api.md, "A reply's delivery state").
 */
export type LoginRequest = WorkstationProof & { email: string; password: string; workstation?: string };

/**
 * What a workstation says of itself at sign-in and refresh. `workstationSecret` proves the id:
 * 32 random bytes (base64url) the workstation made once and keeps beside its id, sealed where it
 * can be (main/host/workstation-id.ts). The first time the server sees the id with a secret, it
 * registers the pair (keeping only a hash); from then on every sign-in and refresh naming the id
 * must present the same secret, or is refused with `forbidden` ("this workstation id is
 * registered to another installation"), whether the secret was wrong or missing; a refresh that
 * does not name the registered workstation of its session goes on unbound. An id without a
 * secret that was never registered works as before (an older workstation): it registers at its
 * first sign-in or refresh that sends one. A secret without an id is a bad request.
 * docs/replication-api.md, "Workstations prove their id".
 */
export type WorkstationProof = { workstationId?: string; workstationSecret?: string };

/** The message of that `forbidden` refusal, the same for a wrong and a missing secret: the workstation tells its clerk what to do. */
export const WORKSTATION_REFUSED_MESSAGE =
  'this workstation id is registered to another installation: sign in from the installation that registered it, or ask an administrator to release the id';

/**
 * `POST /api/v1/auth/refresh`. `workstationId`, when sent, must be the session's: it binds a
 * session signed in before workstations said their id (or by a client that did not), and a
 * different one is refused (the refresh token was copied to another workstation). The session's
 * workstation, once registered, must send its `workstationSecret` too ({@link WorkstationProof}).
 */
export type RefreshRequest = WorkstationProof & { refreshToken: string };

/**
 * `POST /api/v1/auth/logout`: ends the session the refresh token belongs to (signing out). The
 * token itself is the proof, so a workstation that was offline at sign-out can still revoke it
 * later, when its access token has long expired.
 */
export type LogoutRequest = { refreshToken: string };

/** `revoked: false` when the token was already unknown, spent or expired: signing out twice is no error. */
export type LogoutResponse = { revoked: boolean };

/** Tokens are opaque to the workstation; the expiry times let it refresh before a call fails. */
export type AuthTokens = {
  accessToken: string;
  accessTokenExpiresAt: Timestamp;
  refreshToken: string;
  refreshTokenExpiresAt: Timestamp;
};

/**
 * Who signed in: enough to open their local database (one per user) and say who they are
 * before the first pull. The rest of their `users` document arrives by replication.
 */
export type SignedInUser = Pick<User, 'id' | 'name' | 'email' | 'role' | 'departmentIds'>;

/** The answer to a sign-in. */
export type LoginResponse = AuthTokens & { user: SignedInUser };

/** The answer to a refresh: new tokens (the old refresh token is spent). */
export type RefreshResponse = AuthTokens;

/**
 * The longest password the server hashes. Long passphrases are welcome; an unbounded one would
 * let anyone make the server run scrypt over megabytes per attempt.
 */
export const PASSWORD_MAX_LENGTH = 1024;

// `writeOnly` marks a secret: the checks never repeat its value in a message (json-check.ts).
const password = { type: 'string', minLength: 1, maxLength: PASSWORD_MAX_LENGTH, writeOnly: true, description: `a password of 1 to ${PASSWORD_MAX_LENGTH} characters` } as const;
const token = { type: 'string', minLength: 16, maxLength: 4096, writeOnly: true, description: 'a token of 16 to 4096 characters' } as const;
const expiry = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'a time in milliseconds since 1970' } as const;

const tokenProperties = {
  accessToken: token,
  accessTokenExpiresAt: expiry,
  refreshToken: token,
  refreshTokenExpiresAt: expiry,
} as const;
const tokenFields = ['accessToken', 'accessTokenExpiresAt', 'refreshToken', 'refreshTokenExpiresAt'];
/** The same bounds as `outbox.workstationId` (core/schemas/messages.ts), which it is compared with. */
const workstationId = { ...idProperty, description: 'a workstation id of 1 to 40 characters' } as const;
/** 32 random bytes in base64url are 43 characters; a longer secret is welcome, a shorter one is a weak one. */
const workstationSecret = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{43,128}$',
  writeOnly: true,
  description: 'a workstation secret of 43 to 128 base64url characters (32 random bytes or more)',
} as const;
/** A secret proves an id: alone it proves nothing, and is refused rather than ignored. */
const secretNeedsId = { workstationSecret: ['workstationId'] } as const;

const loginRequestCheck = jsonCheck<LoginRequest>(
  {
    type: 'object',
    description: 'an object {email, password, workstation?, workstationId?, workstationSecret?}, with a workstationSecret only beside a workstationId',
    writeOnly: true,
    additionalProperties: false,
    required: ['email', 'password'],
    dependencies: secretNeedsId,
    properties: {
      email: { ...emailAddressProperty, description: 'an e-mail address' },
      password,
      workstation: { type: 'string', minLength: 1, maxLength: 128, description: 'a name of 1 to 128 characters' },
      workstationId,
      workstationSecret,
    },
  },
  'login',
);

/** Refresh and logout both carry one refresh token. */
const refreshTokenBody = {
  type: 'object',
  description: 'an object {refreshToken}',
  writeOnly: true,
  additionalProperties: false,
  required: ['refreshToken'],
  properties: { refreshToken: token },
} as const;

const refreshRequestCheck = jsonCheck<RefreshRequest>(
  {
    ...refreshTokenBody,
    description: 'an object {refreshToken, workstationId?, workstationSecret?}, with a workstationSecret only beside a workstationId',
    dependencies: secretNeedsId,
    properties: { refreshToken: token, workstationId, workstationSecret },
  },
  'refresh',
);

const logoutRequestCheck = jsonCheck<LogoutRequest>(refreshTokenBody, 'logout');

const loginResponseCheck = jsonCheck<LoginResponse>(
  {
    type: 'object',
    description: 'an object with the tokens and the user',
    writeOnly: true,
    additionalProperties: false,
    required: [...tokenFields, 'user'],
    properties: {
      ...tokenProperties,
      user: {
        type: 'object',
        description: 'the signed-in user',
        additionalProperties: false,
        required: ['id', 'name', 'email', 'role', 'departmentIds'],
        properties: {
          id: { ...idProperty, description: 'a user id' },
          name: { type: 'string', minLength: 1, maxLength: 256, description: 'a name' },
          email: { ...emailAddressProperty, description: 'an e-mail address' },
          role: { type: 'string', enum: USER_ROLES, description: `one of ${USER_ROLES.join(', ')}` },
          departmentIds: { ...refListProperty, description: 'a list of department ids' },
        },
      },
    },
  },
  'login answer',
);

const refreshResponseCheck = jsonCheck<RefreshResponse>(
  {
    type: 'object',
    description: 'an object with the tokens',
    writeOnly: true,
    additionalProperties: false,
    required: tokenFields,
    properties: tokenProperties,
  },
  'refresh answer',
);

/** Reads a sign-in on the server. The password never appears in an error message. */
export function parseLoginRequest(body: unknown): Result<LoginRequest> {
  return loginRequestCheck(body);
}

/** Reads a refresh on the server. */
export function parseRefreshRequest(body: unknown): Result<RefreshRequest> {
  return refreshRequestCheck(body);
}

/** Reads a sign-out on the server. */
export function parseLogoutRequest(body: unknown): Result<LogoutRequest> {
  return logoutRequestCheck(body);
}

/** Reads the answer to a sign-in on the workstation. */
export function parseLoginResponse(body: unknown): Result<LoginResponse> {
  return loginResponseCheck(body);
}

/** Reads the answer to a refresh on the workstation. */
export function parseRefreshResponse(body: unknown): Result<RefreshResponse> {
  return refreshResponseCheck(body);
}
