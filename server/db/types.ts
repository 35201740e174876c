/**
 * The server database's API: one interface, two engines (SQLite, PostgreSQL), chosen by
 * `openServerDatabase` (./index.ts). The HTTP layer (Fastify) calls only this.
 *
 * Design and decisions: server/db/README.md.
 */
import type { ReplicatedDocument, ReplicationCheckpoint, ReplicationPullResult, ReplicationPushRow } from './wire';

export type { ReplicatedDocument, ReplicationCheckpoint, ReplicationPullResult, ReplicationPushRow } from './wire';

/**
 * The department a document belongs to, for department scoping of pulls:
 * - a department id: tickets, templates, rules of that department; messages of its tickets;
 * - `''` (INTAKE_DEPARTMENT_ID): tickets in the general intake queue, and their messages;
 * - `'*'` ({@link EVERYONE}): documents every user sees (departments, users, calendars,
 *   citizens, council-wide templates and rules).
 */
export type Scope = string;

/** The scope of documents every signed-in user pulls, whatever their departments. */
export const EVERYONE: Scope = '*';

/** Picks the scope of a pushed document (the body as pushed). */
export type ScopeOf = (document: ReplicatedDocument) => Scope;

/** What `authorize` is asked about one pushed row, inside the push's transaction. */
export type PushAuthorizationInput = {
  id: string;
  /** The body as pushed. */
  document: ReplicatedDocument;
  /** The scope the document would have once written. */
  scope: Scope;
  /** The document as stored now (under the collection's lock), or null when it is new. */
  stored: { document: ReplicatedDocument; scope: Scope } | null;
};

/**
 * Who pushes, as far as scopes go: what they see, and a scope of theirs to record an exit from.
 * A document this push *creates* in a scope the pusher does not see (a clerk who routes a new
 * case straight to another department) is in their replica, which a pull would never correct: it
 * never was in their scope on the server. The push records an exit from `exitScope` for it, so
 * the pusher's next pull (and their stream) carries its tombstone, as for a document moved out.
 */
export type Pusher = {
  sees(scope: Scope): boolean;
  /** A scope the pusher pulls (their first department, or the intake queue): who shares it gets the tombstone too. */
  exitScope: Scope;
};

export type PushOptions = {
  /** Overrides the collection's default scope policy (./scope-policy.ts); not used for messages. */
  scopeOf?: ScopeOf;
  /** Wall-clock time in ms that `updatedAt` is derived from (default Date.now()); for tests. */
  now?: number;
  /**
   * The pusher's rights, checked against the stored state under the collection's lock, so a
   * document cannot move out of reach between a check and the write. Returns null when the row
   * is allowed, or the reason it is refused. One refused row refuses the whole push: nothing is
   * written, and `refused` lists every refused row.
   */
  authorize?: (row: PushAuthorizationInput) => string | null;
  /** The pusher's view, when they do not see everything (see {@link Pusher}). */
  pusher?: Pusher;
};

export type PushResult = {
  /** The stored (master) bodies of the rows that conflict: RxDB's push answer. */
  conflicts: ReplicatedDocument[];
  /** Ids accepted by this push, including `retried` ones. */
  written: string[];
  /**
   * Ids whose stored body already equalled the pushed one: a retry of a push whose answer was
   * lost. A success, written again nowhere, with no new `updatedAt`.
   */
  retried: string[];
  /** Rows refused by `authorize`; when not empty, nothing of the push was written. */
  refused: { id: string; reason: string }[];
  /** The checkpoint value given to this push's writes; null when it wrote nothing. */
  updatedAt: number | null;
};

export type PullOptions = {
  /**
   * The departments whose documents the puller sees, or 'all' (default, for admins and tests).
   * {@link EVERYONE} is always included. With scopes, documents that left one of them to a scope
   * outside them come back as tombstones (the stored body with `_deleted: true`).
   */
  scopes?: readonly Scope[] | 'all';
  /**
   * What a tombstone carries instead of the stored body (marked `_deleted: true` after it). The
   * default is the whole stored body; the HTTP layer trims it to what the workstation's schema
   * requires, so a ticket that left a clerk's departments does not leave the citizen's data in
   * their replica (server/replication/tombstones.ts).
   */
  tombstone?: (stored: ReplicatedDocument) => Record<string, unknown>;
};

/** One document as stored, with the server's own columns. */
export type StoredDocument = {
  id: string;
  /** The server's checkpoint value of the last transaction that wrote this row. */
  updatedAt: number;
  deleted: boolean;
  scope: Scope;
  /** The body exactly as it was pushed (JSON text). */
  body: string;
};

/** What the HTTP layer hears after each commit, to push Server-Sent Events. */
export type DatabaseEvent =
  | { type: 'change'; collection: string; updatedAt: number }
  /**
   * Changes may have been missed (PostgreSQL's LISTEN connection was lost and is back): every
   * stream should tell its clients to RESYNC.
   */
  | { type: 'resync' };

export type DatabaseEventListener = (event: DatabaseEvent) => void;

export const USER_ROLES = ['clerk', 'supervisor', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A user's credentials and rights, the server's alone (the replicated `users` document holds no credential). */
export type UserAccount = {
  id: string;
  /** Lower case (the accessors lower-case it); unique. */
  email: string;
  /** An encoded hash (scrypt/argon2 string) made by the HTTP layer; never a password. */
  passwordHash: string;
  role: UserRole;
  departmentIds: string[];
  active: boolean;
  createdAt: number;
  updatedAt: number;
};

export type NewUserAccount = Omit<UserAccount, 'createdAt' | 'updatedAt'> & { now?: number };

export type UserAccountPatch = Partial<Pick<UserAccount, 'email' | 'passwordHash' | 'role' | 'departmentIds' | 'active'>>;

export type RefreshToken = {
  /** A hash of the token (the token itself is never stored). */
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  /**
   * The workstation the session was signed in on (its stable id), which every access token of
   * the session carries; null when it never said (migration 0002). Omitted on insert: null.
   */
  workstationId?: string | null;
};

/**
 * A workstation that proved who it is (migration 0003): the hash of the secret it registered
 * the first time the server saw its id. The secret itself is never stored.
 */
export type WorkstationRegistration = {
  workstationId: string;
  /** SHA-256 of the secret, hex (server/auth/workstation-proof.ts). */
  secretHash: string;
  registeredAt: number;
  /** The user whose sign-in or refresh registered it. */
  registeredBy: string;
};

export type Workstations = {
  byId(workstationId: string): Promise<WorkstationRegistration | null>;
  /**
   * Registers the id, unless it already is: true when this call registered it. Two first
   * sign-ins racing with one id: exactly one registers, and the other is checked against it.
   */
  register(registration: WorkstationRegistration): Promise<boolean>;
  /** Forgets the id's secret (an administrator's release); true when it was registered. */
  release(workstationId: string): Promise<boolean>;
  /** Every registered workstation, oldest first. */
  list(): Promise<WorkstationRegistration[]>;
};

export const AUDIT_OUTCOMES = ['ok', 'refused', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export type AuditEntryInput = {
  /** ms; default now. */
  at?: number;
  /** null: nobody signed in (a failed login of an unknown address). */
  userId: string | null;
  /** What was attempted: 'push', 'login', 'refresh', 'user:create'… */
  action: string;
  collection?: string | null;
  documentId?: string | null;
  outcome: AuditOutcome;
  /** Why it was refused or failed, in words. */
  reason?: string | null;
  /** Anything else worth keeping, as JSON. */
  detail?: unknown;
};

export type AuditEntry = {
  id: number;
  at: number;
  userId: string | null;
  action: string;
  collection: string | null;
  documentId: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  detail: unknown;
};

export type AuditQuery = {
  userId?: string;
  action?: string;
  collection?: string;
  documentId?: string;
  outcome?: AuditOutcome;
  /** Entries at or after this time (ms). */
  since?: number;
  /** Default 1,000; oldest first. */
  limit?: number;
};

export type UserAccounts = {
  create(user: NewUserAccount): Promise<UserAccount>;
  byId(id: string): Promise<UserAccount | null>;
  /** Case-insensitive. */
  byEmail(email: string): Promise<UserAccount | null>;
  list(): Promise<UserAccount[]>;
  /** Returns the updated account, or null when there is no such user. */
  update(id: string, patch: UserAccountPatch, now?: number): Promise<UserAccount | null>;
};

export type RefreshTokens = {
  insert(token: RefreshToken): Promise<void>;
  /**
   * Takes a token out, atomically, and returns it when it existed and had not expired at `now`.
   * Two refreshes racing with the same token: exactly one gets it (rotation). Its
   * `workstationId` is always there (null when none).
   */
  consume(tokenHash: string, now?: number): Promise<RefreshToken | null>;
  revokeAllOf(userId: string): Promise<number>;
  /** Ends every session bound to the workstation (its release); returns how many. */
  revokeAllOfWorkstation(workstationId: string): Promise<number>;
  deleteExpired(now?: number): Promise<number>;
};

export type AuditLog = {
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  query(query?: AuditQuery): Promise<AuditEntry[]>;
};

export type ServerDatabase = {
  readonly engine: 'sqlite' | 'postgres';
  /**
   * Writes RxDB push rows in one transaction and returns the conflicts, as RxDB's reference
   * conflict handling does. Bodies are stored exactly as given (JSON text).
   */
  push(collection: string, rows: readonly ReplicationPushRow[], options?: PushOptions): Promise<PushResult>;
  /** Up to `limit` documents after `checkpoint` in (updatedAt, id) order, id in byte order. */
  pull(
    collection: string,
    checkpoint: ReplicationCheckpoint | null,
    limit: number,
    options?: PullOptions,
  ): Promise<ReplicationPullResult>;
  /** The stored rows of these ids (missing ones left out), for admin tools and tests. */
  getDocuments(collection: string, ids: readonly string[]): Promise<StoredDocument[]>;
  /** Hears every commit of this database (on PostgreSQL, of every server process on it). */
  subscribe(listener: DatabaseEventListener): () => void;
  /** The same events as an async iterable, which ends when `signal` aborts or the database closes. */
  changes(signal?: AbortSignal): AsyncIterable<DatabaseEvent>;
  readonly users: UserAccounts;
  readonly refreshTokens: RefreshTokens;
  readonly workstations: Workstations;
  readonly audit: AuditLog;
  close(): Promise<void>;
};

export type OpenServerDatabaseOptions = (
  | {
      /** The embedded default: one SQLite file (created, with its folder's WAL files). */
      sqliteFile: string;
    }
  | {
      /** `postgres://user:password@host:port/database`. */
      databaseUrl: string;
      /** Connections of the pool (default 10). */
      poolSize?: number;
      /**
       * How often the LISTEN connection proves it is alive, in ms (default 15,000): a connection
       * cut without a FIN would otherwise stay silent for hours of TCP keepalive.
       */
      listenerHeartbeatMs?: number;
    }
) & {
  /** Primary key field per collection, when not `id` (RxDB's test suite uses `passportId`). */
  primaryKeys?: Readonly<Record<string, string>>;
};
