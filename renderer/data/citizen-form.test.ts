import { describe, expect, it } from 'vitest';
import { checkCitizenDraft, draftOf } from './citizen-form';

const draft = (changes: Partial<ReturnType<typeof draftOf>>) => ({ ...draftOf(), ...changes });

describe('citizen form', () => {
  it('normalises what the clerk typed into the card the replica stores', () => {
    const check = checkCitizenDraft(
      draft({ name: '  Ana   Ruiz Peña ', documentNumber: '12.345.678-z', emails: 'Ana@Correo.es, ana@correo.es', phones: '600 12 34 56; 91 234 56 78', addressLine: 'Calle Mayor 1', postalCode: '28001' }),
    );
    expect(check).toEqual({
      ok: true,
      fields: {
        name: 'Ana Ruiz Peña',
        nameKey: 'ana ruiz pena',
        documentType: 'dni',
        documentNumber: '12345678Z',
        emails: ['ana@correo.es'],
        phones: ['+34600123456', '+34912345678'],
        preferredLanguage: 'es',
        address: { line1: 'Calle Mayor 1', postalCode: '28001' },
      },
    });
  });

  it('names every problem per field and stores nothing', () => {
    expect(checkCitizenDraft(draft({ name: ' ', documentNumber: '12345678A', emails: 'ana@', phones: '12' }))).toEqual({
      ok: false,
      problems: { name: true, document: { problem: 'check', expected: 'Z' }, emails: 'ana@', phones: '12' },
    });
  });

  it('keeps a passport number as typed, without a Spanish check', () => {
    const check = checkCitizenDraft(draft({ name: 'John Smith', documentType: 'passport', documentNumber: 'ab 1234567' }));
    expect(check).toMatchObject({ ok: true, fields: { documentType: 'passport', documentNumber: 'AB1234567' } });
  });
});

