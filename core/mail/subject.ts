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
 * The ticket references tagged in a decoded subject, in order of appearance, normalised; prefixes
 * before them do not matter (`RE: RV: [#2026-7KQ4-M2XD] Licencia`).
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

/** The subject of our mail about a ticket: `[#REF] subject`, the tag only once. */
export function subjectWithReference(subject: string, reference: string): string {
  const cleaned = cleanSubject(subject);
  return cleaned ? `[#${reference}] ${cleaned}` : `[#${reference}]`;
}
