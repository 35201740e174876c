// The sender of a mail becomes, or joins, a citizen (issue 5). Two workstations ingesting the
// same mailbox offline must make the same citizen, so a citizen made from mail has an id derived
// from the address (message-ids.ts, citizenIdentity), which also turns "is there a citizen for
// this address" into a primary-key get. A citizen a clerk created (UUIDv7) with the address among
// its `emails` is joined instead; main/mail keeps an address → citizen lookup for that, because
// RxDB cannot index arrays (docs/mail.md, "Citizens").
import type { Citizen } from '../schemas/citizens';
import type { MailAddress } from '../schemas/messages';
import type { Timestamp } from '../schemas/fields';
import { foldSpanish } from '../text/spanish-search';

/** The longest address SMTP carries (RFC 5321 §4.5.3.1, errata 1690), the schema's bound. */
const MAX_ADDRESS = 254;

/**
 * An address as documents hold it: trimmed, without angle brackets or a `mailto:`, lower case
 * (the schema's convention: the local part is case-sensitive in theory, never in practice), or
 * undefined when it is not `something@something` without spaces.
 */
export function normalizeAddress(value: string | undefined | null): string | undefined {
  if (typeof value !== 'string') return undefined;
  const address = value
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/^<(.*)>$/, '$1')
    .trim()
    .toLowerCase();
  if (address.length > MAX_ADDRESS || !/^[^\s@]+@[^\s@]+$/.test(address)) return undefined;
  return address;
}

/** A display name as documents hold it: one line, no quotes around it, at most `max` characters. */
export function cleanDisplayName(name: string | undefined, max = 256): string | undefined {
  if (!name) return undefined;
  const cleaned = name
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/^["'\s]+|["'\s]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
  return cleaned.length > 0 ? cleaned : undefined;
}

/** A mail address for a document, or undefined when the address is unusable. */
export function mailAddress(address: string | undefined, name?: string): MailAddress | undefined {
  const normalized = normalizeAddress(address);
  if (normalized === undefined) return undefined;
  const cleaned = cleanDisplayName(name);
  // A name that is just the address again says nothing.
  return cleaned && cleaned.toLowerCase() !== normalized ? { address: normalized, name: cleaned } : { address: normalized };
}

/** The folded name a citizen is looked up by: lower case, no accents, letters and digits, single spaces. */
export function nameKeyOf(name: string): string {
  return foldSpanish(name)
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 128);
}

/**
 * The citizen a mail from `sender` makes when no citizen has the address: its name is the display
 * name (or the address's local part, the best a clerk can do until they ask), Spanish, created at
 * the mail's time — never the local clock, so both workstations write the same document.
 */
export function citizenFromSender(id: string, sender: MailAddress, at: Timestamp, language = 'es'): Citizen {
  const name = sender.name ?? sender.address.split('@')[0]!;
  return {
    id,
    name: name.slice(0, 256) || sender.address,
    nameKey: nameKeyOf(name),
    documentNumber: '',
    emails: [sender.address],
    phones: [],
    preferredLanguage: language,
    createdAt: at,
    updatedAt: at,
  };
}
