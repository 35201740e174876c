// The demo council's own rules (core/demo) through the engine: they compile against its
// departments and calendars, and its caseload's tickets route without error.
import { describe, expect, it } from 'vitest';
import { generateCaseload } from '../demo/caseload';
import { compileRules } from './rule-compiler';
import { routeTicket } from './rule-engine';

describe('the demo council through the rule engine', () => {
  const caseload = generateCaseload({ seed: 'routing-test', tickets: 300, messagesPerTicket: 1 });
  const compiled = compileRules(caseload.rules, { calendars: caseload.calendars, defaultCalendarId: 'cal-villanueva', departments: caseload.departments });

  it('compiles every enabled demo rule', () => {
    expect(compiled.problems).toEqual([]);
    expect(compiled.rules.length).toBe(caseload.rules.filter((rule) => rule.enabled).length);
  });

  it('routes the demo caseload: acknowledges mail and sends some tickets to departments', () => {
    const text = new Map(caseload.messages.map((message) => [message.ticketId, message.text]));
    const decisions = caseload.tickets.map((ticket) =>
      routeTicket(compiled, { id: ticket.id, channel: ticket.channel, subject: ticket.subject, body: text.get(ticket.id) ?? '', priority: ticket.priority, receivedAt: ticket.createdAt }),
    );
    const mail = caseload.tickets.filter((ticket) => ticket.channel === 'email' || ticket.channel === 'web_form').length;
    expect(decisions.filter((decision) => decision.autoReplyTemplateKeys.includes('acuse-recibo'))).toHaveLength(mail);
    expect(decisions.filter((decision) => decision.departmentId !== '').length).toBeGreaterThan(0);
    for (const decision of decisions) if (decision.departmentId !== '') expect(caseload.departments.map((d) => d.id)).toContain(decision.departmentId);
  });
});
