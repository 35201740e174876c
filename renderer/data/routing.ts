// Where a call or a visit goes when the clerk has not said: the council's routing rules
// (core/routing), run on the reason and notes as a ticket of that channel would be.
import { compileRules, routeTicket, type CompiledRules } from '../../core/routing';
import type { Calendar, Channel, Department, Rule } from '../../core/schemas';
import { councilCalendarId } from './rules-context';

export function compileCouncilRules(rules: readonly Rule[], calendars: readonly Calendar[], departments: readonly Department[]): CompiledRules {
  // Time conditions without a calendar of their own use the council's (rules-context.ts);
  // without it they would be reported as problems and left out of routing.
  const defaultCalendarId = councilCalendarId(calendars, departments);
  return compileRules(rules, { calendars, departments, ...(defaultCalendarId !== undefined && { defaultCalendarId }) });
}

export function suggestDepartment(compiled: CompiledRules, input: { channel: Channel; subject: string; body: string; from?: string; now: number }): string | undefined {
  const decision = routeTicket(compiled, { id: 'draft', channel: input.channel, subject: input.subject, body: input.body, priority: 'normal', receivedAt: input.now, ...(input.from && { from: input.from }) });
  return decision.departmentId || undefined;
}
