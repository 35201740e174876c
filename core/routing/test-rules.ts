// For tests only: rules and tickets to route. Never imported by production code.
import type { Rule, RuleAction, RuleCondition } from '../schemas';
import type { RoutingTicket } from './rule-compiler';

export const T0 = Date.UTC(2025, 0, 1);

let counter = 0;
export function rule(name: string, conditions: RuleCondition[], actions: RuleAction[], overrides: Partial<Rule> = {}): Rule {
  counter++;
  return {
    id: overrides.id ?? `rule-${String(counter).padStart(4, '0')}`,
    name,
    order: 10,
    enabled: true,
    match: 'all',
    conditions,
    actions,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

export function ticket(overrides: Partial<RoutingTicket> = {}): RoutingTicket {
  return {
    id: 'ticket-1',
    channel: 'email',
    mailbox: 'registro@ayuntamiento-ejemplo.es',
    from: 'vecina@correo.example',
    subject: 'Consulta',
    body: 'Buenos días, quería hacer una consulta.',
    priority: 'normal',
    receivedAt: Date.UTC(2025, 3, 14, 8), // Monday 14 April 2025, 10:00 in Madrid
    ...overrides,
  };
}
