import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Calendar } from './calendars';
import { T0, openTestDatabase, without, writeError, type TestDatabase } from './test-kit';

function madrid2025(overrides: Partial<Calendar> = {}): Calendar {
  return {
    id: 'cal-madrid',
    name: 'Ayuntamiento de Madrid',
    region: 'ES-MD',
    timeZone: 'Europe/Madrid',
    workingDays: [1, 2, 3, 4, 5],
    workingHours: [{ start: '09:00', end: '14:00' }],
    holidays: [
      { date: '2025-01-01', name: 'Año Nuevo', scope: 'national' },
      { date: '2025-05-02', name: 'Fiesta de la Comunidad de Madrid', scope: 'regional' },
      { date: '2025-05-15', name: 'San Isidro Labrador', scope: 'local' },
      { date: '2025-10-12', name: 'Fiesta Nacional de España', scope: 'national' },
      { date: '2025-11-10', name: 'Nuestra Señora de la Almudena (trasladada)', scope: 'local' },
    ],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

describe('calendars schema', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase(['calendars']);
  });
  afterEach(async () => {
    await db.close();
  });

  it('stores calendars with split working days and holidays of several years and islands', async () => {
    const result = await db.calendars.bulkInsert([
      madrid2025(),
      {
        id: 'cal-las-palmas',
        name: 'Ayuntamiento de Las Palmas de Gran Canaria',
        region: 'ES-CN',
        timeZone: 'Atlantic/Canary',
        workingDays: [1, 2, 3, 4, 5],
        workingHours: [
          { start: '08:30', end: '14:00' },
          { start: '16:00', end: '18:30' },
        ],
        holidays: [
          { date: '2025-05-30', name: 'Día de Canarias', scope: 'regional' },
          { date: '2026-01-06', name: 'Epifanía del Señor', scope: 'national' },
        ],
        createdAt: T0,
        updatedAt: T0,
      },
    ]);
    expect(result.error).toEqual([]);
  });

  it.each([
    ['a holiday on a day that does not exist', { holidays: [{ date: '2025-02-30', name: 'Error', scope: 'local' }] }],
    ['a holiday date written the Spanish way', { holidays: [{ date: '12/10/2025', name: 'Fiesta Nacional', scope: 'national' }] }],
    ['a holiday scope outside the enum', { holidays: [{ date: '2025-10-12', name: 'Fiesta Nacional', scope: 'estatal' }] }],
    ['a weekday numbered from zero', { workingDays: [0, 1, 2, 3, 4] }],
    ['an hour past midnight', { workingHours: [{ start: '09:00', end: '25:00' }] }],
    ['a region that is not an ISO 3166-2 code', { region: 'Comunidad de Madrid' }],
  ])('refuses a calendar with %s', async (_case, change) => {
    expect(await writeError(db.calendars.insert({ ...madrid2025(), ...change } as Calendar))).toBe('VD2');
  });

  it.each(['name', 'region', 'timeZone', 'workingDays', 'workingHours', 'holidays'] as const)(
    'refuses a calendar without %s',
    async (field) => {
      expect(await writeError(db.calendars.insert(without(madrid2025(), field) as Calendar))).toBe('VD2');
    },
  );
});
