// A citizen's card as the clerk types it, checked and normalised (core/identity) into the
// document the replica stores; every problem is named per field, nothing is silently dropped.
import { checkSpanishDocument, compactDocument, type DocumentProblem } from '../../core/identity/documents';
import { formatPhone, normalizeEmail, normalizePhone } from '../../core/identity/contact';
import { nameKey } from '../../core/identity/name';
import type { Citizen, IdDocumentType } from '../../core/schemas';

export type CitizenDraft = {
  name: string;
  documentType: IdDocumentType | '';
  documentNumber: string;
  /** Comma-separated, as typed. */
  emails: string;
  phones: string;
  addressLine: string;
  postalCode: string;
  municipality: string;
  preferredLanguage: string;
};

export type CitizenProblems = Partial<{
  name: true;
  document: { problem: DocumentProblem; expected?: string };
  emails: string;
  phones: string;
}>;

export function draftOf(citizen?: Citizen): CitizenDraft {
  return {
    name: citizen?.name ?? '',
    documentType: citizen?.documentType ?? '',
    documentNumber: citizen?.documentNumber ?? '',
    emails: citizen?.emails.join(', ') ?? '',
    phones: citizen?.phones.map(formatPhone).join(', ') ?? '',
    addressLine: citizen?.address?.line1 ?? '',
    postalCode: citizen?.address?.postalCode ?? '',
    municipality: citizen?.address?.municipality ?? '',
    preferredLanguage: citizen?.preferredLanguage ?? 'es',
  };
}

const split = (text: string) => text.split(/[,;]/).map((part) => part.trim()).filter(Boolean);

export type CitizenCheck = { ok: true; fields: Omit<Citizen, 'id' | 'createdAt' | 'updatedAt'> } | { ok: false; problems: CitizenProblems };

/** Checks a draft; passports and other documents are stored as typed (compacted), unchecked. */
export function checkCitizenDraft(draft: CitizenDraft): CitizenCheck {
  const problems: CitizenProblems = {};
  const name = draft.name.trim().replace(/\s+/g, ' ');
  if (!name) problems.name = true;
  let documentType: IdDocumentType | undefined;
  let documentNumber = '';
  const typed = compactDocument(draft.documentNumber);
  if (typed) {
    if (draft.documentType === 'passport' || draft.documentType === 'other') {
      documentType = draft.documentType;
      documentNumber = typed.replace(/[^A-Z0-9]/g, '').slice(0, 32);
    } else {
      const check = checkSpanishDocument(typed, draft.documentType || undefined);
      if (check.ok) {
        documentType = check.type;
        documentNumber = check.number;
      } else {
        problems.document = { problem: check.problem, ...(check.expected !== undefined && { expected: check.expected }) };
      }
    }
  }
  const emails: string[] = [];
  for (const part of split(draft.emails)) {
    const email = normalizeEmail(part);
    if (!email.ok) problems.emails = part;
    else if (!emails.includes(email.address)) emails.push(email.address);
  }
  const phones: string[] = [];
  for (const part of split(draft.phones)) {
    const phone = normalizePhone(part);
    if (!phone.ok) problems.phones = part;
    else if (!phones.includes(phone.e164)) phones.push(phone.e164);
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const fields: Omit<Citizen, 'id' | 'createdAt' | 'updatedAt'> = {
    name: name.slice(0, 256),
    nameKey: nameKey(name),
    documentNumber,
    emails,
    phones,
    preferredLanguage: /^[a-z]{2,3}$/.test(draft.preferredLanguage) ? draft.preferredLanguage : 'es',
  };
  if (documentType) fields.documentType = documentType;
  if (draft.addressLine.trim()) {
    fields.address = { line1: draft.addressLine.trim().slice(0, 256) };
    if (draft.postalCode.trim()) fields.address.postalCode = draft.postalCode.trim().slice(0, 16);
    if (draft.municipality.trim()) fields.address.municipality = draft.municipality.trim().slice(0, 128);
  }
  return { ok: true, fields };
}
