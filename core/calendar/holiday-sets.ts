/**
 * Holidays as they are published, one set per authority — the State (BOE), an autonomous
 * community (its bulletin), a municipality — and a year each, as shipped in resources/calendars/.
 * A council's calendar is the union of the three sets that apply to it ({@link composeCalendar}):
 * its own local holidays are the council's to add each year.
 */
import { HOLIDAY_SCOPES, type Calendar, type Holiday, type HolidayScope } from '../schemas';
import { parseIsoDate, ymdOf } from './civil-date';

export type HolidaySetYear = {
  year: number;
  /** Where the dates come from: the resolution or decree, with its bulletin and date. */
  source: string;
  /**
   * True when the year's official list was not yet available and the dates follow from the
   * permanent rules (Real Decreto 2001/1983, art. 45.1): check them when the bulletin publishes
   * the year, and replace them.
   */
  provisional?: boolean;
  holidays: { date: string; name: string }[];
};

export type HolidaySet = {
  scope: HolidayScope;
  /** 'ES' for the State, the ISO 3166-2 code of the community ('ES-MD'), or of the municipality's community. */
  region: string;
  /** For local sets: the municipality. */
  municipality?: string;
  name: string;
  years: HolidaySetYear[];
};

/** What is wrong with a holiday set, empty when nothing is. */
export function holidaySetProblems(set: HolidaySet): string[] {
  const problems: string[] = [];
  if (!(HOLIDAY_SCOPES as readonly string[]).includes(set.scope)) problems.push(`unknown scope "${set.scope}"`);
  if (set.scope === 'local' && !set.municipality) problems.push('a local set names its municipality');
  const seen = new Set<string>();
  for (const year of set.years) {
    if (!year.source.trim()) problems.push(`${year.year}: no source`);
    for (const holiday of year.holidays) {
      const label = `${year.year} ${holiday.date} "${holiday.name}"`;
      try {
        if (ymdOf(parseIsoDate(holiday.date)).year !== year.year) problems.push(`${label}: not in ${year.year}`);
      } catch (error) {
        problems.push(`${label}: ${(error as Error).message}`);
      }
      if (!holiday.name.trim()) problems.push(`${label}: no name`);
      if (seen.has(holiday.date)) problems.push(`${label}: listed twice`);
      seen.add(holiday.date);
    }
  }
  return problems;
}

export type CalendarSettings = Omit<Calendar, 'holidays' | 'createdAt' | 'updatedAt'> & { createdAt: number; updatedAt?: number };

/**
 * A calendar document from its settings and the holiday sets that apply, sorted by date. A day
 * in two sets is kept once, with the broadest scope (a national holiday a community repeats
 * stays national). Throws when a set has problems.
 */
export function composeCalendar(settings: CalendarSettings, sets: readonly HolidaySet[]): Calendar {
  const rank: Record<HolidayScope, number> = { national: 0, regional: 1, local: 2 };
  const byDate = new Map<string, Holiday>();
  for (const set of sets) {
    const problems = holidaySetProblems(set);
    if (problems.length > 0) throw new RangeError(`holiday set "${set.name}": ${problems.join('; ')}`);
    for (const year of set.years) {
      for (const { date, name } of year.holidays) {
        const existing = byDate.get(date);
        if (!existing || rank[set.scope] < rank[existing.scope]) byDate.set(date, { date, name, scope: set.scope });
      }
    }
  }
  const { createdAt, updatedAt, ...rest } = settings;
  return {
    ...rest,
    holidays: [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date)),
    createdAt,
    updatedAt: updatedAt ?? createdAt,
  };
}
