// Spanish identity documents as a clerk types them at the counter or a citizen dictates them over
// the phone: DNI (people), NIE (foreign residents) and CIF / NIF of an organisation. Each carries
// a check character, so a mistyped digit is caught before it is stored on a citizen's card.
//
// - DNI: eight digits and a letter, the number modulo 23 (Real Decreto 1553/2005, art. 11).
// - NIE: X, Y or Z, seven digits and a letter; X=0, Y=1, Z=2 prefixed to the digits, then as a
//   DNI (Orden INT/2058/2008).
// - CIF: a letter for the kind of organisation, seven digits and a control digit or letter
//   (Orden EHA/451/2008): odd positions doubled and their digits added, plus even positions;
//   the control is 10 minus the last digit. P, Q, R, S, N, W write it as a letter (J=0, A=1 …
//   I=9); A, B, E, H as a digit; the others may use either.
//
// Special DNI-like NIFs (K, L, M prefixes) are checked as a NIE with the prefix counted as 0.
import type { IdDocumentType } from '../schemas/citizens';

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const CIF_CONTROL_LETTERS = 'JABCDEFGHI';
const CIF_LETTER_CONTROL = 'PQRSNW';
const CIF_DIGIT_CONTROL = 'ABEH';

/** The check letter of a DNI number (0 … 99,999,999). */
export function dniCheckLetter(number: number): string {
  if (!Number.isSafeInteger(number) || number < 0 || number > 99_999_999) {
    throw new RangeError(`A DNI number has at most eight digits, got ${number}`);
  }
  return DNI_LETTERS[number % 23]!;
}

/** The control of a CIF: the digit and the letter it may be written as. */
export function cifControl(digits: string): { digit: string; letter: string } {
  if (!/^\d{7}$/.test(digits)) throw new RangeError(`A CIF has seven digits between its letters, got ${JSON.stringify(digits)}`);
  let sum = 0;
  for (let i = 0; i < 7; i++) {
    const digit = Number(digits[i]);
    if (i % 2 === 0) {
      const doubled = digit * 2;
      sum += Math.floor(doubled / 10) + (doubled % 10);
    } else {
      sum += digit;
    }
  }
  const control = (10 - (sum % 10)) % 10;
  return { digit: String(control), letter: CIF_CONTROL_LETTERS[control]! };
}

/** Upper case, without spaces, dots, dashes or slashes: '12.345.678-z' → '12345678Z'. */
export function compactDocument(input: string): string {
  return input.toUpperCase().replace(/[\s.\-_/]/g, '');
}

export type SpanishDocumentType = Extract<IdDocumentType, 'dni' | 'nie' | 'cif'>;

/** Why a document number was refused, for the screen to say in the clerk's language. */
export type DocumentProblem = 'empty' | 'shape' | 'check';

export type DocumentCheck =
  | { ok: true; type: SpanishDocumentType; number: string }
  | { ok: false; problem: DocumentProblem; /** What the check character should have been, when only it was wrong. */ expected?: string };

function checkDni(number: string): DocumentCheck {
  const expected = dniCheckLetter(Number(number.slice(0, 8)));
  return number[8] === expected ? { ok: true, type: 'dni', number } : { ok: false, problem: 'check', expected };
}

function checkNie(number: string): DocumentCheck {
  const prefix = number[0]!;
  const value = 'XYZ'.includes(prefix) ? 'XYZ'.indexOf(prefix) : 0; // K, L, M count as 0
  const expected = dniCheckLetter(Number(String(value) + number.slice(1, 8)));
  return number[8] === expected ? { ok: true, type: 'nie', number } : { ok: false, problem: 'check', expected };
}

function checkCif(number: string): DocumentCheck {
  const letter = number[0]!;
  const { digit, letter: asLetter } = cifControl(number.slice(1, 8));
  const given = number[8]!;
  if (CIF_LETTER_CONTROL.includes(letter)) {
    return given === asLetter ? { ok: true, type: 'cif', number } : { ok: false, problem: 'check', expected: asLetter };
  }
  if (CIF_DIGIT_CONTROL.includes(letter)) {
    return given === digit ? { ok: true, type: 'cif', number } : { ok: false, problem: 'check', expected: digit };
  }
  return given === digit || given === asLetter ? { ok: true, type: 'cif', number } : { ok: false, problem: 'check', expected: digit };
}

/**
 * Checks a DNI, NIE or CIF as typed, and says which it is. With `type`, only that kind is
 * accepted (a CIF typed in a DNI field is a shape error). The number comes back compacted, ready
 * for `citizens.documentNumber`.
 */
export function checkSpanishDocument(input: string, type?: SpanishDocumentType): DocumentCheck {
  const number = compactDocument(input);
  if (number === '') return { ok: false, problem: 'empty' };
  const detected: SpanishDocumentType | undefined = /^\d{8}[A-Z]$/.test(number)
    ? 'dni'
    : /^[XYZKLM]\d{7}[A-Z]$/.test(number)
      ? 'nie'
      : /^[ABCDEFGHJNPQRSUVW]\d{7}[0-9A-J]$/.test(number)
        ? 'cif'
        : undefined;
  if (detected === undefined || (type !== undefined && type !== detected)) {
    // Seven digits and a letter is a DNI whose leading zero was left out: say so as a DNI.
    if ((type === undefined || type === 'dni') && /^\d{7}[A-Z]$/.test(number)) return checkDni('0' + number);
    return { ok: false, problem: 'shape' };
  }
  if (detected === 'dni') return checkDni(number);
  if (detected === 'nie') return checkNie(number);
  return checkCif(number);
}

/** True when the text is a valid DNI, NIE or CIF (of `type`, when given). */
export function isValidSpanishDocument(input: string, type?: SpanishDocumentType): boolean {
  return checkSpanishDocument(input, type).ok;
}
