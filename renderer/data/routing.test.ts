import { describe, expect, it } from 'vitest';
import { compileRules } from '../../core/routing';
import { rule } from '../../core/routing/test-rules';
import type { Citizen } from '../../core/schemas';
import { suggestDepartment } from './routing';

const NOW = Date.UTC(2026, 2, 2, 9);

const company: Citizen = {
  id: 'c-prado',
  name: 'Construcciones Prado SL',
  nameKey: 'construcciones prado sl',
  documentType: 'cif',
  documentNumber: 'B12345674',
  emails: [],
  phones: ['+34911234567'],
  preferredLanguage: 'es',
  createdAt: NOW - 400 * 24 * 3600_000,
  updatedAt: NOW - 400 * 24 * 3600_000,
};

describe('the department suggested for a call or a visit', () => {
  const compiled = compileRules(
    [
      rule('Empresas a Hacienda', [{ type: 'citizen', attribute: 'document_type', values: ['cif'] }], [{ type: 'set_department', departmentId: 'hacienda' }], { order: 10 }),
      rule('Primera visita a Atención Ciudadana', [{ type: 'citizen', attribute: 'contact', values: ['first_contact'] }, { type: 'channel', channels: ['visit'] }], [{ type: 'set_department', departmentId: 'atencion' }], { order: 20 }),
    ],
    { calendars: [] },
  );
  const call = { channel: 'phone' as const, subject: 'Consulta sobre una licencia', body: '', now: NOW };

  it('follows the rules on the citizen the clerk picked', () => {
    expect(suggestDepartment(compiled, { ...call, citizen: company })).toBe('hacienda');
    expect(suggestDepartment(compiled, call)).toBeUndefined();
  });

  it('sees a citizen the clerk has just added as a first contact', () => {
    const justAdded: Citizen = { ...company, id: 'c-nueva', documentType: 'dni', documentNumber: '12345678Z', createdAt: NOW - 3 * 60_000 };
    expect(suggestDepartment(compiled, { ...call, channel: 'visit', citizen: justAdded })).toBe('atencion');
    expect(suggestDepartment(compiled, { ...call, channel: 'visit', citizen: { ...justAdded, createdAt: NOW - 30 * 24 * 3600_000 } })).toBeUndefined();
  });
});
