// Templates in the reply box: what the ticket asks (for suggestions), the values a clerk's reply
// fills in, and the draft with visible blanks for what is unknown. The rendering rules are
// core/templates'; this only gathers the ticket's data the way the screens hold it.
import { timeZone, workingCalendar, type TimeZone } from '../../core/calendar';
import { councilCalendarId, departmentCalendar, departmentDeadlines } from '../../core/routing';
import { NO_DUE_DATE, type Calendar, type Citizen, type Department, type Message, type Template, type Ticket } from '../../core/schemas';
import { SUGGEST_TEXT_LIMIT, buildTemplateIndex, renderDraft, standardValues, type RenderedDraft, type TemplateIndex, type TemplateRenderError, type TemplateValues } from '../../core/templates';
import type { Result } from '../../core/sync/api-result';

/** What the citizen said, newest first: what the suggestions match (core/templates caps its length). */
export function citizenText(thread: readonly Message[]): string {
  const parts: string[] = [];
  let length = 0;
  // Newest first, and no further than what is matched: a long thread's old mail is not read.
  for (let i = thread.length - 1; i >= 0 && length < SUGGEST_TEXT_LIMIT; i--) {
    const message = thread[i]!;
    if (message.auto || message.text === '') continue;
    // Calls and visits are written by the clerk who attended, but they say what the citizen asked.
    const fromCitizen = message.kind === 'email_in' || message.kind === 'web_form' || message.kind === 'phone_call' || message.kind === 'visit' || (message.kind === 'chat' && message.authorId === undefined);
    if (!fromCitizen) continue;
    const part = message.subject ? `${message.subject}\n${message.text}` : message.text;
    parts.push(part);
    length += part.length + 2;
  }
  return parts.join('\n\n');
}

let cachedIndex: { signature: string; index: TemplateIndex } | undefined;

/**
 * The suggestion index of a set of templates, built once per set: the directory hands out a new
 * array whenever any of its collections changes (a colleague signs in), so the cache is keyed by
 * what the index depends on — each template's id and version — not by the array. One entry is
 * enough: a workstation has one set of templates at a time, and it survives opening another ticket.
 */
export function templateIndexFor(templates: readonly Template[]): TemplateIndex {
  const signature = templates.map((template) => `${template.id}@${template.updatedAt}:${template.active ? 1 : 0}`).join('|');
  if (cachedIndex?.signature !== signature) cachedIndex = { signature, index: buildTemplateIndex(templates) };
  return cachedIndex.index;
}

/** The zone dates are written in: the department's calendar's, the council's, or this computer's. */
function replyZone(department: Department | undefined, calendars: readonly Calendar[], departments: readonly Department[]): { zone: TimeZone; calendar?: Calendar } {
  try {
    const calendar = departmentCalendar(department ?? { id: '' }, calendars, councilCalendarId(calendars, departments));
    return { zone: workingCalendar(calendar).zone, calendar };
  } catch {
    return { zone: timeZone(Intl.DateTimeFormat().resolvedOptions().timeZone) };
  }
}

export type ReplyFacts = {
  ticket: Ticket;
  citizen?: Citizen;
  department?: Department;
  calendars: readonly Calendar[];
  departments: readonly Department[];
  clerkName: string;
  /** The council's name from the workstation's settings, when set. */
  councilName?: string;
  /** The template's language: dates are written in it. */
  language: string;
};

/**
 * The standard values of a clerk's reply. The due date is the ticket's (a supervisor may have
 * moved it); the first answer's date is counted from the department's response period, as the
 * automatic acknowledgement counted it.
 */
export function replyValues(facts: ReplyFacts): TemplateValues {
  const { ticket, department } = facts;
  const { zone, calendar } = replyZone(department, facts.calendars, facts.departments);
  let responseDueAt = NO_DUE_DATE;
  if (department && calendar) {
    try {
      responseDueAt = departmentDeadlines(department, calendar, ticket.createdAt).responseDueAt;
    } catch {
      // A calendar an administrator got wrong: the date becomes a blank the clerk fills in.
    }
  }
  return standardValues({
    language: facts.language,
    zone,
    ...(facts.citizen && { citizen: { name: facts.citizen.name } }),
    ticket: { reference: ticket.reference, subject: ticket.subject, dueAt: ticket.dueAt, responseDueAt },
    ...(department && { department: { name: department.name } }),
    clerk: { name: facts.clerkName },
    ...(facts.councilName?.trim() && { council: { name: facts.councilName.trim() } }),
  });
}

/** How a blank reads in the reply box: '[[fecha límite de resolución]]'. */
export const blankMarker = (label: string): string => `[[${label}]]`;

/** The template as a draft for the reply box, each unknown value a visible blank. */
export function templateDraft(template: Template, values: TemplateValues, label: (variable: string) => string): Result<RenderedDraft, TemplateRenderError> {
  return renderDraft(template, values, (variable) => blankMarker(label(variable)));
}

/** The blanks the clerk has not written over yet. */
export function pendingBlanks<T extends { marker: string }>(text: string, blanks: readonly T[]): T[] {
  return blanks.filter((blank) => text.includes(blank.marker));
}

/**
 * The reply box's text once a template goes in: the draft replaces an empty box, or a box that
 * still holds the previous template untouched; otherwise it goes below what the clerk wrote,
 * which is never thrown away by a keystroke.
 */
export function withTemplate(current: string, lastInserted: string | undefined, draft: string): string {
  if (current.trim() === '' || current === lastInserted) return draft;
  return `${current.trimEnd()}\n\n${draft}`;
}
