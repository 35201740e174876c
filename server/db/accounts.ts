/**
 * The server's own tables, for the HTTP layer: user accounts (credentials and rights), refresh
 * tokens, and the audit log. Same SQL on both engines (named parameters, JSON arrays as text).
 *
 * A user account and the replicated `users` document share the id. The account is what signs
 * in; the document is what workstations see (name, departments, language). Writing both is
 * the caller's (the admin command line, the HTTP layer): `users.create` here, and a push of the
 * document to the `users` collection.
 */
import { invalidInput } from './errors';
import type { SqlRunner } from './sql-runner';
import {
  AUDIT_OUTCOMES,
  USER_ROLES,
  type AuditEntry,
  type AuditLog,
  type AuditQuery,
  type RefreshToken,
  type RefreshTokens,
  type UserAccount,
  type UserAccounts,
} from './types';

type UserRow = {
  id: string;
  email: string;
  password_hash: string;
  role: string;
  department_ids: string;
  active: number | boolean;
  created_at: number | string;
  updated_at: number | string;
};

type TokenRow = { token_hash: string; user_id: string; created_at: number | string; expires_at: number | string; workstation_id: string | null };

type AuditRow = {
  id: number | string;
  at: number | string;
  user_id: string | null;
  action: string;
  collection: string | null;
  document_id: string | null;
  outcome: string;
  reason: string | null;
  detail: string | null;
};

/** `run` runs one statement, inside the engine's serialisation (SQLite) or pool (PostgreSQL). */
export function createUserAccounts(sql: SqlRunner): UserAccounts {
  const one = async (query: string, params: Record<string, unknown>) => {
    const [row] = await sql.all<UserRow>(query, params);
    return row ? toUser(row) : null;
  };
  return {
    async create(user) {
      checkUser(user);
      const now = user.now ?? Date.now();
      const created = await one(
        `INSERT INTO users (id, email, password_hash, role, department_ids, active, created_at, updated_at)
         VALUES (@id, @email, @password_hash, @role, @department_ids, @active, @now, @now) RETURNING *`,
        {
          id: user.id,
          email: normaliseEmail(user.email),
          password_hash: user.passwordHash,
          role: user.role,
          department_ids: JSON.stringify(user.departmentIds),
          active: user.active,
          now,
        },
      );
      return created!;
    },
    byId: (id) => one('SELECT * FROM users WHERE id = @id', { id }),
    byEmail: (email) => one('SELECT * FROM users WHERE email = @email', { email: normaliseEmail(email) }),
    async list() {
      return (await sql.all<UserRow>('SELECT * FROM users ORDER BY email', {})).map(toUser);
    },
    async update(id, patch, now = Date.now()) {
      checkUser({ ...patch });
      // One statement: two admins changing different fields at once both keep their change.
      return one(
        `UPDATE users SET
           email = COALESCE(@email, email),
           password_hash = COALESCE(@password_hash, password_hash),
           role = COALESCE(@role, role),
           department_ids = COALESCE(@department_ids, department_ids),
           active = COALESCE(@active, active),
           updated_at = @now
         WHERE id = @id RETURNING *`,
        {
          id,
          email: patch.email === undefined ? null : normaliseEmail(patch.email),
          password_hash: patch.passwordHash ?? null,
          role: patch.role ?? null,
          department_ids: patch.departmentIds === undefined ? null : JSON.stringify(patch.departmentIds),
          active: patch.active ?? null,
          now,
        },
      );
    },
  };
}

export function createRefreshTokens(sql: SqlRunner): RefreshTokens {
  return {
    async insert(token) {
      await sql.run(
        `INSERT INTO refresh_tokens (token_hash, user_id, created_at, expires_at, workstation_id)
         VALUES (@token_hash, @user_id, @created_at, @expires_at, @workstation_id)`,
        { token_hash: token.tokenHash, user_id: token.userId, created_at: token.createdAt, expires_at: token.expiresAt, workstation_id: token.workstationId ?? null },
      );
    },
    async consume(tokenHash, now = Date.now()) {
      // DELETE … RETURNING is atomic: of two refreshes with one token, one gets the row.
      const [row] = await sql.all<TokenRow>('DELETE FROM refresh_tokens WHERE token_hash = @token_hash RETURNING *', {
        token_hash: tokenHash,
      });
      if (!row) return null;
      const token: RefreshToken = {
        tokenHash: row.token_hash,
        userId: row.user_id,
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at),
        workstationId: row.workstation_id ?? null,
      };
      return token.expiresAt > now ? token : null;
    },
    revokeAllOf: (userId) => sql.run('DELETE FROM refresh_tokens WHERE user_id = @user_id', { user_id: userId }),
    revokeAllOfWorkstation: (workstationId) => sql.run('DELETE FROM refresh_tokens WHERE workstation_id = @workstation_id', { workstation_id: workstationId }),
    deleteExpired: (now = Date.now()) => sql.run('DELETE FROM refresh_tokens WHERE expires_at <= @now', { now }),
  };
}

export function createAuditLog(sql: SqlRunner): AuditLog {
  return {
    async append(entry) {
      if (!AUDIT_OUTCOMES.includes(entry.outcome)) throw invalidInput(`audit: unknown outcome ${String(entry.outcome)}`);
      if (typeof entry.action !== 'string' || entry.action.length === 0) throw invalidInput('audit: action is required');
      const [row] = await sql.all<AuditRow>(
        `INSERT INTO audit_log (at, user_id, action, collection, document_id, outcome, reason, detail)
         VALUES (@at, @user_id, @action, @collection, @document_id, @outcome, @reason, @detail) RETURNING *`,
        {
          at: entry.at ?? Date.now(),
          user_id: entry.userId,
          action: entry.action,
          collection: entry.collection ?? null,
          document_id: entry.documentId ?? null,
          outcome: entry.outcome,
          reason: entry.reason ?? null,
          detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
        },
      );
      return toAuditEntry(row!);
    },
    async query(query: AuditQuery = {}) {
      const conditions: string[] = [];
      const params: Record<string, unknown> = { limit: query.limit ?? 1_000 };
      const equal = (column: string, value: unknown) => {
        if (value === undefined) return;
        conditions.push(`${column} = @${column}`);
        params[column] = value;
      };
      equal('user_id', query.userId);
      equal('action', query.action);
      equal('collection', query.collection);
      equal('document_id', query.documentId);
      equal('outcome', query.outcome);
      if (query.since !== undefined) {
        conditions.push('at >= @since');
        params.since = query.since;
      }
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      const rows = await sql.all<AuditRow>(`SELECT * FROM audit_log ${where} ORDER BY id LIMIT @limit`, params);
      return rows.map(toAuditEntry);
    },
  };
}

/** Sign-in names compare case-insensitively: stored and looked up lower-cased and trimmed. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function checkUser(user: Partial<Pick<UserAccount, 'id' | 'email' | 'passwordHash' | 'role' | 'departmentIds' | 'active'>>): void {
  if ('id' in user && (typeof user.id !== 'string' || user.id.length === 0)) throw invalidInput('user: id is required');
  if (user.email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(normaliseEmail(user.email))) {
    throw invalidInput(`user: ${user.email} is not an email address`);
  }
  if (user.passwordHash !== undefined && (typeof user.passwordHash !== 'string' || user.passwordHash.length === 0)) {
    throw invalidInput('user: passwordHash must be a non-empty string (a hash, never a password)');
  }
  if (user.role !== undefined && !USER_ROLES.includes(user.role)) throw invalidInput(`user: unknown role ${String(user.role)}`);
  if (user.departmentIds !== undefined && (!Array.isArray(user.departmentIds) || user.departmentIds.some((id) => typeof id !== 'string'))) {
    throw invalidInput('user: departmentIds must be a list of ids');
  }
}

function toUser(row: UserRow): UserAccount {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    role: row.role as UserAccount['role'],
    departmentIds: JSON.parse(row.department_ids) as string[],
    active: Boolean(row.active),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    at: Number(row.at),
    userId: row.user_id,
    action: row.action,
    collection: row.collection,
    documentId: row.document_id,
    outcome: row.outcome as AuditEntry['outcome'],
    reason: row.reason,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as unknown),
  };
}
