import { describe, expect, it } from 'vitest';
import { calendarDoc } from '../calendar/test-calendars';
import { INTAKE_DEPARTMENT_ID, type Department } from '../schemas';
import { compileRules, type RoutingContext } from './rule-compiler';
import { routeTicket } from './rule-engine';
import { rule, T0, ticket } from './test-rules';

const context: RoutingContext = { calendars: [calendarDoc()], defaultCalendarId: 'cal-madrid' };
const route = (rules: Parameters<typeof compileRules>[0], input = ticket(), ctx = context) => routeTicket(compileRules(rules, ctx), input);
const toUrbanismo = { type: 'set_department', departmentId: 'urbanismo' } as const;
const toHacienda = { type: 'set_department', departmentId: 'hacienda' } as const;

describe('routing a new ticket', () => {
  it('leaves a ticket no rule matches in the intake queue, untouched', () => {
    const decision = route([rule('Licencias', [{ type: 'words', field: 'subject', words: ['licencia'], match: 'any' }], [toUrbanismo])]);
    expect(decision).toMatchObject({ departmentId: INTAKE_DEPARTMENT_ID, priority: 'normal', tags: [], autoAssign: false, autoReplyTemplateKeys: [], matchedRules: [] });
    expect(decision.routedBy).toBeUndefined();
  });

  it('records which rule chose the department, for "routed to Urbanismo by rule Licencias de obra"', () => {
    const licencias = rule('Licencias de obra', [{ type: 'words', field: 'subject_or_body', words: ['licencia de obra'], match: 'any' }], [toUrbanismo, { type: 'auto_reply', templateKey: 'acuse-recibo' }, { type: 'auto_assign' }], { id: 'r-lic' });
    const decision = route([licencias], ticket({ body: 'Solicito información sobre las licencias de obras menores.' }));
    expect(decision).toMatchObject({
      departmentId: 'urbanismo',
      routedBy: 'r-lic',
      autoAssign: true,
      autoReplyTemplateKeys: ['acuse-recibo'],
      madeBy: { department: { ruleId: 'r-lic', ruleName: 'Licencias de obra' }, autoReplies: [{ templateKey: 'acuse-recibo', rule: { ruleId: 'r-lic' } }] },
    });
  });

  it('applies rules by order, then id, later ones overriding single choices and adding tags', () => {
    const rules = [
      rule('Tardía', [], [toHacienda, { type: 'add_tags', tags: ['b', 'a'] }], { id: 'r-b', order: 20 }),
      rule('Primera por id', [], [toUrbanismo, { type: 'add_tags', tags: ['a'] }, { type: 'set_category', category: 'obras' }], { id: 'r-a', order: 20 }),
      rule('Antes que todas', [], [{ type: 'set_priority', priority: 'high' }], { id: 'r-z', order: 5 }),
    ];
    const decision = route(rules);
    expect(decision.matchedRules.map((ref) => ref.ruleId)).toEqual(['r-z', 'r-a', 'r-b']);
    expect(decision).toMatchObject({ departmentId: 'hacienda', routedBy: 'r-b', priority: 'high', category: 'obras', tags: ['a', 'b'] });
    expect(decision.madeBy.tags).toEqual([
      { tag: 'a', rule: { ruleId: 'r-a', ruleName: 'Primera por id' } },
      { tag: 'b', rule: { ruleId: 'r-b', ruleName: 'Tardía' } },
    ]);
    // The input order of the rules never matters.
    expect(route([...rules].reverse())).toEqual(decision);
  });

  it('stops at a rule that says stop', () => {
    const decision = route([
      rule('Para', [], [toUrbanismo, { type: 'stop' }], { id: 'r1', order: 1 }),
      rule('Nunca', [], [toHacienda], { id: 'r2', order: 2 }),
    ]);
    expect(decision).toMatchObject({ departmentId: 'urbanismo', stoppedBy: { ruleId: 'r1' } });
    expect(decision.matchedRules).toHaveLength(1);
  });

  it('skips disabled rules', () => {
    expect(route([rule('Apagada', [], [toUrbanismo], { enabled: false })]).departmentId).toBe(INTAKE_DEPARTMENT_ID);
  });

  it('lets a later rule see the priority an earlier one set', () => {
    const decision = route([
      rule('Urgente si desahucio', [{ type: 'words', field: 'body', words: ['desahucio'], match: 'any' }], [{ type: 'set_priority', priority: 'urgent' }], { order: 1 }),
      rule('Urgentes a Servicios Sociales', [{ type: 'priority', priorities: ['urgent'] }], [{ type: 'set_department', departmentId: 'servicios-sociales' }], { order: 2 }),
    ], ticket({ body: 'Tenemos una orden de desahucio para el jueves.' }));
    expect(decision).toMatchObject({ departmentId: 'servicios-sociales', priority: 'urgent' });
  });

  it('keeps the last assignment asked for: a named clerk or the department\'s mode', () => {
    const named = route([rule('Auto', [], [{ type: 'auto_assign' }], { order: 1 }), rule('A Lucía', [], [{ type: 'assign', userId: 'u-lucia' }], { order: 2 })]);
    expect(named).toMatchObject({ assigneeId: 'u-lucia', autoAssign: false });
    const auto = route([rule('A Lucía', [], [{ type: 'assign', userId: 'u-lucia' }], { order: 1 }), rule('Auto', [], [{ type: 'auto_assign' }], { order: 2 })]);
    expect(auto.autoAssign).toBe(true);
    expect(auto.assigneeId).toBeUndefined();
  });

  it('sends each automatic answer once even when two rules ask for it', () => {
    const reply = { type: 'auto_reply', templateKey: 'acuse-recibo' } as const;
    expect(route([rule('Uno', [], [reply]), rule('Dos', [], [reply, { type: 'auto_reply', templateKey: 'cita-previa' }])]).autoReplyTemplateKeys).toEqual(['acuse-recibo', 'cita-previa']);
  });
});

describe('rule conditions', () => {
  const matches = (conditions: Parameters<typeof rule>[1], input = ticket(), match: 'all' | 'any' = 'all') =>
    route([rule('R', conditions, [toUrbanismo], { match })], input).departmentId === 'urbanismo';

  it('match channels, mailboxes and senders without regard to case', () => {
    expect(matches([{ type: 'channel', channels: ['email', 'web_form'] }])).toBe(true);
    expect(matches([{ type: 'channel', channels: ['phone'] }])).toBe(false);
    expect(matches([{ type: 'mailbox', mailboxes: ['registro@ayuntamiento-ejemplo.es'] }], ticket({ mailbox: 'Registro@Ayuntamiento-Ejemplo.es' }))).toBe(true);
    expect(matches([{ type: 'mailbox', mailboxes: ['registro@ayuntamiento-ejemplo.es'] }], ticket({ channel: 'phone', mailbox: undefined }))).toBe(false);
    expect(matches([{ type: 'sender', addresses: ['vecina@correo.example'] }], ticket({ from: 'VECINA@correo.example' }))).toBe(true);
  });

  it('match a sender domain and its subdomains, not a domain that merely ends alike', () => {
    const gva = [{ type: 'sender_domain' as const, domains: ['gva.es'] }];
    expect(matches(gva, ticket({ from: 'registro@gva.es' }))).toBe(true);
    expect(matches(gva, ticket({ from: 'sede@dogv.gva.es' }))).toBe(true);
    expect(matches(gva, ticket({ from: 'spam@notgva.es' }))).toBe(false);
    expect(matches(gva, ticket({ from: undefined }))).toBe(false);
    expect(matches(gva, ticket({ from: 'gva.es' }))).toBe(false);
    expect(matches([{ type: 'sender_domain', domains: ['@GVA.es'] }], ticket({ from: 'x@gva.es' }))).toBe(true);
  });

  it('match words in the subject, the body or either, any or all of them', () => {
    const input = ticket({ subject: 'Recibo del IBI', body: 'No me ha llegado la carta de pago.' });
    expect(matches([{ type: 'words', field: 'subject', words: ['ibi'], match: 'any' }], input)).toBe(true);
    expect(matches([{ type: 'words', field: 'body', words: ['ibi'], match: 'any' }], input)).toBe(false);
    expect(matches([{ type: 'words', field: 'subject_or_body', words: ['ibi', 'carta de pago'], match: 'all' }], input)).toBe(true);
    expect(matches([{ type: 'words', field: 'subject_or_body', words: ['ibi', 'plusvalía'], match: 'all' }], input)).toBe(false);
    expect(matches([{ type: 'words', field: 'subject_or_body', words: ['plusvalía', 'recibos'], match: 'any' }], input)).toBe(true);
  });

  it('match the time of receipt against the calendar: working hours, outside them, non-working days', () => {
    const at = (iso: string) => ticket({ receivedAt: Date.parse(iso) });
    const window = (name: 'working_hours' | 'outside_working_hours' | 'non_working_day') => [{ type: 'time' as const, window: name }];
    expect(matches(window('working_hours'), at('2025-04-14T08:00:00Z'))).toBe(true); // Monday 10:00
    expect(matches(window('outside_working_hours'), at('2025-04-14T13:00:00Z'))).toBe(true); // Monday 15:00
    expect(matches(window('non_working_day'), at('2025-04-17T08:00:00Z'))).toBe(true); // Jueves Santo
    expect(matches(window('non_working_day'), at('2025-04-14T08:00:00Z'))).toBe(false);
    expect(matches(window('outside_working_hours'), at('2025-04-17T08:00:00Z'))).toBe(true);
  });

  it('negate a condition, and combine conditions with any', () => {
    expect(matches([{ type: 'channel', channels: ['internal'], negate: true }])).toBe(true);
    expect(matches([{ type: 'channel', channels: ['email'], negate: true }])).toBe(false);
    expect(matches([{ type: 'channel', channels: ['phone'] }, { type: 'priority', priorities: ['normal'] }], ticket(), 'any')).toBe(true);
    expect(matches([{ type: 'channel', channels: ['phone'] }, { type: 'priority', priorities: ['normal'] }], ticket(), 'all')).toBe(false);
  });

  it('read only the first 20,000 characters of a long body', () => {
    const words = [{ type: 'words' as const, field: 'body' as const, words: ['plusvalía'], match: 'any' as const }];
    expect(matches(words, ticket({ body: 'x '.repeat(9_000) + 'plusvalía' }))).toBe(true);
    expect(matches(words, ticket({ body: 'x '.repeat(10_000) + 'plusvalía' }))).toBe(false);
  });

  it('match every ticket when a rule has no conditions', () => {
    expect(matches([])).toBe(true);
  });
});

describe('rules that cannot work', () => {
  const departments: Department[] = [
    { id: 'urbanismo', name: 'Urbanismo', code: 'URB', mailAliases: [], sla: {}, assignmentMode: 'manual', active: true, createdAt: T0, updatedAt: T0 },
    { id: 'cementerio', name: 'Cementerio', code: 'CEM', mailAliases: [], sla: {}, assignmentMode: 'manual', active: false, createdAt: T0, updatedAt: T0 },
  ];

  it('are left out and reported with the reason, the others still route', () => {
    const compiled = compileRules(
      [
        rule('Sin calendario', [{ type: 'time', window: 'working_hours', calendarId: 'cal-nope' }], [toUrbanismo], { id: 'r1', order: 1 }),
        rule('Departamento inexistente', [], [{ type: 'set_department', departmentId: 'nope' }], { id: 'r2', order: 2 }),
        rule('Departamento inactivo', [], [{ type: 'set_department', departmentId: 'cementerio' }], { id: 'r3', order: 3 }),
        rule('Sin palabras', [{ type: 'words', field: 'body', words: ['¿?'], match: 'any' }], [toUrbanismo], { id: 'r4', order: 4 }),
        rule('Buena', [], [{ type: 'add_tags', tags: ['ok'] }], { id: 'r5', order: 5 }),
      ],
      { ...context, departments },
    );
    expect(compiled.problems).toEqual([
      { ruleId: 'r1', ruleName: 'Sin calendario', message: 'calendar "cal-nope" does not exist' },
      { ruleId: 'r2', ruleName: 'Departamento inexistente', message: 'department "nope" does not exist' },
      { ruleId: 'r3', ruleName: 'Departamento inactivo', message: 'department "Cementerio" is inactive and takes no new tickets' },
      { ruleId: 'r4', ruleName: 'Sin palabras', message: 'no word to look for in ["¿?"]' },
    ]);
    expect(routeTicket(compiled, ticket())).toMatchObject({ departmentId: INTAKE_DEPARTMENT_ID, tags: ['ok'] });
  });

  it('include a time condition when the council has no default calendar', () => {
    const compiled = compileRules([rule('Fuera de horario', [{ type: 'time', window: 'outside_working_hours' }], [toUrbanismo])], { calendars: [] });
    expect(compiled.problems[0]?.message).toMatch(/needs a calendar/);
  });
});
