import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Department } from './departments';
import { T0, openTestDatabase, without, writeError, type TestDatabase } from './test-kit';

function urbanismo(overrides: Partial<Department> = {}): Department {
  return {
    id: 'urbanismo',
    name: 'Urbanismo y Licencias',
    code: 'URB',
    mailAliases: ['urbanismo@ayto-villanueva.es', 'licencias@ayto-villanueva.es'],
    calendarId: 'cal-villanueva',
    sla: { response: { amount: 8, unit: 'working_hours' }, resolution: { amount: 10, unit: 'working_days' } },
    assignmentMode: 'round_robin',
    active: true,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

describe('departments schema', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase(['departments']);
  });
  afterEach(async () => {
    await db.close();
  });

  it('stores departments with and without SLA targets, calendar or mail aliases', async () => {
    const result = await db.departments.bulkInsert([
      urbanismo(),
      {
        id: 'tributos',
        name: 'Gestión Tributaria',
        code: 'TRIB',
        mailAliases: [],
        sla: { resolution: { amount: 1, unit: 'months' } },
        assignmentMode: 'least_open',
        active: true,
        createdAt: T0,
        updatedAt: T0,
      },
      urbanismo({ id: 'cementerio', name: 'Cementerio Municipal', code: 'CEM', mailAliases: [], sla: {}, assignmentMode: 'manual', active: false }),
      urbanismo({ id: 'servicios-sociales', name: 'Servicios Sociales', code: 'SSO', assignmentMode: 'skill', mailAliases: [] }),
      urbanismo({ id: 'padron', name: 'Padrón', code: 'PAD', mailAliases: [], maxOpenPerClerk: 25 }),
    ]);
    expect(result.error).toEqual([]);
  });

  it.each([
    ['an assignment mode outside the enum', { assignmentMode: 'random' }],
    ['an SLA unit outside the enum', { sla: { response: { amount: 2, unit: 'weeks' } } }],
    ['an SLA period of zero', { sla: { response: { amount: 0, unit: 'working_days' } } }],
    ['an SLA period of a day and a half', { sla: { resolution: { amount: 1.5, unit: 'working_days' } } }],
    ['a code in lower case', { code: 'urb' }],
    ['a mail alias that is not an address', { mailAliases: ['urbanismo'] }],
    ['the active flag written as text', { active: 'sí' }],
    ['a cap of no open tickets per clerk', { maxOpenPerClerk: 0 }],
    ['a cap of open tickets that is not whole', { maxOpenPerClerk: 2.5 }],
  ])('refuses a department with %s', async (_case, change) => {
    expect(await writeError(db.departments.insert({ ...urbanismo(), ...change } as Department))).toBe('VD2');
  });

  it.each(['name', 'code', 'mailAliases', 'sla', 'assignmentMode', 'active'] as const)(
    'refuses a department without %s',
    async (field) => {
      expect(await writeError(db.departments.insert(without(urbanismo(), field) as Department))).toBe('VD2');
    },
  );
});
