import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easterSunday } from '../demo/council';
import { openTestDatabase, type TestDatabase } from '../schemas/test-kit';
import { isoWeekday, parseIsoDate } from './civil-date';
import { composeCalendar, holidaySetProblems, type HolidaySet } from './holiday-sets';
import { COMUNIDAD_DE_MADRID, MADRID_CITY, NATIONAL, SHIPPED_SETS, T0, calendarDoc } from './test-calendars';

const settings = { id: 'c', name: 'C', region: 'ES-MD', timeZone: 'Europe/Madrid', workingDays: [1, 2, 3, 4, 5], workingHours: [], createdAt: T0 };
const dates = (set: HolidaySet, year: number) => set.years.find((y) => y.year === year)?.holidays.map((h) => h.date) ?? [];

describe('shipped holiday sets (resources/calendars)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(['calendars']);
  });
  afterAll(async () => {
    await db.close();
  });

  it('have no problems and name their source for every year', () => {
    for (const set of SHIPPED_SETS) expect(holidaySetProblems(set), set.name).toEqual([]);
  });

  it('compose into calendar documents the calendars schema accepts', async () => {
    const documents = [
      calendarDoc(),
      calendarDoc({ id: 'cal-comunidad' }, [NATIONAL, COMUNIDAD_DE_MADRID]),
      calendarDoc({ id: 'cal-nacional' }, [NATIONAL]),
    ];
    const result = await db.calendars.bulkInsert(documents);
    expect(result.error).toEqual([]);
    expect(documents[0]!.holidays.length).toBe(10 + 9 + 10 + 3 + 4 + 2 + 2);
  });

  it('put Good Friday on the Friday before Easter and Maundy Thursday (Madrid) the day before', () => {
    for (const year of [2025, 2026, 2027]) {
      const [month, day] = easterSunday(year);
      const friday = parseIsoDate(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`) - 2;
      expect(dates(NATIONAL, year).map(parseIsoDate)).toContain(friday);
      if (year < 2027) expect(dates(COMUNIDAD_DE_MADRID, year).map(parseIsoDate)).toContain(friday - 1);
    }
  });

  it('holds the published dates: the Almudena moved to Monday in 2025, Todos los Santos and the Constitution to Monday in Madrid in 2026', () => {
    expect(dates(MADRID_CITY, 2025)).toEqual(['2025-05-15', '2025-11-10']);
    expect(dates(MADRID_CITY, 2026)).toEqual(['2026-05-15', '2026-11-09']);
    expect(dates(COMUNIDAD_DE_MADRID, 2026)).toEqual(['2026-04-02', '2026-05-02', '2026-11-02', '2026-12-07']);
    // Every regional and local replacement day of a Sunday holiday is a Monday.
    for (const date of ['2025-11-10', '2026-11-02', '2026-12-07']) expect(isoWeekday(parseIsoDate(date))).toBe(1);
  });

  it('marks 2027 as provisional until its BOE resolution is checked', () => {
    expect(NATIONAL.years.find((y) => y.year === 2027)?.provisional).toBe(true);
    expect(NATIONAL.years.filter((y) => y.year < 2027).every((y) => !y.provisional)).toBe(true);
  });

  it('refuses a set with a date outside its year, a duplicate, or a local set without municipality', () => {
    const bad: HolidaySet = {
      scope: 'local',
      region: 'ES-MD',
      name: 'Mal',
      years: [{ year: 2025, source: 'x', holidays: [{ date: '2026-01-01', name: 'Año Nuevo' }, { date: '2026-01-01', name: 'Otra vez' }] }],
    };
    expect(holidaySetProblems(bad)).toEqual([
      'a local set names its municipality',
      '2025 2026-01-01 "Año Nuevo": not in 2025',
      '2025 2026-01-01 "Otra vez": not in 2025',
      '2025 2026-01-01 "Otra vez": listed twice',
    ]);
    expect(() => composeCalendar(settings, [bad])).toThrow(/holiday set "Mal"/);
  });

  it('keeps a day listed by two authorities once, with the broadest scope', () => {
    const local: HolidaySet = { scope: 'local', region: 'ES-MD', municipality: 'X', name: 'X', years: [{ year: 2025, source: 's', holidays: [{ date: '2025-01-01', name: 'Año Nuevo local' }] }] };
    const calendar = composeCalendar(settings, [local, NATIONAL]);
    expect(calendar.holidays.filter((h) => h.date === '2025-01-01')).toEqual([{ date: '2025-01-01', name: 'Año Nuevo', scope: 'national' }]);
  });
});
