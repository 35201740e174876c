import { describe, expect, it } from 'vitest';
import type { Citizen, RuleCondition } from '../schemas';
import { compileRules, FIRST_CONTACT_WINDOW_MS, type RoutingTicket } from './rule-compiler';
import { routeTicket } from './rule-engine';
import { previewRule } from './rule-preview';
import { rule, T0, ticket } from './test-rules';

const RECEIVED = Date.UTC(2025, 3, 14, 8);

/** A citizen on record for a year: a resident of Villanueva del Prado (28950), in Spanish, with a DNI. */
function citizen(overrides: Partial<Citizen> = {}): Citizen {
  return {
    id: 'cit-1',
    name: 'María García López',
    nameKey: 'garcia lopez maria',
    documentType: 'dni',
    documentNumber: '12345678Z',
    emails: ['maria@correo.example'],
    phones: [],
    address: { line1: 'Calle Mayor 12', postalCode: '28950', municipality: 'Villanueva del Prado', province: 'Madrid' },
    preferredLanguage: 'es',
    createdAt: T0 - 365 * 24 * 3600_000,
    updatedAt: T0,
    ...overrides,
  };
}

const withCitizen = (overrides: Partial<Citizen> = {}, ticketOverrides: Partial<RoutingTicket> = {}) => ticket({ receivedAt: RECEIVED, citizen: citizen(overrides), ...ticketOverrides });

function matches(condition: RuleCondition, input: RoutingTicket): boolean {
  const compiled = compileRules([rule('R', [condition], [{ type: 'set_department', departmentId: 'urbanismo' }])], { calendars: [] });
  expect(compiled.problems).toEqual([]);
  return routeTicket(compiled, input).departmentId === 'urbanismo';
}

describe('citizen conditions', () => {
  it('tell companies and associations (CIF) from people (DNI, NIE), and citizens without a document', () => {
    const companies: RuleCondition = { type: 'citizen', attribute: 'document_type', values: ['cif'] };
    expect(matches(companies, withCitizen({ documentType: 'cif', documentNumber: 'B12345674' }))).toBe(true);
    expect(matches(companies, withCitizen())).toBe(false);
    const people: RuleCondition = { type: 'citizen', attribute: 'document_type', values: ['dni', 'nie'] };
    expect(matches(people, withCitizen({ documentType: 'nie', documentNumber: 'X1234567L' }))).toBe(true);
    const undocumented: RuleCondition = { type: 'citizen', attribute: 'document_type', values: ['none'] };
    const { documentType: _none, ...withoutType } = citizen({ documentNumber: '' });
    expect(matches(undocumented, ticket({ receivedAt: RECEIVED, citizen: withoutType }))).toBe(true);
    expect(matches(undocumented, withCitizen())).toBe(false);
  });

  it('match the preferred language by its tag or its primary language', () => {
    const catalan: RuleCondition = { type: 'citizen', attribute: 'preferred_language', values: ['ca'] };
    expect(matches(catalan, withCitizen({ preferredLanguage: 'ca' }))).toBe(true);
    expect(matches(catalan, withCitizen({ preferredLanguage: 'ca-ES-valencia' }))).toBe(true);
    expect(matches(catalan, withCitizen({ preferredLanguage: 'es' }))).toBe(false);
    expect(matches({ type: 'citizen', attribute: 'preferred_language', values: ['ca-ES-valencia'] }, withCitizen({ preferredLanguage: 'ca' }))).toBe(false);
  });

  it('tell residents from others by the prefix of a Spanish postal code', () => {
    const residents: RuleCondition = { type: 'citizen', attribute: 'postal_code', values: ['28950', '28951'] };
    expect(matches(residents, withCitizen())).toBe(true);
    expect(matches(residents, withCitizen({ address: { line1: 'Gran Vía 1', postalCode: '28013', municipality: 'Madrid' } }))).toBe(false);
    const province: RuleCondition = { type: 'citizen', attribute: 'postal_code', values: ['28'] };
    expect(matches(province, withCitizen({ address: { line1: 'Gran Vía 1', postalCode: '28 013' } }))).toBe(true);
    // A French postal code is not in the province of Madrid.
    expect(matches(province, withCitizen({ address: { line1: '1 rue de Rivoli', postalCode: '28000', municipality: 'Chartres', country: 'FR' } }))).toBe(false);
    // No address on record: neither a resident nor, negated, anything but "not a resident".
    expect(matches(residents, withCitizen({ address: undefined }))).toBe(false);
    expect(matches({ ...residents, negate: true }, withCitizen({ address: undefined }))).toBe(true);
  });

  it('match the municipality without regard to case, accents or punctuation', () => {
    const alcala: RuleCondition = { type: 'citizen', attribute: 'municipality', values: ['Alcalá de Henares'] };
    expect(matches(alcala, withCitizen({ address: { line1: 'Calle Libreros 3', municipality: 'ALCALA DE HENARES' } }))).toBe(true);
    expect(matches(alcala, withCitizen({ address: { line1: 'Calle Libreros 3', municipality: 'Alcalá  de Henares.' } }))).toBe(true);
    expect(matches(alcala, withCitizen())).toBe(false);
  });

  it('tell a first contact from a citizen the council already knew', () => {
    const first: RuleCondition = { type: 'citizen', attribute: 'contact', values: ['first_contact'] };
    // A mail's sender becomes a citizen with the mail: the same instant.
    expect(matches(first, withCitizen({ createdAt: RECEIVED }))).toBe(true);
    // A caller added by the clerk a few minutes before filing the call.
    expect(matches(first, withCitizen({ createdAt: RECEIVED - 5 * 60_000 }))).toBe(true);
    expect(matches(first, withCitizen({ createdAt: RECEIVED - FIRST_CONTACT_WINDOW_MS - 1 }))).toBe(false);
    expect(matches({ type: 'citizen', attribute: 'contact', values: ['known'] }, withCitizen())).toBe(true);
  });

  it('never match a ticket without a citizen, unless negated', () => {
    const conditions: RuleCondition[] = [
      { type: 'citizen', attribute: 'document_type', values: ['none'] },
      { type: 'citizen', attribute: 'contact', values: ['first_contact', 'known'] },
      { type: 'citizen', attribute: 'preferred_language', values: ['es'] },
    ];
    for (const condition of conditions) {
      expect(matches(condition, ticket())).toBe(false);
      expect(matches({ ...condition, negate: true }, ticket())).toBe(true);
    }
  });

  it('combine with the other conditions: companies writing to the registry go to Hacienda', () => {
    const companies = rule('Empresas por registro', [
      { type: 'mailbox', mailboxes: ['registro@ayuntamiento-ejemplo.es'] },
      { type: 'citizen', attribute: 'document_type', values: ['cif'] },
    ], [{ type: 'set_department', departmentId: 'hacienda' }, { type: 'add_tags', tags: ['empresa'] }]);
    const compiled = compileRules([companies], { calendars: [] });
    expect(routeTicket(compiled, withCitizen({ documentType: 'cif', documentNumber: 'B12345674' }))).toMatchObject({ departmentId: 'hacienda', tags: ['empresa'] });
    expect(routeTicket(compiled, withCitizen()).departmentId).toBe('');
  });

  it('are previewed against the citizens of recent tickets', () => {
    const foreigners = rule('Extranjería', [{ type: 'citizen', attribute: 'document_type', values: ['nie', 'passport'] }], [{ type: 'add_tags', tags: ['extranjeria'] }]);
    const tickets = [
      withCitizen({}, { id: 't1' }),
      withCitizen({ documentType: 'nie', documentNumber: 'X1234567L' }, { id: 't2' }),
      withCitizen({ documentType: 'passport', documentNumber: 'PA1234567' }, { id: 't3' }),
      ticket({ id: 't4' }),
    ];
    expect(previewRule(foreigners, tickets, { calendars: [] })).toMatchObject({ ok: true, matchedTicketIds: ['t2', 't3'], matched: 2, examined: 4 });
  });

  it('leave out, with the reason, a rule whose condition this version does not know', () => {
    const future = rule('Del futuro', [{ type: 'citizen', attribute: 'age_over', values: ['65'] } as unknown as RuleCondition], [{ type: 'add_tags', tags: ['x'] }], { id: 'r-future' });
    const other = rule('Desconocida', [{ type: 'weather', sky: 'rain' } as unknown as RuleCondition], [{ type: 'add_tags', tags: ['y'] }], { id: 'r-other' });
    const fine = rule('Buena', [], [{ type: 'add_tags', tags: ['ok'] }], { id: 'r-fine' });
    const compiled = compileRules([future, other, fine], { calendars: [] });
    expect(compiled.problems).toEqual([
      { ruleId: 'r-future', ruleName: 'Del futuro', message: 'this version of Ventanilla does not know the citizen attribute "age_over"' },
      { ruleId: 'r-other', ruleName: 'Desconocida', message: 'this version of Ventanilla does not know the condition "weather"' },
    ]);
    expect(routeTicket(compiled, withCitizen()).tags).toEqual(['ok']);
  });
});
