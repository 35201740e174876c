import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openServerDatabase, type NewUserAccount } from './index';
import { databaseEngines, rawSql } from '../test-support/server-databases';

const ana: NewUserAccount = {
  id: 'u-ana',
  email: 'Ana.Garcia@Ayto-Ejemplo.es ',
  passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
  role: 'clerk',
  departmentIds: ['urbanismo', 'padron'],
  active: true,
};


describe.each(databaseEngines())('accounts, tokens, audit log and migrations on $name', (engine) => {
  beforeAll(() => engine.start(), 60_000);
  afterAll(() => engine.stop());
  afterEach(() => engine.closeAll());

  it('keeps user accounts with a unique, case-insensitive email and updates only the fields given', async () => {
    const { db } = await engine.open();
    const created = await db.users.create({ ...ana, now: 1_000 });
    expect(created).toEqual({ ...ana, email: 'ana.garcia@ayto-ejemplo.es', createdAt: 1_000, updatedAt: 1_000, now: undefined });
    expect(await db.users.byEmail('ANA.GARCIA@ayto-ejemplo.es')).toEqual(created);
    expect(await db.users.byId('nobody')).toBeNull();
    await expect(db.users.create({ ...ana, id: 'u-other', email: 'ana.garcia@AYTO-EJEMPLO.es' })).rejects.toMatchObject({ code: 'DB_DUPLICATE' });
    await expect(db.users.create({ ...ana, id: 'u-bad', email: 'x@y', role: 'mayor' as never })).rejects.toMatchObject({ code: 'DB_INVALID_INPUT' });

    const updated = await db.users.update('u-ana', { role: 'supervisor', active: false }, 2_000);
    expect(updated).toEqual({ ...created, role: 'supervisor', active: false, updatedAt: 2_000 });
    expect(await db.users.update('u-ana', { departmentIds: [] }, 3_000)).toMatchObject({ role: 'supervisor', departmentIds: [], active: false });
    expect(await db.users.update('nobody', { active: true })).toBeNull();
    await db.users.create({ ...ana, id: 'u-bea', email: 'bea@ayto-ejemplo.es', role: 'admin' });
    expect((await db.users.list()).map((user) => user.id)).toEqual(['u-ana', 'u-bea']);
  });

  it('gives a refresh token out once, never after it expires, and revokes a user tokens', async () => {
    const { db } = await engine.open();
    await db.users.create(ana);
    await db.refreshTokens.insert({ tokenHash: 'h1', userId: 'u-ana', createdAt: 0, expiresAt: 10_000 });
    await db.refreshTokens.insert({ tokenHash: 'h2', userId: 'u-ana', createdAt: 0, expiresAt: 10_000 });
    await db.refreshTokens.insert({ tokenHash: 'h-ws', userId: 'u-ana', createdAt: 0, expiresAt: 20_000, workstationId: 'ws-oac-3' });
    await db.refreshTokens.insert({ tokenHash: 'h3', userId: 'u-ana', createdAt: 0, expiresAt: 20_000 });
    await db.refreshTokens.insert({ tokenHash: 'old', userId: 'u-ana', createdAt: 0, expiresAt: 100 });

    const racing = await Promise.all([db.refreshTokens.consume('h1', 5_000), db.refreshTokens.consume('h1', 5_000)]);
    expect(racing.filter((token) => token !== null)).toEqual([{ tokenHash: 'h1', userId: 'u-ana', createdAt: 0, expiresAt: 10_000, workstationId: null }]);
    // The workstation the session was signed in on stays with its token.
    expect(await db.refreshTokens.consume('h-ws', 5_000)).toEqual({ tokenHash: 'h-ws', userId: 'u-ana', createdAt: 0, expiresAt: 20_000, workstationId: 'ws-oac-3' });
    expect(await db.refreshTokens.consume('h2', 10_000)).toBeNull();
    expect(await db.refreshTokens.deleteExpired(5_000)).toBe(1);
    expect(await db.refreshTokens.revokeAllOf('u-ana')).toBe(1);
    expect(await db.refreshTokens.consume('h3', 0)).toBeNull();
  });

  it('appends to the audit log and finds entries by who, what and outcome', async () => {
    const { db } = await engine.open();
    const refused = await db.audit.append({
      at: 1_000,
      userId: 'u-ana',
      action: 'push',
      collection: 'tickets',
      documentId: 't-1',
      outcome: 'refused',
      reason: 'el expediente es de otro departamento',
      detail: { departmentId: 'padron', rows: 3 },
    });
    await db.audit.append({ at: 2_000, userId: null, action: 'login', outcome: 'failed', reason: 'unknown email' });
    await db.audit.append({ at: 3_000, userId: 'u-ana', action: 'login', outcome: 'ok' });

    expect(refused).toEqual({
      id: expect.any(Number),
      at: 1_000,
      userId: 'u-ana',
      action: 'push',
      collection: 'tickets',
      documentId: 't-1',
      outcome: 'refused',
      reason: 'el expediente es de otro departamento',
      detail: { departmentId: 'padron', rows: 3 },
    });
    expect(await db.audit.query({ userId: 'u-ana', outcome: 'refused' })).toEqual([refused]);
    expect((await db.audit.query({ action: 'login' })).map((entry) => entry.outcome)).toEqual(['failed', 'ok']);
    expect((await db.audit.query({ since: 2_000, limit: 1 })).map((entry) => entry.at)).toEqual([2_000]);
    expect(await db.audit.query({ collection: 'tickets', documentId: 't-1' })).toEqual([refused]);
  });

  it('migrates a database once and refuses one whose applied migration was edited or is unknown', async () => {
    const { db, where } = await engine.open();
    await db.push('tickets', [{ newDocumentState: { id: 'kept', departmentId: '', _deleted: false } }]);
    await db.close();
    const reopened = await openServerDatabase(where);
    expect((await reopened.pull('tickets', null, 10)).documents).toHaveLength(1);
    await reopened.close();

    await rawSql(where, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
    await expect(openServerDatabase(where)).rejects.toMatchObject({ code: 'DB_MIGRATION', message: expect.stringMatching(/never be edited/) });
    const { where: newer } = await engine.open();
    await engine.closeAll();
    await rawSql(newer, "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'from_the_future', 'x', 0)");
    await expect(openServerDatabase(newer)).rejects.toMatchObject({ code: 'DB_MIGRATION', message: expect.stringMatching(/newer version/) });
  });

  it('fails every call after close with a closed-database error', async () => {
    const { db } = await engine.open();
    await db.close();
    await expect(db.pull('tickets', null, 1)).rejects.toMatchObject({ code: 'DB_CLOSED' });
    await expect(db.push('tickets', [])).rejects.toMatchObject({ code: 'DB_CLOSED' });
    await expect(db.users.byId('x')).rejects.toMatchObject({ code: 'DB_CLOSED' });
  });
});
