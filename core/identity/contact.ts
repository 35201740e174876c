// Phone numbers and email addresses as clerks type them and citizens dictate them, normalised to
// what citizens' cards store (docs/schemas.md: E.164 phones, lower-case addresses), so a lookup
// by phone or address finds the card however the number was written.
//
// Spanish numbering plan (CNMC, Plan Nacional de Numeración Telefónica): nine digits; 6 and 7
// are mobiles, 8 and 9 fixed lines; 0 is not a first digit. A bare nine-digit number is Spanish;
// '0034' and '+34' are the country code; other '+' or '00' prefixes are kept as foreign E.164.

export type PhoneCheck =
  | { ok: true; e164: string; kind: 'mobile' | 'landline' | 'foreign' }
  | { ok: false; problem: 'empty' | 'shape' };

/**
 * A phone number in E.164 ('+34600123456'), from '600 12 34 56', '(+34) 912-345-678',
 * '0034 600123456' or '+44 20 7946 0958'. Spanish short numbers (010, 112) are no one's phone
 * and are refused.
 */
export function normalizePhone(input: string): PhoneCheck {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, problem: 'empty' };
  if (/[^\d\s().+\-/]/.test(trimmed)) return { ok: false, problem: 'shape' };
  let digits = trimmed.replace(/[^\d+]/g, '');
  if (digits.indexOf('+') > 0 || (digits.match(/\+/g)?.length ?? 0) > 1) return { ok: false, problem: 'shape' };
  if (digits.startsWith('00')) digits = '+' + digits.slice(2);
  if (digits.startsWith('+34')) digits = digits.slice(3);
  else if (digits.startsWith('+')) {
    return /^\+[1-9]\d{6,14}$/.test(digits) ? { ok: true, e164: digits, kind: 'foreign' } : { ok: false, problem: 'shape' };
  }
  if (!/^[6-9]\d{8}$/.test(digits)) return { ok: false, problem: 'shape' };
  return { ok: true, e164: '+34' + digits, kind: digits[0] === '6' || digits[0] === '7' ? 'mobile' : 'landline' };
}

/** '+34600123456' → '600 12 34 56', as Spaniards read numbers out; foreign ones as stored. */
export function formatPhone(e164: string): string {
  const match = /^\+34(\d{9})$/.exec(e164);
  if (!match) return e164;
  const n = match[1]!;
  return `${n.slice(0, 3)} ${n.slice(3, 5)} ${n.slice(5, 7)} ${n.slice(7)}`;
}

export type EmailCheck = { ok: true; address: string } | { ok: false; problem: 'empty' | 'shape' };

/**
 * An email address as the cards store it: trimmed, without a 'mailto:' or angle brackets, lower
 * case. The check is a shape check on purpose (one '@', a dot in the domain, no spaces): the
 * only real check is a mail that arrives, and a strict pattern refuses addresses that work.
 */
export function normalizeEmail(input: string): EmailCheck {
  let text = input.trim();
  if (text === '') return { ok: false, problem: 'empty' };
  text = text.replace(/^mailto:/i, '').replace(/^<(.*)>$/, '$1').trim().toLowerCase();
  if (text.length > 254) return { ok: false, problem: 'shape' };
  const match = /^([^\s@]+)@([^\s@]+)$/.exec(text);
  if (!match) return { ok: false, problem: 'shape' };
  const domain = match[2]!;
  if (!/^[^.].*\.[^.]+$/.test(domain) || domain.includes('..')) return { ok: false, problem: 'shape' };
  return { ok: true, address: text };
}

/** What a clerk typed in a "find a citizen" box, guessed: a document, a phone, an email or a name. */
export type LookupGuess =
  | { kind: 'document'; number: string }
  | { kind: 'phone'; e164: string }
  | { kind: 'email'; address: string }
  | { kind: 'name'; text: string };

export function guessLookup(input: string, isDocument: (compact: string) => boolean): LookupGuess {
  const text = input.trim();
  if (text.includes('@')) {
    const email = normalizeEmail(text);
    if (email.ok) return { kind: 'email', address: email.address };
  }
  const compact = text.toUpperCase().replace(/[\s.\-_/]/g, '');
  if (isDocument(compact)) return { kind: 'document', number: compact };
  if (/^[\d\s().+\-/]+$/.test(text)) {
    const phone = normalizePhone(text);
    if (phone.ok) return { kind: 'phone', e164: phone.e164 };
  }
  return { kind: 'name', text };
}
