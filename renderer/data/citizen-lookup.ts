// "¿Me dice su DNI, su teléfono o su nombre?": one box that finds a citizen's card by whatever
// the clerk has. A document and a name go through their indexes (docs/schemas.md#citizens);
// phones and emails have none (a list per citizen), so they are a scan the storage filters in
// SQL — bounded by `limit`, and measured in bench/workstation-*.ts.
import { guessLookup } from '../../core/identity/contact';
import { isValidSpanishDocument } from '../../core/identity/documents';
import { nameKey } from '../../core/identity/name';
import type { Citizen } from '../../core/schemas';
import type { WorkstationDatabase } from '../platform/platform';

const LIMIT = 10;

/** Name keys to try as prefixes: as typed, and with the last word first (surnames first). */
export function nameKeyCandidates(text: string): string[] {
  const key = nameKey(text);
  if (!key) return [];
  const words = key.split(' ');
  const candidates = [key];
  if (words.length >= 2) candidates.push([...words.slice(1), words[0]!].join(' '), [words[words.length - 1]!, ...words.slice(0, -1)].join(' '));
  return [...new Set(candidates)];
}

export async function lookupCitizens(db: WorkstationDatabase, text: string): Promise<Citizen[]> {
  const trimmed = text.trim();
  if (trimmed.length < 2) return [];
  const guess = guessLookup(trimmed, (compact) => isValidSpanishDocument(compact) || /^[A-Z]{1,3}\d{6,9}$/.test(compact));
  const found = new Map<string, Citizen>();
  const add = (docs: { toMutableJSON(): Citizen }[]) => {
    for (const doc of docs) {
      const citizen = doc.toMutableJSON();
      if (!found.has(citizen.id)) found.set(citizen.id, citizen);
    }
  };
  switch (guess.kind) {
    case 'document':
      add(await db.citizens.find({ selector: { documentNumber: guess.number }, limit: LIMIT }).exec());
      break;
    case 'phone':
      add(await db.citizens.find({ selector: { phones: guess.e164 } as never, limit: LIMIT }).exec());
      break;
    case 'email':
      add(await db.citizens.find({ selector: { emails: guess.address } as never, limit: LIMIT }).exec());
      break;
    case 'name':
      for (const key of nameKeyCandidates(guess.text)) {
        if (found.size >= LIMIT) break;
        add(await db.citizens.find({ selector: { nameKey: { $gte: key, $lt: `${key}\uffff` } }, sort: [{ nameKey: 'asc' }], limit: LIMIT }).exec());
      }
      break;
  }
  return [...found.values()].slice(0, LIMIT);
}
