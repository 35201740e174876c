import { describe, expect, it } from 'vitest';
import { timeZone } from '../calendar';
import { NO_DUE_DATE } from '../schemas';
import { fillInVariables, renderTemplate, templateVariables } from './render';
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
