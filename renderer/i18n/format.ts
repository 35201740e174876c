// Times as a clerk reads them: "hace 3 d" in the list, a full date and time in Madrid's zone on
// a ticket. Intl does the language; the council's time zone is Europe/Madrid.
import type { TFunction } from 'i18next';

export const COUNCIL_TIME_ZONE = 'Europe/Madrid';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long ago, in the fewest characters that say it ("5 min", "3 d"). */
export function age(t: TFunction, from: number, now: number): string {
  const elapsed = Math.max(0, now - from);
  if (elapsed < MINUTE) return t('time.now');
  if (elapsed < HOUR) return t('time.minutes', { count: Math.floor(elapsed / MINUTE) });
  if (elapsed < DAY) return t('time.hours', { count: Math.floor(elapsed / HOUR) });
  if (elapsed < 60 * DAY) return t('time.days', { count: Math.floor(elapsed / DAY) });
  if (elapsed < 730 * DAY) return t('time.months', { count: Math.floor(elapsed / (30 * DAY)) });
  return t('time.years', { count: Math.floor(elapsed / (365 * DAY)) });
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(language: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = language + JSON.stringify(options);
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(language, { timeZone: COUNCIL_TIME_ZONE, ...options });
    formatters.set(key, found);
  }
  return found;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
/** A count as the language writes it: 12.345 in Spanish, 12,345 in English. */
export function formatCount(language: string, value: number): string {
  let found = numberFormats.get(language);
  if (!found) {
    found = new Intl.NumberFormat(language);
    numberFormats.set(language, found);
  }
  return found.format(value);
}

export function dateTime(language: string, at: number): string {
  return formatter(language, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

export function shortDate(language: string, at: number): string {
  return formatter(language, { day: 'numeric', month: 'short' }).format(at);
}

export function timeOfDay(language: string, at: number): string {
  return formatter(language, { hour: '2-digit', minute: '2-digit' }).format(at);
}
