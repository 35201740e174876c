import { describe, expect, it } from 'vitest';
import { Random } from '../demo/random';
import { cif, dni, nie } from '../demo/people';
import { checkSpanishDocument, cifControl, dniCheckLetter, isValidSpanishDocument } from './documents';

describe('Spanish ID documents', () => {
  it('accepts a DNI with its check letter however it is typed', () => {
    expect(checkSpanishDocument('12345678Z')).toEqual({ ok: true, type: 'dni', number: '12345678Z' });
    expect(checkSpanishDocument(' 12.345.678-z ')).toEqual({ ok: true, type: 'dni', number: '12345678Z' });
  });

  it('refuses a DNI with the wrong letter and says which letter it should have', () => {
    expect(checkSpanishDocument('12345678A')).toEqual({ ok: false, problem: 'check', expected: 'Z' });
  });

  it('reads seven digits and a letter as a DNI whose leading zero was left out', () => {
    const letter = dniCheckLetter(1234567);
    expect(checkSpanishDocument(`1234567${letter}`)).toEqual({ ok: true, type: 'dni', number: `01234567${letter}` });
  });

  it('accepts NIEs beginning with X, Y and Z, counting the prefix as 0, 1 and 2', () => {
    expect(checkSpanishDocument('X1234567L')).toEqual({ ok: true, type: 'nie', number: 'X1234567L' });
    expect(checkSpanishDocument('Y1234567X')).toEqual({ ok: true, type: 'nie', number: 'Y1234567X' });
    expect(checkSpanishDocument('Z1234567R')).toEqual({ ok: true, type: 'nie', number: 'Z1234567R' });
    expect(checkSpanishDocument('X1234567A')).toMatchObject({ ok: false, problem: 'check', expected: 'L' });
  });

  it('checks a CIF whose control is a digit, a letter, or either by its kind of organisation', () => {
    // 5818958: odd positions 5,1,9,8 doubled give 1+2+9+7 = 19, even 8+8+5 = 21; 40 → 0 (J).
    expect(cifControl('5818958')).toEqual({ digit: '0', letter: 'J' });
    // B (sociedad limitada): a digit.
    expect(checkSpanishDocument('B58189580')).toEqual({ ok: true, type: 'cif', number: 'B58189580' });
    expect(checkSpanishDocument('B5818958J')).toEqual({ ok: false, problem: 'check', expected: '0' });
    // P (a public body; the Ayuntamiento de Madrid's NIF): a letter.
    expect(checkSpanishDocument('P2807900B')).toEqual({ ok: true, type: 'cif', number: 'P2807900B' });
    expect(checkSpanishDocument('P28079002')).toEqual({ ok: false, problem: 'check', expected: 'B' });
    // G (asociación): either is accepted.
    expect(isValidSpanishDocument('G5818958J')).toBe(true);
    expect(isValidSpanishDocument('G58189580')).toBe(true);
    expect(isValidSpanishDocument('G58189587')).toBe(false);
  });

  it('tells a shape error from a wrong check character, and an empty field from both', () => {
    expect(checkSpanishDocument('')).toEqual({ ok: false, problem: 'empty' });
    expect(checkSpanishDocument('1234')).toEqual({ ok: false, problem: 'shape' });
    expect(checkSpanishDocument('I1234567A')).toEqual({ ok: false, problem: 'shape' });
  });

  it('accepts only the asked kind when a kind is given', () => {
    expect(checkSpanishDocument('12345678Z', 'nie')).toEqual({ ok: false, problem: 'shape' });
    expect(checkSpanishDocument('X1234567L', 'nie')).toMatchObject({ ok: true });
    expect(checkSpanishDocument('B58189580', 'dni')).toEqual({ ok: false, problem: 'shape' });
  });

  it('agrees with every document the demo council generates', () => {
    const random = new Random('identity');
    for (let i = 0; i < 500; i++) {
      expect(checkSpanishDocument(dni(random))).toMatchObject({ ok: true, type: 'dni' });
      expect(checkSpanishDocument(nie(random))).toMatchObject({ ok: true, type: 'nie' });
      expect(checkSpanishDocument(cif(random, random.pick(['A', 'B', 'G', 'H'] as const)))).toMatchObject({ ok: true, type: 'cif' });
    }
  });

  it('catches every single mistyped digit of a DNI', () => {
    const number = '12345678';
    const letter = dniCheckLetter(12345678);
    for (let i = 0; i < 8; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === number[i]) continue;
        const typo = number.slice(0, i) + d + number.slice(i + 1);
        expect(isValidSpanishDocument(typo + letter), typo).toBe(false);
      }
    }
  });
});
