/**
 * The standard values of a reply, from what the ticket knows. Only what is known is given: an
 * unknown citizen name stays out, so rendering reports it instead of writing "Estimado/a :".
 * The due date is written as a person reads it, in the reply's language and the calendar's
 * time zone: "30 de abril de 2025".
 */
import { ymdOf, type TimeZone } from '../calendar';
import { NO_DUE_DATE, type Timestamp } from '../schemas';
import type { TemplateValues } from './render';

const MONTHS: Record<string, readonly string[]> = {
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  ca: ['gener', 'febrer', 'març', 'abril', 'maig', 'juny', 'juliol', 'agost', 'setembre', 'octubre', 'novembre', 'desembre'],
  gl: ['xaneiro', 'febreiro', 'marzo', 'abril', 'maio', 'xuño', 'xullo', 'agosto', 'setembro', 'outubro', 'novembro', 'decembro'],
};

/** A day as written in a letter: '30 de abril de 2025', '30 April 2025'; ISO for other languages. */
export function formatDate(instant: Timestamp, zone: TimeZone, language: string): string {
  const { year, month, day } = ymdOf(zone.dayOf(instant));
  const base = language.split('-')[0]!;
  const months = MONTHS[base];
  if (!months) return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const name = months[month - 1]!;
  if (base === 'en') return `${day} ${name} ${year}`;
  if (base === 'ca') return `${day} ${/^[aeiou]/.test(name) ? 'd’' : 'de '}${name} de ${year}`;
  return `${day} de ${name} de ${year}`;
}

export type ReplyContext = {
  language: string;
  /** The zone dates are written in: the department's calendar's. */
  zone: TimeZone;
  citizen?: { name?: string };
  /** `dueAt`: the resolution deadline ({{ticket.dueDate}}); `responseDueAt`: the first answer's ({{ticket.responseDueDate}}). */
  ticket?: { reference: string; subject?: string; dueAt?: Timestamp; responseDueAt?: Timestamp };
  department?: { name: string };
  /** The clerk who answers; automatic answers may sign with the department's office instead. */
  clerk?: { name: string };
  council?: { name: string };
};

/** The standard variables' values known for a reply. */
export function standardValues(context: ReplyContext): TemplateValues {
  const values: Record<string, string> = {};
  const name = context.citizen?.name?.trim();
  if (name) values['citizen.name'] = name;
  if (context.ticket) {
    values['ticket.reference'] = context.ticket.reference;
    if (context.ticket.subject !== undefined) values['ticket.subject'] = context.ticket.subject;
    const due = context.ticket.dueAt;
    if (due !== undefined && due !== NO_DUE_DATE) values['ticket.dueDate'] = formatDate(due, context.zone, context.language);
    const response = context.ticket.responseDueAt;
    if (response !== undefined && response !== NO_DUE_DATE) values['ticket.responseDueDate'] = formatDate(response, context.zone, context.language);
  }
  if (context.department) values['department.name'] = context.department.name;
  if (context.clerk) values['clerk.name'] = context.clerk.name;
  if (context.council) values['council.name'] = context.council.name;
  return values;
}
