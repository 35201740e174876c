import { cleanSubject, isReplySubject, outgoingSubject, referencesInSubject } from './subject';

const REF = '2026-7KQ4-M2XD';

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

  it('give the reference tag we write at the end, however the answer came back prefixed', () => {
    expect(referencesInSubject(`RE: RV: Re: Vado [#${REF}]`)).toEqual([REF]);
    expect(referencesInSubject(outgoingSubject('RE: RV: Vado', REF, { reply: true }))).toEqual([REF]);
    expect(referencesInSubject(`Vado [#${REF}] (segunda vez)`)).toEqual([REF]);
  });

  it('tell a reply or forward by its prefix', () => {
    expect(isReplySubject('RV: algo')).toBe(true);
    expect(isReplySubject('Algo')).toBe(false);
  });
});

describe('the subject of what we send', () => {
  it.each([
    ['Ruido nocturno', `Re: Ruido nocturno [#${REF}]`],
    ['RE: RV: Fwd: Ruido nocturno', `Re: Ruido nocturno [#${REF}]`],
    [`Re: Ruido nocturno [#${REF}]`, `Re: Ruido nocturno [#${REF}]`],
    [`RE: [#${REF}] Re: Ruido nocturno [#${REF}]`, `Re: Ruido nocturno [#${REF}]`],
    ['Re[2]: AW: Sv: Licencia de obra', `Re: Licencia de obra [#${REF}]`],
    ['', `Re: [#${REF}]`],
  ])('answers %j with %j', (subject, expected) => {
    expect(outgoingSubject(subject, REF, { reply: true })).toBe(expected);
  });

  it('writes no Re: on a first mail from the council', () => {
    expect(outgoingSubject('Cita previa', REF, { reply: false })).toBe(`Cita previa [#${REF}]`);
  });

  it('keeps words that only look like prefixes', () => {
    expect(outgoingSubject('Recibo del IBI', REF, { reply: true })).toBe(`Re: Recibo del IBI [#${REF}]`);
    expect(outgoingSubject('Ref. expediente 2026/123', REF, { reply: true })).toBe(`Re: Ref. expediente 2026/123 [#${REF}]`);
  });

  it('cuts a subject too long for one header line and keeps the reference whole', () => {
    const subject = outgoingSubject('a'.repeat(5000), REF, { reply: true });
    expect(subject.length).toBeLessThanOrEqual(998);
    expect(subject.endsWith(`[#${REF}]`)).toBe(true);
  });
});
