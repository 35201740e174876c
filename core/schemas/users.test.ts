import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from './users';
import { T0, openTestDatabase, without, writeError, type TestDatabase } from './test-kit';

function lucia(overrides: Partial<User> = {}): User {
  return {
    id: 'usr-lucia',
    name: 'Lucía Fernández Soto',
    email: 'lfernandez@ayto-villanueva.es',
    role: 'clerk',
    departmentIds: ['urbanismo', 'medio-ambiente'],
    skills: ['licencias', 'ruidos'],
    language: 'es',
    active: true,
    away: false,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

describe('users schema', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase(['users']);
  });
  afterEach(async () => {
    await db.close();
  });

  it('stores a clerk, a supervisor on leave and an administrator of no department', async () => {
    const result = await db.users.bulkInsert([
      lucia(),
      lucia({ id: 'usr-jordi', name: 'Jordi Puig', email: 'jpuig@ayto-villanueva.es', role: 'supervisor', language: 'ca', away: true }),
      lucia({ id: 'usr-admin', name: 'Informática', email: 'informatica@ayto-villanueva.es', role: 'admin', departmentIds: [], skills: [] }),
    ]);
    expect(result.error).toEqual([]);
  });

  it('refuses a password hash: credentials stay on the server and are never replicated', async () => {
    const withHash = { ...lucia(), passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA' };
    expect(await writeError(db.users.insert(withHash as User))).toBe('VD2');
  });

  it.each([
    ['a role outside the enum', { role: 'jefe' }],
    ['an email that is not an address', { email: 'lucia' }],
    ['the same department twice', { departmentIds: ['urbanismo', 'urbanismo'] }],
    ['the away flag written as text', { away: 'no' }],
  ])('refuses a user with %s', async (_case, change) => {
    expect(await writeError(db.users.insert({ ...lucia(), ...change } as User))).toBe('VD2');
  });

  it.each(['name', 'email', 'role', 'departmentIds', 'skills', 'language', 'active', 'away'] as const)(
    'refuses a user without %s',
    async (field) => {
      expect(await writeError(db.users.insert(without(lucia(), field) as User))).toBe('VD2');
    },
  );
});
