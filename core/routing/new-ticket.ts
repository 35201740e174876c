/**
 * Everything that happens to a new ticket before a clerk sees it, in one pure call: the rules'
 * decision, the department's deadlines, the clerk automatic assignment picks, and the automatic
 * answers rendered in the citizen's language. The mail channel and the other intake channels
 * call this and write what it returns; every workstation computes the same plan.
 */
import { workingCalendar } from '../calendar';
import { INTAKE_DEPARTMENT_ID, NO_DUE_DATE, UNASSIGNED, type Calendar, type Department, type Template, type Timestamp } from '../schemas';
import { pickTemplate, renderTemplate, standardValues, type RenderedTemplate } from '../templates';
import { chooseAssignee, type AssignmentCandidate, type AssignmentOutcome } from './assignment';
import type { CompiledRules, RoutingTicket } from './rule-compiler';
import { routeTicket, type RoutingDecision } from './rule-engine';
import { departmentCalendar, departmentDeadlines } from './sla';

export type NewTicketInput = {
  ticket: RoutingTicket & { reference: string; tags?: readonly string[] };
  /** The citizen's preferred language for answers; 'es' unless known. */
  language: string;
  citizen?: { name?: string };
  rules: CompiledRules;
  departments: readonly Department[];
  calendars: readonly Calendar[];
  /** The council's calendar for departments that name none, and for the intake queue. */
  defaultCalendarId: string;
  templates: readonly Template[];
  council: { name: string };
  /** The department's possible assignees with presence and load (see assignmentCandidates). */
  candidatesFor: (departmentId: string) => readonly AssignmentCandidate[];
};

export type AutoReplyPlan =
  | { ok: true; templateKey: string; template: Template; rendered: RenderedTemplate }
  | { ok: false; templateKey: string; error: { code: 'no_template' | 'missing_values' | 'malformed_placeholder'; message: string } };

export type NewTicketPlan = {
  decision: RoutingDecision;
  /** The department the ticket went to, when it exists (not the intake queue). */
  department?: Department;
  /** `tickets.dueAt`: resolution deadline, NO_DUE_DATE without one. */
  dueAt: Timestamp;
  responseDueAt: Timestamp;
  /** '' (UNASSIGNED) unless a rule named a clerk or automatic assignment found one. */
  assigneeId: string;
  /** Present when a rule asked for automatic assignment in a department. */
  assignment?: AssignmentOutcome;
  autoReplies: AutoReplyPlan[];
};

export function planNewTicket(input: NewTicketInput): NewTicketPlan {
  const { ticket } = input;
  const decision = routeTicket(input.rules, ticket);
  const department = decision.departmentId === INTAKE_DEPARTMENT_ID ? undefined : input.departments.find((candidate) => candidate.id === decision.departmentId);
  const calendar = department ? departmentCalendar(department, input.calendars, input.defaultCalendarId) : departmentCalendar({ id: INTAKE_DEPARTMENT_ID }, input.calendars, input.defaultCalendarId);
  const deadlines = department ? departmentDeadlines(department, calendar, ticket.receivedAt) : { responseDueAt: NO_DUE_DATE, resolutionDueAt: NO_DUE_DATE };
  let assigneeId = decision.assigneeId ?? UNASSIGNED;
  let assignment: AssignmentOutcome | undefined;
  if (decision.autoAssign && department) {
    const tags = [...new Set([...(ticket.tags ?? []), ...decision.tags])];
    assignment = chooseAssignee({ id: ticket.id, tags, ...(decision.category !== undefined ? { category: decision.category } : {}) }, department, input.candidatesFor(department.id));
    assigneeId = assignment.assigneeId;
  }
  const values = standardValues({
    language: input.language,
    zone: workingCalendar(calendar).zone,
    ...(input.citizen ? { citizen: input.citizen } : {}),
    ticket: { reference: ticket.reference, subject: ticket.subject, dueAt: deadlines.resolutionDueAt, responseDueAt: deadlines.responseDueAt },
    ...(department ? { department: { name: department.name } } : {}),
    council: input.council,
  });
  const autoReplies = decision.autoReplyTemplateKeys.map((templateKey): AutoReplyPlan => {
    const template = pickTemplate(input.templates, templateKey, { ...(department ? { departmentId: department.id } : {}), language: input.language });
    if (!template) return { ok: false, templateKey, error: { code: 'no_template', message: `no active template "${templateKey}" for this department` } };
    const rendered = renderTemplate(template, values);
    return rendered.ok ? { ok: true, templateKey, template, rendered: rendered.value } : { ok: false, templateKey, error: { code: rendered.error.code, message: rendered.error.message } };
  });
  return {
    decision,
    ...(department ? { department } : {}),
    dueAt: deadlines.resolutionDueAt,
    responseDueAt: deadlines.responseDueAt,
    assigneeId,
    ...(assignment ? { assignment } : {}),
    autoReplies,
  };
}
