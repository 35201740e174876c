/**
 * What the admin command line does (server/cli.ts): create departments and users (with their
 * skills, for departments that assign by skill), set passwords. The replicated documents (`departments`, `users`) go through the same push path as
 * a workstation's pushes (schema check, audit), as an administrator named after the operating
 * system account that ran the command; credentials go to the server's own accounts table.
 */
import { userInfo } from 'node:os';
import type { Department, User, UserRole } from '../../core/schemas';
import { ASSIGNMENT_MODES, USER_ROLES } from '../../core/schemas';
import { foldSpanish } from '../../core/text/spanish-search';
import type { ServerDatabase, UserAccount } from '../db/index';
import { ApiFailure } from '../api-errors';
import { NEW_PASSWORD_MIN_LENGTH, checkPassword, hashPassword } from '../auth/passwords';
import type { Actor } from '../auth/tokens';
import { uuidv7 } from '../ids';
import { audit, pushAs, type Log } from '../replication/push-documents';
import { servedCollections } from '../replication/served-collections';

export type AdminEnvironment = { db: ServerDatabase; log: Log; actor?: Actor; now?: () => number };

/** A user-facing failure of an admin command: the CLI prints the message and exits 1. */
export class AdminError extends Error {
  override readonly name = 'AdminError';
}

/** The administrator the command line acts as: the operating system account, for the audit log. */
export function commandLineActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (a container): keep 'unknown'.
  }
  return { userId: `cli:${name}`, role: 'admin', departmentIds: [] };
}

const council = servedCollections();

async function push(env: AdminEnvironment, collection: 'departments' | 'users', document: Department | User): Promise<void> {
  try {
    const conflicts = await pushAs({ db: env.db, collections: council, log: env.log }, env.actor ?? commandLineActor(), collection, [{ newDocumentState: { ...document, _deleted: false } }], { via: 'cli' });
    if (conflicts.length > 0) throw new AdminError(`${collection} ${JSON.stringify(document.id)} already exists`);
  } catch (error) {
    if (error instanceof ApiFailure) throw new AdminError(error.message);
    throw error;
  }
}

export type NewDepartment = {
  id: string;
  name: string;
  /** Upper-case letters and digits, e.g. URB. */
  code: string;
  mailAliases?: string[];
  assignmentMode?: Department['assignmentMode'];
  calendarId?: string;
};

export async function createDepartment(env: AdminEnvironment, input: NewDepartment): Promise<Department> {
  const now = (env.now ?? Date.now)();
  if (input.assignmentMode !== undefined && !ASSIGNMENT_MODES.includes(input.assignmentMode)) {
    throw new AdminError(`the assignment mode must be one of ${ASSIGNMENT_MODES.join(', ')}`);
  }
  const department: Department = {
    id: input.id,
    name: input.name,
    code: input.code,
    mailAliases: (input.mailAliases ?? []).map((alias) => alias.trim().toLowerCase()),
    sla: {},
    assignmentMode: input.assignmentMode ?? 'manual',
    active: true,
    createdAt: now,
    updatedAt: now,
    ...(input.calendarId ? { calendarId: input.calendarId } : {}),
  };
  const [existing] = await env.db.getDocuments('departments', [input.id]);
  if (existing) throw new AdminError(`a department with id ${JSON.stringify(input.id)} already exists`);
  await push(env, 'departments', department);
  return department;
}

export type NewUser = {
  email: string;
  name: string;
  role: UserRole;
  departmentIds: string[];
  password: string;
  /** What they handle, for departments that assign by skill ('licencias', 'padrón'). */
  skills?: string[];
  /** BCP 47, default 'es'. */
  language?: string;
};

/**
 * Skills as written, trimmed, without repeats. Assignment compares them without case or accents
 * (core/routing), so 'Licencias' after 'licencias' is a repeat, not a second skill.
 */
export function normaliseSkills(skills: readonly string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const raw of skills) {
    const skill = raw.trim().replace(/\s+/g, ' ');
    const folded = foldSpanish(skill);
    if (skill === '' || seen.has(folded)) continue;
    seen.add(folded);
    kept.push(skill);
  }
  return kept;
}

export async function createUser(env: AdminEnvironment, input: NewUser): Promise<{ user: User; account: UserAccount }> {
  const now = (env.now ?? Date.now)();
  if (!USER_ROLES.includes(input.role)) throw new AdminError(`the role must be one of ${USER_ROLES.join(', ')}`);
  checkNewPassword(input.password);
  const email = input.email.trim().toLowerCase();
  if (await env.db.users.byEmail(email)) throw new AdminError(`a user with the e-mail address ${email} already exists`);
  const departmentIds = [...new Set(input.departmentIds)];
  const known = new Set((await env.db.getDocuments('departments', departmentIds)).filter((row) => !row.deleted).map((row) => row.id));
  const unknown = departmentIds.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new AdminError(`no such department: ${unknown.join(', ')} (create it first with create-department)`);

  const user: User = {
    id: uuidv7(now),
    name: input.name,
    email,
    role: input.role,
    departmentIds,
    skills: normaliseSkills(input.skills ?? []),
    language: input.language ?? 'es',
    active: true,
    away: false,
    createdAt: now,
    updatedAt: now,
  };
  // The document first (its schema check refuses a bad name or address before any account
  // exists), then the credentials.
  const check = council.get('users')!.check({ ...user, _deleted: false });
  if (!check.ok) throw new AdminError(check.error.message);
  const passwordHash = await hashPassword(input.password);
  const account = await env.db.users.create({ id: user.id, email, passwordHash, role: user.role, departmentIds, active: true, now });
  try {
    await push(env, 'users', user);
  } catch (error) {
    // Never leave an account without its document: disable it, and say so.
    await env.db.users.update(user.id, { active: false });
    throw error;
  }
  await audit(env, { userId: (env.actor ?? commandLineActor()).userId, action: 'account:create', collection: 'users', documentId: user.id, outcome: 'ok', detail: { role: user.role, via: 'cli' } });
  return { user, account };
}

export async function setPassword(env: AdminEnvironment, email: string, password: string): Promise<UserAccount> {
  checkNewPassword(password);
  const account = await env.db.users.byEmail(email);
  if (!account) throw new AdminError(`no user has the e-mail address ${email.trim().toLowerCase()}`);
  const updated = await env.db.users.update(account.id, { passwordHash: await hashPassword(password) });
  // Signed-in workstations must sign in again with the new password.
  await env.db.refreshTokens.revokeAllOf(account.id);
  await audit(env, { userId: (env.actor ?? commandLineActor()).userId, action: 'account:password', collection: 'users', documentId: account.id, outcome: 'ok', detail: { via: 'cli' } });
  return updated!;
}

function checkNewPassword(password: string): void {
  try {
    checkPassword(password);
  } catch (error) {
    throw new AdminError((error as Error).message);
  }
  if (password.length < NEW_PASSWORD_MIN_LENGTH) throw new AdminError(`the password must have at least ${NEW_PASSWORD_MIN_LENGTH} characters`);
}
