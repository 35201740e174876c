import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../schemas/test-kit';
import { fillInVariables, renderTemplate, STANDARD_VARIABLES } from '../templates';
import { compileRules } from './rule-compiler';
import { planNewTicket, type NewTicketInput } from './new-ticket';
import { defaultCouncil } from './test-council';

const council = defaultCouncil();
const context = { calendars: council.calendars, defaultCalendarId: 'cal-ayuntamiento', departments: council.departments };

describe('the default set for a new council (resources/council)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(['departments', 'rules', 'templates', 'calendars']);
  });
  afterAll(async () => {
    await db.close();
  });

  it('is accepted by the schemas of every collection', async () => {
    for (const [name, documents] of [
      ['departments', council.departments],
      ['rules', council.rules],
      ['templates', council.templates],
      ['calendars', council.calendars],
    ] as const) {
      const result = await db[name].bulkInsert(documents as never[]);
      expect(result.error, name).toEqual([]);
      expect(result.success).toHaveLength(documents.length);
    }
  });

  it('has rules that all compile against its departments and calendar', () => {
    const compiled = compileRules(council.rules, context);
    expect(compiled.problems).toEqual([]);
    expect(compiled.rules).toHaveLength(council.rules.length);
  });

  it('answers every automatic reply key in Spanish and English council-wide, and every template in both languages', () => {
    const replyKeys = new Set(council.rules.flatMap((rule) => rule.actions.flatMap((action) => (action.type === 'auto_reply' ? [action.templateKey] : []))));
    for (const key of replyKeys) {
      for (const language of ['es', 'en']) expect(council.templates.some((t) => t.key === key && t.language === language && t.departmentId === undefined), `${key} ${language}`).toBe(true);
    }
    const pairs = new Set(council.templates.map((t) => `${t.key}|${t.departmentId ?? ''}|${t.language}`));
    for (const template of council.templates) expect(pairs.has(`${template.key}|${template.departmentId ?? ''}|${template.language === 'es' ? 'en' : 'es'}`), template.id).toBe(true);
  });

  it('has templates that render with the standard values, asking the clerk only for real fill-in fields', () => {
    const values = Object.fromEntries(STANDARD_VARIABLES.map((name) => [name, `<${name}>`]));
    for (const template of council.templates) {
      const fillIns = fillInVariables(template.body);
      expect(fillIns.filter((name) => name !== 'documents'), template.id).toEqual([]);
      const result = renderTemplate(template, { ...values, ...Object.fromEntries(fillIns.map((name) => [name, 'x'])) });
      expect(result.ok, template.id).toBe(true);
      for (const link of template.links) expect(link.url).toMatch(/^https:\/\/(sede\.ayuntamiento-ejemplo\.es|www\.boe\.es|clave\.gob\.es)\//);
    }
  });

  it('has unique ids and departments with distinct codes and mail aliases', () => {
    for (const list of [council.departments, council.rules, council.templates]) expect(new Set(list.map((doc) => doc.id)).size).toBe(list.length);
    expect(new Set(council.departments.map((d) => d.code)).size).toBe(council.departments.length);
    const aliases = council.departments.flatMap((d) => d.mailAliases);
    expect(new Set(aliases).size).toBe(aliases.length);
  });

  it('moves to the council\'s own mail domain and e-office', () => {
    const own = defaultCouncil({ mailDomain: 'ayto-villanueva.es', sedeUrl: 'https://sede.ayto-villanueva.es/' });
    expect(own.departments.find((d) => d.id === 'urbanismo')?.mailAliases).toEqual(['urbanismo@ayto-villanueva.es', 'licencias@ayto-villanueva.es']);
    const mailbox = own.rules.find((r) => r.id === 'regla-buzon-urbanismo')?.conditions[0];
    expect(mailbox).toEqual({ type: 'mailbox', mailboxes: ['urbanismo@ayto-villanueva.es', 'licencias@ayto-villanueva.es'] });
    expect(own.templates[0]?.links[0]?.url).toBe('https://sede.ayto-villanueva.es/mis-expedientes');
    expect(JSON.stringify(own)).not.toMatch(/@ayuntamiento-ejemplo\.es|sede\.ayuntamiento-ejemplo/);
  });
});

describe('a citizen mail about a licencia de obra, through the default set', () => {
  const rules = compileRules(council.rules, context);
  const base: NewTicketInput = {
    ticket: {
      id: '0196354a-7c00-7000-8000-000000000001',
      reference: 'REG-2025-000417',
      channel: 'email',
      mailbox: 'registro@ayuntamiento-ejemplo.es',
      from: 'carmen.ruiz@correo.example',
      subject: 'Solicitud de licencia de obra para reformar la cocina',
      body: 'Buenos días:\n\nQuería saber qué necesito para pedir la licencia de obras de la reforma de mi cocina.\n\nGracias,\nCarmen Ruiz',
      priority: 'normal',
      receivedAt: Date.UTC(2025, 3, 14, 8, 0), // Monday 14 April 2025, 10:00 in Madrid, Easter week
    },
    language: 'es',
    citizen: { name: 'Carmen Ruiz' },
    rules,
    departments: council.departments,
    calendars: council.calendars,
    defaultCalendarId: 'cal-ayuntamiento',
    templates: council.templates,
    council: { name: 'Ayuntamiento de Ejemplo' },
    candidatesFor: (departmentId) =>
      departmentId === 'urbanismo'
        ? [
            { userId: 'u-ana', skills: ['licencias'], working: true, openTickets: 7 },
            { userId: 'u-sergio', skills: ['cédulas urbanísticas'], working: true, openTickets: 1 },
            { userId: 'u-elena', skills: ['licencias'], working: false, openTickets: 0 },
          ]
        : [],
  };

  it('reaches Urbanismo by the rule "Licencias de obra", is assigned by skill and answered with the department\'s acknowledgement and its due date in días hábiles', () => {
    const plan = planNewTicket(base);
    expect(plan.decision).toMatchObject({
      departmentId: 'urbanismo',
      routedBy: 'regla-licencias-obra',
      category: 'licencias',
      tags: ['licencias'],
      autoAssign: true,
      autoReplyTemplateKeys: ['acuse-recibo'],
      madeBy: { department: { ruleId: 'regla-licencias-obra', ruleName: 'Licencias de obra' } },
    });
    expect(plan.assignment).toEqual({ assigneeId: 'u-ana', mode: 'skill', reason: 'assigned', eligible: 1 });
    // Ten días hábiles from Monday 14 April: Jueves and Viernes Santo do not count → 30 April.
    expect(plan.responseDueAt).toBe(Date.UTC(2025, 3, 30, 21, 59, 59, 999));
    // Three months for the procedure (art. 21 Ley 39/2015): 14 July.
    expect(plan.dueAt).toBe(Date.UTC(2025, 6, 14, 21, 59, 59, 999));
    const [reply] = plan.autoReplies;
    expect(reply).toMatchObject({ ok: true, templateKey: 'acuse-recibo', template: { departmentId: 'urbanismo', language: 'es' } });
    if (!reply?.ok) throw new Error('no reply');
    expect(reply.rendered.text).toContain('Estimado/a Carmen Ruiz:');
    expect(reply.rendered.text).toContain('referencia REG-2025-000417');
    expect(reply.rendered.text).toContain('le responderá antes del 30 de abril de 2025 (diez días hábiles)');
    expect(reply.rendered.text).toContain('- Licencias y declaraciones responsables de obra: https://sede.ayuntamiento-ejemplo.es/urbanismo/licencias-de-obra');
  });

  it('answers in English a citizen who prefers it', () => {
    const reply = planNewTicket({ ...base, language: 'en' }).autoReplies[0];
    expect(reply?.ok && reply.rendered.text).toContain('will answer by 30 April 2025 (ten working days)');
  });

  it('leaves a mail no rule understands in the intake queue, still acknowledged', () => {
    const plan = planNewTicket({ ...base, ticket: { ...base.ticket, subject: 'Consulta', body: 'Hola, ¿a quién me dirijo?' } });
    expect(plan).toMatchObject({ decision: { departmentId: '' }, assigneeId: '', autoReplies: [{ ok: true, template: { id: 'tpl-acuse-recibo-ayto-es' } }] });
    expect(plan.dueAt).toBe(plan.responseDueAt);
  });

  it('sends noise at night to the Policía Local and tags it as out of hours', () => {
    const plan = planNewTicket({ ...base, ticket: { ...base.ticket, subject: 'Ruido', body: 'Música alta en el bar de abajo', receivedAt: Date.UTC(2025, 3, 15, 22) } });
    expect(plan.decision).toMatchObject({ departmentId: 'policia-local', priority: 'high', tags: ['fuera-de-horario'] });
  });
});
