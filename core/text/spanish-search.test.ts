import { describe, expect, it } from 'vitest';
import { foldSpanish, parseSearch, stemSpanish } from './spanish-search';

describe('foldSpanish', () => {
  it('drops accents, diaeresis and tildes and lowers the case, as the FTS5 index does', () => {
    expect(foldSpanish('TRÁMITE Pingüino Peña Çà')).toBe('tramite pinguino pena ca');
  });
});

describe('stemSpanish', () => {
  it('gives singular and plural, masculine and feminine the same stem', () => {
    expect(stemSpanish('licencias')).toBe(stemSpanish('licencia'));
    expect(stemSpanish('solicitudes')).toBe('solicitud');
    expect(stemSpanish('vecinos')).toBe(stemSpanish('vecina'));
    expect(stemSpanish('luces')).toBe('luz');
  });

  it('leaves short words and anything with digits whole', () => {
    expect(stemSpanish('ibi')).toBe('ibi');
    expect(stemSpanish('obra')).toBe('obra');
    expect(stemSpanish('12345678z')).toBe('12345678z');
  });
});

describe('parseSearch', () => {
  it('requires every word, each by its stem as a prefix', () => {
    expect(parseSearch('Licencias de obra')).toEqual({ match: '"licenci"* AND "de"* AND "obra"*', terms: ['licenci', 'de', 'obra'] });
  });

  it('keeps quoted phrases exact and cannot be used to inject FTS5 syntax', () => {
    expect(parseSearch('"Calle Mayor" NEAR(x) OR -foo* ^bar').match).toBe('"calle mayor" AND "near"* AND "x"* AND "or"* AND "foo"* AND "bar"*');
    expect(parseSearch('"" ( ) *').match).toBe('');
  });
});
