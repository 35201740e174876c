import { describe, expect, it } from 'vitest';
import { compileRules } from './rule-compiler';
import { planNewTicket, type NewTicketInput } from './new-ticket';
import { defaultCouncil } from './test-council';
import { rule } from './test-rules';

const council = defaultCouncil();
const base = (rules = council.rules): NewTicketInput => ({
  ticket: { id: 't-1', reference: 'REG-1', channel: 'email', mailbox: 'registro@ayuntamiento-ejemplo.es', from: 'x@correo.example', subject: 'Multa de tráfico', body: 'Quiero recurrir una multa.', priority: 'normal', receivedAt: Date.UTC(2025, 5, 2, 8) },
  language: 'es',
  citizen: { name: 'Pedro Gil' },
  rules: compileRules(rules, { calendars: council.calendars, defaultCalendarId: 'cal-ayuntamiento', departments: council.departments }),
  departments: council.departments,
  calendars: council.calendars,
  defaultCalendarId: 'cal-ayuntamiento',
  templates: council.templates,
  council: { name: 'Ayuntamiento de Ejemplo' },
  candidatesFor: () => [],
});

describe('planning a new ticket', () => {
  it('says why nobody was assigned when the department has nobody working', () => {
    const plan = planNewTicket(base());
    expect(plan).toMatchObject({ decision: { departmentId: 'policia-local' }, assigneeId: '', assignment: { reason: 'nobody_working', mode: 'least_open' } });
  });

  it('keeps the clerk a rule names, without automatic assignment', () => {
    const rules = [...council.rules, rule('A Pedro', [], [{ type: 'assign', userId: 'u-pedro' }], { order: 5000 })];
    const plan = planNewTicket(base(rules));
    expect(plan.assigneeId).toBe('u-pedro');
    expect(plan.assignment).toBeUndefined();
  });

  it('reports an automatic answer it cannot send: no such template, or values it lacks', () => {
    const rules = [
      ...council.rules,
      rule('Plantilla inexistente', [], [{ type: 'auto_reply', templateKey: 'no-existe' }], { order: 5000 }),
      rule('Pide datos del tramitador', [], [{ type: 'auto_reply', templateKey: 'multas-trafico' }], { order: 5001 }),
    ];
    const plan = planNewTicket(base(rules));
    expect(plan.autoReplies.map((reply) => [reply.templateKey, reply.ok ? 'ok' : reply.error.code])).toEqual([
      ['acuse-recibo', 'ok'],
      ['no-existe', 'no_template'],
      ['multas-trafico', 'missing_values'],
    ]);
    const failed = plan.autoReplies[2];
    expect(failed?.ok === false && failed.error.message).toBe('no value for {{clerk.name}}');
  });
});
