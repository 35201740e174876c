/**
 * Password hashing with scrypt (node:crypto; RFC 7914), a random salt per user, and a
 * constant-time comparison. The stored form names its parameters, so they can be raised later
 * without invalidating existing hashes:
 *
 *   scrypt$<log2 N>$<r>$<p>$<salt, base64url>$<key, base64url>
 *
 * Parameters: N = 2^15, r = 8, p = 1 (OWASP Password Storage Cheat Sheet's scrypt minimum is
 * N = 2^17 with r = 8 for a dedicated machine; 2^15 keeps a sign-in at ~60 ms on a council's small
 * server, and sign-in is rate-limited). 32 MiB of memory per hash.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PASSWORD_MAX_LENGTH } from '../../core/sync/replication-protocol';

const LOG2_N = 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  // maxmem must cover 128 * N * r bytes, plus a margin.
  const maxmem = 256 * (options.N ?? 0) * (options.r ?? 0) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a password for storage (users.password_hash). Never log the argument. */
export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, { N: 2 ** LOG2_N, r: BLOCK_SIZE, p: PARALLELISM });
  return ['scrypt', LOG2_N, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches a stored hash. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![logN, r, p].every((value) => Number.isInteger(value) && value > 0) || logN > 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_LENGTH || password.length > PASSWORD_MAX_LENGTH) return false;
  const key = await derive(password, salt, { N: 2 ** logN, r, p });
  return timingSafeEqual(key, expected);
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one verification against a hash nobody has: a sign-in with an unknown
 * address takes as long as one with a wrong password, so timing does not tell which addresses
 * have accounts.
 */
export async function verifyNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password.slice(0, PASSWORD_MAX_LENGTH), await dummyHash);
  return false;
}

/** The rules a new password must meet (the CLI's, and any future "change password"). */
export function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length === 0) throw new Error('the password is empty');
  if (password.length > PASSWORD_MAX_LENGTH) throw new Error(`the password is longer than ${PASSWORD_MAX_LENGTH} characters`);
}

/** The shortest password the admin command line sets: long passwords beat complex ones. */
export const NEW_PASSWORD_MIN_LENGTH = 12;
