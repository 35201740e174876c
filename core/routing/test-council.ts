// For tests and benchmarks only: the shipped defaults for a new council (resources/council/) as documents.
import national from '../../resources/calendars/es-nacional.json';
import madridRegion from '../../resources/calendars/es-md-comunidad-de-madrid.json';
import calendar from '../../resources/council/calendar.json';
import departments from '../../resources/council/departments.json';
import rules from '../../resources/council/rules.json';
import templates from '../../resources/council/templates.json';
import type { HolidaySet } from '../calendar';
import { councilDefaults, type CouncilDefaultsFiles, type CouncilDefaultsOptions } from './council-defaults';

export const COUNCIL_FILES = { departments, rules, templates, calendar } as unknown as CouncilDefaultsFiles;
export const HOLIDAY_SETS: Record<string, HolidaySet> = {
  'es-nacional': national as HolidaySet,
  'es-md-comunidad-de-madrid': madridRegion as HolidaySet,
};

export function defaultCouncil(options: Partial<CouncilDefaultsOptions> = {}) {
  return councilDefaults(COUNCIL_FILES, { createdAt: Date.UTC(2025, 0, 1), holidaySets: HOLIDAY_SETS, ...options });
}
