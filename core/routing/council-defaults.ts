/**
 * The default departments, rules, templates and calendar for a new council (resources/council/),
 * turned into documents of the council's database: timestamps added, the fictional domain of the
 * files (ayuntamiento-ejemplo.es) replaced by the council's own, the calendar composed from the
 * holiday sets of resources/calendars/. The caller reads the files; this stays pure.
 */
import { composeCalendar, type HolidaySet } from '../calendar';
import type { Calendar, Department, Rule, Template, Timestamp } from '../schemas';

/** The mail domain and e-office address the shipped files use. */
export const DEFAULTS_MAIL_DOMAIN = 'ayuntamiento-ejemplo.es';
export const DEFAULTS_SEDE_URL = 'https://sede.ayuntamiento-ejemplo.es';

type Seed<T> = Omit<T, 'createdAt' | 'updatedAt'>;
export type CalendarSeed = Omit<Seed<Calendar>, 'holidays'> & {
  /** Names of the holiday sets (file names without .json) that make its holidays. */
  holidaySets: string[];
};

export type CouncilDefaultsFiles = {
  departments: Seed<Department>[];
  rules: Seed<Rule>[];
  templates: Seed<Template>[];
  calendar: CalendarSeed;
};

export type CouncilDefaultsOptions = {
  createdAt: Timestamp;
  /** Holiday sets by name: 'es-nacional', 'es-md-comunidad-de-madrid'. */
  holidaySets: Readonly<Record<string, HolidaySet>>;
  /** The council's mail domain: 'ayto-villanueva.es'. Absent: the files' fictional one stays. */
  mailDomain?: string;
  /** The council's e-office: 'https://sede.ayto-villanueva.es'. */
  sedeUrl?: string;
};

export type CouncilDefaults = { calendars: Calendar[]; departments: Department[]; rules: Rule[]; templates: Template[] };

export function councilDefaults(files: CouncilDefaultsFiles, options: CouncilDefaultsOptions): CouncilDefaults {
  const stamp = { createdAt: options.createdAt, updatedAt: options.createdAt };
  const address = (value: string) => (options.mailDomain ? value.replace(new RegExp(`@${DEFAULTS_MAIL_DOMAIN.replaceAll('.', '\\.')}$`), `@${options.mailDomain}`) : value);
  const url = (value: string) => (options.sedeUrl && value.startsWith(DEFAULTS_SEDE_URL) ? options.sedeUrl.replace(/\/$/, '') + value.slice(DEFAULTS_SEDE_URL.length) : value);
  const { holidaySets: names, ...settings } = files.calendar;
  const sets = names.map((name) => {
    const set = options.holidaySets[name];
    if (!set) throw new RangeError(`the default calendar needs the holiday set "${name}", which was not given`);
    return set;
  });
  return {
    calendars: [composeCalendar({ ...settings, createdAt: options.createdAt }, sets)],
    departments: files.departments.map((department) => ({ ...department, mailAliases: department.mailAliases.map(address), ...stamp })),
    rules: files.rules.map((rule) => ({
      ...rule,
      conditions: rule.conditions.map((condition) => (condition.type === 'mailbox' ? { ...condition, mailboxes: condition.mailboxes.map(address) } : condition)),
      ...stamp,
    })),
    templates: files.templates.map((template) => ({ ...template, links: template.links.map((link) => ({ ...link, url: url(link.url) })), ...stamp })),
  };
}
