import { describe, expect, it } from 'vitest';
import { timeZone } from '../calendar';
import { NO_DUE_DATE } from '../schemas';
import { fillInVariables, renderDraft, renderTemplate, templateVariables } from './render';
import { formatDate, standardValues } from './values';

const madrid = timeZone('Europe/Madrid');
const template = {
  language: 'es',
  body: 'Estimado/a {{citizen.name}}:\n\nSu solicitud {{ ticket.reference }} se resolverá antes del {{ticket.dueDate}}.\n\n{{clerk.name}}\n',
  links: [{ label: 'Consultar el estado', url: 'https://sede.ayuntamiento-ejemplo.es/mis-expedientes' }],
};

describe('rendering a template', () => {
  it('fills the variables and appends the official links', () => {
    const values = standardValues({
      language: 'es',
      zone: madrid,
      citizen: { name: 'Carmen Ruiz' },
      ticket: { reference: 'VDP-2025-000123', dueAt: Date.UTC(2025, 3, 30, 21, 59, 59, 999) },
      clerk: { name: 'Lucía Fernández' },
    });
    const result = renderTemplate(template, values);
    expect(result).toEqual({
      ok: true,
      value: {
        body: 'Estimado/a Carmen Ruiz:\n\nSu solicitud VDP-2025-000123 se resolverá antes del 30 de abril de 2025.\n\nLucía Fernández\n',
        text: 'Estimado/a Carmen Ruiz:\n\nSu solicitud VDP-2025-000123 se resolverá antes del 30 de abril de 2025.\n\nLucía Fernández\n\nEnlaces de interés:\n- Consultar el estado: https://sede.ayuntamiento-ejemplo.es/mis-expedientes',
        links: template.links,
      },
    });
  });

  it('lists every variable without a value instead of leaving it blank', () => {
    const result = renderTemplate(template, { 'ticket.reference': 'X-1' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'missing_values', message: 'no value for {{citizen.name}}, {{ticket.dueDate}}, {{clerk.name}}', variables: ['citizen.name', 'ticket.dueDate', 'clerk.name'] },
    });
  });

  it('accepts an empty value given on purpose, and values that look like placeholders stay as they are', () => {
    const result = renderTemplate({ language: 'es', body: '{{a}}|{{b}}', links: [] }, { a: '', b: '{{a}}' });
    expect(result).toEqual({ ok: true, value: { text: '|{{a}}', body: '|{{a}}', links: [] } });
  });

  it('refuses placeholders that are not variables, or never close', () => {
    expect(templateVariables('Hola {{ nombre completo }} y {{ok}} y {{sin cerrar')).toEqual({ variables: ['ok'], malformed: ['{{ nombre completo }}', '{{sin cerrar'] });
    const result = renderTemplate({ language: 'es', body: 'Hola {{}}', links: [] }, {});
    expect(result.ok ? undefined : result.error.code).toBe('malformed_placeholder');
  });

  it('tells the clerk which fields are theirs to fill', () => {
    expect(fillInVariables('Aporte {{documents}} antes de {{ticket.dueDate}}; {{documents}}')).toEqual(['documents']);
  });

  it('writes the heading of the links in the template\'s language', () => {
    const result = renderTemplate({ language: 'en', body: 'Hello', links: [{ label: 'Form', url: 'https://x.example/f' }] }, {});
    expect(result.ok && result.value.text).toBe('Hello\n\nUseful links:\n- Form: https://x.example/f');
  });
});

describe('sections that depend on a value', () => {
  const acknowledgement = {
    language: 'es',
    body: [
      'Hemos recibido su escrito {{ticket.reference}}.',
      '{{#ticket.dueDate}}',
      'Le responderemos antes del {{ticket.dueDate}}.',
      '{{/ticket.dueDate}}',
      '{{^ticket.dueDate}}',
      'Le responderemos en el menor plazo posible.',
      '{{/ticket.dueDate}}',
      'Atentamente.',
    ].join('\n'),
    links: [],
  };
  const text = (values: Record<string, string>) => {
    const result = renderTemplate(acknowledgement, values);
    return result.ok ? result.value.text : result.error.message;
  };

  it('shows a section only when its value is known, and its opposite only when it is not, without leaving blank lines', () => {
    expect(text({ 'ticket.reference': 'R-1', 'ticket.dueDate': '30 de abril de 2025' })).toBe('Hemos recibido su escrito R-1.\nLe responderemos antes del 30 de abril de 2025.\nAtentamente.');
    expect(text({ 'ticket.reference': 'R-1' })).toBe('Hemos recibido su escrito R-1.\nLe responderemos en el menor plazo posible.\nAtentamente.');
    expect(text({ 'ticket.reference': 'R-1', 'ticket.dueDate': '' })).toBe('Hemos recibido su escrito R-1.\nLe responderemos en el menor plazo posible.\nAtentamente.');
  });

  it('keeps the text around a section written inside a sentence', () => {
    const inline = { language: 'es', body: 'Gracias{{#citizen.name}}, {{citizen.name}}{{/citizen.name}}.', links: [] };
    expect(renderTemplate(inline, { 'citizen.name': 'Ana' })).toMatchObject({ ok: true, value: { text: 'Gracias, Ana.' } });
    expect(renderTemplate(inline, {})).toMatchObject({ ok: true, value: { text: 'Gracias.' } });
  });

  it('asks only for the values of the sections that show, and nests sections', () => {
    const nested = { language: 'es', body: '{{#a}}A={{a}}{{#b}} B={{b}} C={{c}}{{/b}}{{/a}}', links: [] };
    expect(renderTemplate(nested, { a: '1' })).toMatchObject({ ok: true, value: { text: 'A=1' } });
    expect(renderTemplate(nested, { a: '1', b: '2' })).toMatchObject({ ok: false, error: { code: 'missing_values', variables: ['c'] } });
  });

  it('refuses sections that never close, close what is not open, or cross each other', () => {
    expect(templateVariables('{{#a}}sin cerrar').malformed).toEqual(['{{#a}}']);
    expect(templateVariables('suelto{{/a}}').malformed).toEqual(['{{/a}}']);
    expect(templateVariables('{{#a}}{{#b}}{{/a}}{{/b}}').malformed).toEqual(['{{/a}}', '{{#a}}']);
    expect(templateVariables('{{#}}{{/ }}').malformed).toEqual(['{{#}}', '{{/ }}']);
    expect(templateVariables('{{#a}}{{b}}{{/a}}')).toEqual({ variables: ['b'], malformed: [] });
  });
});

describe('a draft for the clerk to finish', () => {
  const marker = (name: string) => `[[${name}]]`;

  it('marks each value it lacks with a visible blank, once per variable, and lists them', () => {
    const result = renderDraft(template, { 'ticket.reference': 'R-1', 'clerk.name': 'Lucía' }, marker);
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({
        body: 'Estimado/a [[citizen.name]]:\n\nSu solicitud R-1 se resolverá antes del [[ticket.dueDate]].\n\nLucía\n',
        blanks: [
          { variable: 'citizen.name', marker: '[[citizen.name]]' },
          { variable: 'ticket.dueDate', marker: '[[ticket.dueDate]]' },
        ],
      }),
    });
  });

  it('leaves out the sections of what is unknown instead of marking them', () => {
    const result = renderDraft({ language: 'es', body: '{{#ticket.dueDate}}Antes del {{ticket.dueDate}}. {{/ticket.dueDate}}Aporte {{documents}} y {{documents}}.', links: [] }, {}, marker);
    expect(result).toMatchObject({ ok: true, value: { body: 'Aporte [[documents]] y [[documents]].', blanks: [{ variable: 'documents', marker: '[[documents]]' }] } });
  });

  it('refuses a malformed template as rendering does', () => {
    expect(renderDraft({ language: 'es', body: '{{#a}}', links: [] }, {}, marker)).toMatchObject({ ok: false, error: { code: 'malformed_placeholder' } });
  });
});

describe('standard values', () => {
  it('writes dates as a letter does, in the calendar\'s time zone', () => {
    const lateEvening = Date.UTC(2025, 11, 31, 23, 30); // already 1 January in Madrid
    expect(formatDate(lateEvening, madrid, 'es')).toBe('1 de enero de 2026');
    expect(formatDate(lateEvening, timeZone('Atlantic/Canary'), 'es')).toBe('31 de diciembre de 2025');
    expect(formatDate(lateEvening, madrid, 'en')).toBe('1 January 2026');
    expect(formatDate(Date.UTC(2025, 3, 30, 10), madrid, 'ca-ES-valencia')).toBe('30 d’abril de 2025');
    expect(formatDate(Date.UTC(2025, 3, 30, 10), madrid, 'eu')).toBe('2025-04-30');
  });

  it('leaves out what is not known, so rendering reports it', () => {
    const values = standardValues({ language: 'es', zone: madrid, citizen: { name: '  ' }, ticket: { reference: 'R-1', dueAt: NO_DUE_DATE } });
    expect(values).toEqual({ 'ticket.reference': 'R-1' });
  });
});
