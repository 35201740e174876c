import { describe, expect, it } from 'vitest';
import { isValidSpanishDocument } from './documents';
import { formatPhone, guessLookup, normalizeEmail, normalizePhone } from './contact';
import { nameKey, personNameKey } from './name';

describe('phone numbers', () => {
  it('writes Spanish numbers in E.164 however they were typed', () => {
    for (const typed of ['600123456', '600 12 34 56', '600-12-34-56', '+34 600 123 456', '0034600123456', '(+34) 600.12.34.56']) {
      expect(normalizePhone(typed), typed).toEqual({ ok: true, e164: '+34600123456', kind: 'mobile' });
    }
    expect(normalizePhone('91 234 56 78')).toEqual({ ok: true, e164: '+34912345678', kind: 'landline' });
  });

  it('keeps foreign numbers with their country code', () => {
    expect(normalizePhone('+44 20 7946 0958')).toEqual({ ok: true, e164: '+442079460958', kind: 'foreign' });
    expect(normalizePhone('0033 1 42 68 53 00')).toEqual({ ok: true, e164: '+33142685300', kind: 'foreign' });
  });

  it('refuses short numbers, letters and numbers that cannot be Spanish', () => {
    expect(normalizePhone('')).toEqual({ ok: false, problem: 'empty' });
    expect(normalizePhone('112')).toEqual({ ok: false, problem: 'shape' });
    expect(normalizePhone('500123456')).toEqual({ ok: false, problem: 'shape' });
    expect(normalizePhone('6001234567')).toEqual({ ok: false, problem: 'shape' });
    expect(normalizePhone('600abc456')).toEqual({ ok: false, problem: 'shape' });
    expect(normalizePhone('600+123456')).toEqual({ ok: false, problem: 'shape' });
  });

  it('reads Spanish numbers out in groups', () => {
    expect(formatPhone('+34600123456')).toBe('600 12 34 56');
    expect(formatPhone('+442079460958')).toBe('+442079460958');
  });
});

describe('email addresses', () => {
  it('lower-cases and strips what people paste around an address', () => {
    expect(normalizeEmail('  Ana.Ruiz@Correo.ES ')).toEqual({ ok: true, address: 'ana.ruiz@correo.es' });
    expect(normalizeEmail('mailto:ana@correo.es')).toEqual({ ok: true, address: 'ana@correo.es' });
    expect(normalizeEmail('<ana@correo.es>')).toEqual({ ok: true, address: 'ana@correo.es' });
  });

  it('refuses what cannot be an address', () => {
    expect(normalizeEmail('')).toEqual({ ok: false, problem: 'empty' });
    for (const bad of ['ana', 'ana@', '@correo.es', 'ana@correo', 'ana @correo.es', 'ana@@correo.es', 'ana@correo..es']) {
      expect(normalizeEmail(bad), bad).toEqual({ ok: false, problem: 'shape' });
    }
  });
});

describe('citizen lookup', () => {
  const isDocument = (text: string) => isValidSpanishDocument(text);

  it('guesses what the clerk typed: a document, a phone, an email or a name', () => {
    expect(guessLookup('12345678-z', isDocument)).toEqual({ kind: 'document', number: '12345678Z' });
    expect(guessLookup('600 12 34 56', isDocument)).toEqual({ kind: 'phone', e164: '+34600123456' });
    expect(guessLookup('Ana@Correo.es', isDocument)).toEqual({ kind: 'email', address: 'ana@correo.es' });
    expect(guessLookup('García López', isDocument)).toEqual({ kind: 'name', text: 'García López' });
  });

  it('folds names into the key cards are looked up by, surnames first', () => {
    expect(nameKey('  Peña-Ñúñez,  José ')).toBe('pena nunez jose');
    expect(personNameKey('María José', 'García López')).toBe('garcia lopez maria jose');
  });
});
