// The acknowledgement every mail gets ('acuse-recibo'), as shipped for a new council
// (resources/council) and in the demo council (core/demo): it gives the due date when the ticket
// has one, and still reads well for an intake ticket that has none.
import { describe, expect, it } from 'vitest';
import { timeZone } from '../calendar';
import { buildTemplates } from '../demo/templates-and-rules';
import { defaultCouncil } from '../routing/test-council';
import { NO_DUE_DATE, type Template } from '../schemas';
import { pickTemplate } from './pick';
import { renderTemplate } from './render';
import { standardValues } from './values';

const madrid = timeZone('Europe/Madrid');
const due = Date.UTC(2025, 5, 30, 21, 59, 59, 999); // 30 June in Madrid

function acknowledgement(templates: readonly Template[], language: string, dueAt: number, citizenName?: string): string {
  const template = pickTemplate(templates, 'acuse-recibo', { language });
  const values = standardValues({
    language,
    zone: madrid,
    ...(citizenName && { citizen: { name: citizenName } }),
    ticket: { reference: 'VDP-2025-000123', dueAt },
    department: { name: 'Registro General' },
    clerk: { name: 'Registro General' },
    council: { name: 'Ayuntamiento de Villanueva del Prado' },
  });
  const result = renderTemplate(template!, values);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.body;
}

describe('the acknowledgement of a new council', () => {
  const templates = defaultCouncil().templates;

  it('gives the due date when the ticket has one', () => {
    expect(acknowledgement(templates, 'es', due, 'Rosa Delgado')).toContain('registrado con la referencia VDP-2025-000123. Le daremos respuesta a más tardar el 30 de junio de 2025.\n\n');
    expect(acknowledgement(templates, 'en', due, 'Rosa Delgado')).toContain('reference VDP-2025-000123. We will answer by 30 June 2025 at the latest.\n\n');
  });

  it('reads well without a due date or a citizen name, never with a gap', () => {
    const text = acknowledgement(templates, 'es', NO_DUE_DATE);
    expect(text).toMatch(/^Estimado\/a señor\/a:\n\nHemos recibido su escrito, registrado con la referencia VDP-2025-000123\. Le daremos respuesta en el menor plazo posible\.\n\n/);
    expect(acknowledgement(templates, 'en', NO_DUE_DATE)).toMatch(/^Dear Sir or Madam,\n\n.*We will answer as soon as possible\.\n\n/);
  });
});

describe('the acknowledgement of the demo council', () => {
  const templates = buildTemplates('demo', Date.UTC(2025, 0, 1));

  it('gives the due date when the ticket has one, and reads well without', () => {
    expect(acknowledgement(templates, 'es', due, 'Rosa Delgado')).toContain('referencia VDP-2025-000123. Le responderemos a más tardar el 30 de junio de 2025; puede consultar');
    expect(acknowledgement(templates, 'es', NO_DUE_DATE, 'Rosa Delgado')).toContain('referencia VDP-2025-000123. Le responderemos en el menor plazo posible; puede consultar');
    expect(acknowledgement(templates, 'en', due, 'Rosa Delgado')).toContain('We will answer by 30 June 2025 at the latest; you can follow it');
  });
});
