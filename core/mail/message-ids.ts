// Identities of mail: the same mail gives the same documents on every workstation (DESIGN.md,
// Identity and determinism). core stays free of I/O, so it says *what* is hashed (the identity
// strings below) and builds ids from the digest bytes main/mail computes with SHA-256.
//
// - A message's document id: the first 20 bytes of SHA-256("message-id:" + Message-ID), in hex
//   (40 characters, ID_MAX_LENGTH). A mail without a Message-ID gets a synthetic one from the
//   hash of its raw bytes (see syntheticMessageId), so the same raw mail is still one document.
// - A ticket opened by a mail: the *last* 20 bytes of SHA-256("message-id:" + root), where the
//   root is the oldest Message-ID the mail names (the first of References, else In-Reply-To, else
//   its own). A reply ingested before the mail it answers (a back-fill, two workstations in a
//   different order) then still lands in the ticket its original opens.
// - A ticket's reference: referenceFromDigest (core/ids) over that same digest.

/** The string whose SHA-256 names a mail (its message document, or a ticket it roots). */
export function messageIdentity(messageId: string): string {
  return `message-id:${messageId}`;
}

/** The string whose SHA-256 names the citizen of an email address (see citizenIdFromDigest). */
export function citizenIdentity(normalizedAddress: string): string {
  return `citizen-email:${normalizedAddress}`;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function checkDigest(digest: Uint8Array): void {
  if (digest.length !== 32) throw new RangeError(`a SHA-256 digest has 32 bytes, got ${digest.length}`);
}

/** messages.id of a mail, from SHA-256(messageIdentity(messageId)). */
export function messageDocumentId(digest: Uint8Array): string {
  checkDigest(digest);
  return hex(digest.subarray(0, 20));
}

/** tickets.id of the ticket a thread root opens, from SHA-256(messageIdentity(root)). */
export function ticketDocumentId(digest: Uint8Array): string {
  checkDigest(digest);
  return hex(digest.subarray(12, 32));
}

/** citizens.id of the citizen an address makes, from SHA-256(citizenIdentity(address)). */
export function citizenDocumentId(digest: Uint8Array): string {
  checkDigest(digest);
  return hex(digest.subarray(0, 20));
}

/**
 * A Message-ID for a mail that has none: `<sha256 of the raw bytes>@sin-message-id.invalid`
 * (`.invalid` can never be a real domain, RFC 2606), so the same raw mail is the same document.
 */
export function syntheticMessageId(rawSha256Hex: string): string {
  if (!/^[0-9a-f]{64}$/.test(rawSha256Hex)) throw new RangeError('syntheticMessageId takes a SHA-256 in lower-case hex');
  return `${rawSha256Hex}@sin-message-id.invalid`;
}

/** Longest Message-ID a document can hold (one header line, RFC 5322 §2.1.1; the schema's bound). */
const MAX_MESSAGE_ID = 998;

/**
 * A Message-ID as written in a header (`<abc@host>`, with spaces, comments or a lone id) without
 * the angle brackets; undefined when nothing usable is left. Case is kept: the left part is
 * case-sensitive (RFC 5322 §3.6.4), and every client copies it byte for byte.
 */
export function normalizeMessageId(value: string | undefined | null): string | undefined {
  if (typeof value !== 'string') return undefined;
  const bracketed = /<([^<>\s]+)>/.exec(value);
  const id = (bracketed ? bracketed[1]! : value.trim().split(/\s+/)[0] ?? '').trim();
  if (id.length === 0 || id.length > MAX_MESSAGE_ID) return undefined;
  return id;
}

/**
 * The Message-IDs of a References or In-Reply-To header, in the order written (oldest first in
 * References). Accepts what mailparser gives: one string, a list, or a string with several ids.
 * Duplicates are dropped (the first stays).
 */
export function messageIdList(value: string | readonly string[] | undefined | null): string[] {
  if (value === undefined || value === null) return [];
  const parts = typeof value === 'string' ? [value] : value;
  const ids: string[] = [];
  for (const part of parts) {
    const bracketed = [...part.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1]!);
    const found = bracketed.length > 0 ? bracketed : part.split(/[\s,]+/).filter(Boolean);
    for (const candidate of found) {
      const id = normalizeMessageId(candidate);
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

/** The thread root of a mail: the oldest Message-ID it names, or its own. */
export function threadRoot(mail: { messageId: string; inReplyTo?: string; references: readonly string[] }): string {
  return mail.references[0] ?? mail.inReplyTo ?? mail.messageId;
}
