// Subjects of mail: the reply and forward prefixes clients add, in the languages a Spanish
// council receives, and the ticket reference we put in the subjects we send (`[#2026-7KQ4-M2XD]`).
import { normalizeReference } from '../ids';

/**
 * Reply and forward prefixes: RE (English, and what most Spanish clients write), RV (Outlook in
 * Spanish: "reenviado"), FW/FWD, AW/WG (German Outlook), SV/VS (Nordic), RIF/R (Italian), TR
 * (French Outlook), ENC (Portuguese), ODP (Polish), with an optional counter (`Re[2]:`,
 * `RE(3):`), full-width colons and any mix of them (`RE: RV: Fwd:`).
 */
const PREFIX = /^\s*(?:re|rv|fwd?|aw|wg|sv|vs|rif|r|tr|enc|odp|antw|res)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/i;

/** A reference tag: `[#2026-7KQ4-M2XD]`, also `[# 2026 7kq4 m2xd]` as a client may have mangled it. */
const REFERENCE_TAG = /\[#\s*([0-9][0-9A-Za-z .\-_/]{11,24}?)\s*\]/g;

/** Longest subject a ticket holds (the schema's bound). */
export const SUBJECT_MAX_LENGTH = 1000;

function withoutPrefixes(subject: string): string {
  let rest = subject;
  for (;;) {
    const match = PREFIX.exec(rest);
    if (!match) return rest;
    rest = rest.slice(match[0].length);
  }
}

/**
 * The ticket references tagged in a decoded subject, in order of appearance, normalised, wherever
 * they stand: at the end as we write them (`RE: Licencia [#2026-7KQ4-M2XD]`), or moved to the
 * front or the middle by a client or a person (`RE: RV: [#2026-7KQ4-M2XD] Licencia`).
 */
export function referencesInSubject(subject: string): string[] {
  const found: string[] = [];
  for (const match of subject.matchAll(REFERENCE_TAG)) {
    const reference = normalizeReference(match[1]!);
    if (reference !== undefined && !found.includes(reference)) found.push(reference);
  }
  return found;
}

/**
 * The subject as a ticket shows it: without reply/forward prefixes and reference tags, on one
 * line, spaces collapsed, at most SUBJECT_MAX_LENGTH characters. Prefixes are removed again after
 * a tag (`RE: [#…] RE: Licencia` → `Licencia`).
 */
export function cleanSubject(subject: string | undefined): string {
  if (!subject) return '';
  let rest = subject.replace(/[\r\n\t]+/g, ' ');
  let previous: string;
  do {
    previous = rest;
    rest = withoutPrefixes(rest).replace(REFERENCE_TAG, ' ').trimStart();
  } while (rest !== previous);
  return rest.replace(/\s+/g, ' ').trim().slice(0, SUBJECT_MAX_LENGTH);
}

/** Whether the subject starts with a reply or forward prefix. */
export function isReplySubject(subject: string | undefined): boolean {
  return subject !== undefined && PREFIX.test(subject);
}

/** The tag of a reference as it appears in subjects: `[#2026-7KQ4-M2XD]`. */
export function referenceTag(reference: string): string {
  return `[#${reference}]`;
}

/** Longest subject we write: one header line (RFC 5322 §2.1.1). */
const OUTGOING_SUBJECT_MAX_LENGTH = 998;

/**
 * The subject of every mail we send about a ticket: `Re: ` when it answers a mail, what the thread
 * is about (without anyone's reply prefixes or earlier tags, so neither piles up however long the
 * thread), and the ticket's reference once, at the end: `Re: Ruido nocturno [#2026-7KQ4-M2XD]`.
 * At the end, because the subject is what a citizen's mail client lists first; a reply that
 * comes back with `RE: RV:` before it is still found by `referencesInSubject`, which reads the tag
 * anywhere. 998 characters at most; a long subject is cut, the tag never.
 */
export function outgoingSubject(subject: string, reference: string, options: { reply: boolean }): string {
  const tag = referenceTag(reference);
  const base = cleanSubject(subject);
  const prefix = options.reply ? 'Re: ' : '';
  const room = OUTGOING_SUBJECT_MAX_LENGTH - prefix.length - tag.length - 1;
  const cut = base.length > room ? `${base.slice(0, room - 1)}…` : base;
  return cut === '' ? `${prefix}${tag}` : `${prefix}${cut} ${tag}`;
}
