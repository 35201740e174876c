// The values a sync conflict overwrote (ticket.history, core/sync/ticket-merge.ts) as a clerk
// reads them: the field's name and the value in her language, people and departments by name.
// The raw entry ("assigneeId → 01JD…") is English and ids: meaningless at a front office.
import type { TFunction } from 'i18next';
import { NO_DUE_DATE, NONE, TICKET_PRIORITIES, TICKET_STATUSES, type TicketHistoryEntry } from '../../core/schemas';
import { dateTime } from '../i18n/format';

/** Names the directory knows; undefined when it does not (a user or department since removed). */
export type HistoryNames = {
  user: (id: string) => string | undefined;
  department: (id: string) => string | undefined;
};

const DATE_FIELDS = new Set<TicketHistoryEntry['field']>(['dueAt', 'firstResponseAt', 'resolvedAt']);

/** "Prioridad: «Alta», de Ana Belén Rubio Sanz" — one overwritten value, as a sentence fragment. */
export function describeHistoryEntry(entry: TicketHistoryEntry, t: TFunction, language: string, names: HistoryNames): string {
  const field = t(`ticket.history.fields.${entry.field}`);
  const value = historyValue(entry, t, language, names);
  const by = entry.by ? names.user(entry.by) : undefined;
  return by ? t('ticket.history.entryBy', { field, value, by }) : t('ticket.history.entry', { field, value });
}

function historyValue(entry: TicketHistoryEntry, t: TFunction, language: string, names: HistoryNames): string {
  const value = entry.value;
  if (value === undefined) return t('ticket.history.empty');
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : t('ticket.history.empty');
  if (typeof value === 'number') {
    if (DATE_FIELDS.has(entry.field)) return value === NO_DUE_DATE ? t('ticket.noDue') : dateTime(language, value);
    return String(value);
  }
  switch (entry.field) {
    case 'status':
      return (TICKET_STATUSES as readonly string[]).includes(value) ? t(`status.${value as (typeof TICKET_STATUSES)[number]}`) : value;
    case 'priority':
      return (TICKET_PRIORITIES as readonly string[]).includes(value) ? t(`priority.${value as (typeof TICKET_PRIORITIES)[number]}`) : value;
    case 'departmentId':
      return value === NONE ? t('ticket.intake') : (names.department(value) ?? t('ticket.history.unknownDepartment'));
    case 'assigneeId':
      return value === NONE ? t('ticket.unassigned') : (names.user(value) ?? t('ticket.history.unknownUser'));
    case 'citizenId':
      return value === NONE ? t('inbox.noCitizen') : t('ticket.history.otherCitizen');
    case 'routedBy':
      return t('ticket.history.aRule');
    case 'mergedInto':
      return value === NONE ? t('ticket.history.empty') : t('ticket.history.otherTicket');
    default:
      return value === '' ? t('ticket.history.empty') : value;
  }
}
