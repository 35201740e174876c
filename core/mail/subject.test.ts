import { cleanSubject, isReplySubject, referencesInSubject, subjectWithReference } from './subject';

describe('subjects', () => {
  it('lose the reply and forward prefixes of every client a council hears from', () => {
    for (const subject of ['RE: Licencia de obras', 'RV: Licencia de obras', 'Fwd: Licencia de obras', 'FW: Licencia de obras', 'AW: Licencia de obras', 'Re[2]: Licencia de obras', 'RE: RV: Fwd:  Licencia   de obras', 'Re：Licencia de obras']) {
      expect(cleanSubject(subject)).toBe('Licencia de obras');
    }
  });

  it('keep words that only start like a prefix', () => {
    expect(cleanSubject('Renovación: DNI caducado')).toBe('Renovación: DNI caducado');
    expect(cleanSubject('Resolución de la alcaldía')).toBe('Resolución de la alcaldía');
  });

  it('lose the reference tag, and the prefixes written after it', () => {
    expect(cleanSubject('RE: [#2026-7KQ4-M2XD] RE: Vado permanente')).toBe('Vado permanente');
    expect(cleanSubject('\r\n  RE:\tQuejas\r\n ruido ')).toBe('Quejas ruido');
    expect(cleanSubject(undefined)).toBe('');
  });

  it('give the reference tags they carry, after any prefix and however a client mangled them', () => {
    expect(referencesInSubject('RE: RV: [#2026-7KQ4-M2XD] Vado')).toEqual(['2026-7KQ4-M2XD']);
    expect(referencesInSubject('AW: [# 2026 7kq4 m2xd] Vado')).toEqual(['2026-7KQ4-M2XD']);
    expect(referencesInSubject('[#2026-7KQ4-M2XD] y [#2025-0000-0001]')).toEqual(['2026-7KQ4-M2XD', '2025-0000-0001']);
    expect(referencesInSubject('[#nada] Vado')).toEqual([]);
  });

  it('carry the reference once in what we send', () => {
    expect(subjectWithReference('RE: [#2026-7KQ4-M2XD] Vado', '2026-7KQ4-M2XD')).toBe('[#2026-7KQ4-M2XD] Vado');
    expect(isReplySubject('RV: algo')).toBe(true);
    expect(isReplySubject('Algo')).toBe(false);
  });
});
