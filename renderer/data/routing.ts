// Where a call or a visit goes when the clerk has not said: the council's routing rules
// (core/routing), run on the reason and notes as a ticket of that channel would be.
import { compileRules, routeTicket, type CompiledRules, type RoutingCitizen } from '../../core/routing';
import type { Calendar, Channel, Department, Rule } from '../../core/schemas';
import { councilCalendarId } from './rules-context';

export function compileCouncilRules(rules: readonly Rule[], calendars: readonly Calendar[], departments: readonly Department[]): CompiledRules {
  // Time conditions without a calendar of their own use the council's (rules-context.ts);
  // without it they would be reported as problems and left out of routing.
  const defaultCalendarId = councilCalendarId(calendars, departments);
  return compileRules(rules, { calendars, departments, ...(defaultCalendarId !== undefined && { defaultCalendarId }) });
}

/** The department the rules choose for a call or visit; `citizen` is the one the clerk picked or added. */
export function suggestDepartment(compiled: CompiledRules, input: { channel: Channel; subject: string; body: string; from?: string; citizen?: RoutingCitizen; now: number }): string | undefined {
  const decision = routeTicket(compiled, {
    id: 'draft',
    channel: input.channel,
    subject: input.subject,
    body: input.body,
    priority: 'normal',
    receivedAt: input.now,
    ...(input.from && { from: input.from }),
    ...(input.citizen && { citizen: input.citizen }),
  });
  return decision.departmentId || undefined;
}
