// Ids and references, made offline on any workstation without asking anyone.
//
// - Document ids are UUIDv7 (RFC 9562 §5.7): time-ordered, so new documents sort after old ones
//   in every index, and random enough that two workstations never pick the same one.
// - References are what a citizen is given and dictates over the phone: `2026-7KQ4-M2XD`. The
//   year, then 8 symbols of Crockford's base 32 (no I, L, O, U: nothing to mishear), 40 bits.
//   A council opening 100,000 tickets a year has ~0.5 % chance of one duplicate a year; a
//   duplicate costs a second line in a look-up, never a lost case (the ticket id is the key).
// - Mail is different: two workstations ingesting the same message offline must make the same
//   ticket, so its ids and reference derive from a digest of the Message-ID (main/mail hashes;
//   core stays free of I/O and takes the digest's bytes).

/** A source of random bytes: `crypto.getRandomValues` in Node and browsers; fixed in tests. */
export type RandomBytes = (length: number) => Uint8Array;

type WebCrypto = { getRandomValues<T extends Uint8Array>(array: T): T };

/** The platform's cryptographic random source (present in Node ≥ 20 and every browser). */
export const secureRandomBytes: RandomBytes = (length) => {
  const { crypto } = globalThis as unknown as { crypto: WebCrypto };
  return crypto.getRandomValues(new Uint8Array(length));
};

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A UUIDv7 for `now` (ms since 1970): 48 bits of time, then version, variant and 74 random bits. */
export function newId(now: number = Date.now(), random: RandomBytes = secureRandomBytes): string {
  if (!Number.isSafeInteger(now) || now < 0 || now >= 2 ** 48) throw new RangeError(`newId: time out of range: ${now}`);
  const bytes = new Uint8Array(16);
  let t = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  bytes.set(random(10), 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Crockford's base 32 (https://www.crockford.com/base32.html). */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const REFERENCE_SYMBOLS = 8;

function symbols(bytes: Uint8Array): string {
  // The first 40 bits, 5 at a time.
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < REFERENCE_SYMBOLS) {
      out += CROCKFORD[(value >> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === REFERENCE_SYMBOLS) break;
  }
  if (out.length < REFERENCE_SYMBOLS) throw new RangeError('reference: at least 5 bytes are needed');
  return out;
}

function format(year: number, code: string): string {
  return `${year}-${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A new reference for a ticket opened in `year` (the council's local year). */
export function newReference(year: number, random: RandomBytes = secureRandomBytes): string {
  return format(year, symbols(random(5)));
}

/**
 * The reference of a ticket whose identity derives from content (an email's Message-ID):
 * the same digest gives the same reference on every workstation.
 */
export function referenceFromDigest(year: number, digest: Uint8Array): string {
  return format(year, symbols(digest));
}

export const REFERENCE_PATTERN = /^\d{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/**
 * What a clerk typed or a citizen dictated, as a reference, or undefined when it cannot be one.
 * Forgiving as Crockford intends: case, spaces, dots and dashes do not matter; O reads as 0,
 * I and L as 1.
 */
export function normalizeReference(input: string): string | undefined {
  const compact = input
    .toUpperCase()
    .replace(/[\s.\-_/]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  const match = /^(\d{4})([0-9A-HJKMNP-TV-Z]{8})$/.exec(compact);
  return match ? format(Number(match[1]), match[2]!) : undefined;
}
