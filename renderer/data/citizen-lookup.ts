// "¿Me dice su DNI, su teléfono o su nombre?": one box that finds a citizen's card by whatever
// the clerk has. A document and a name go through their indexes (docs/schemas.md#citizens);
// phones and emails are lists on the card, which RxDB cannot index: the service keeps a contact
// index for them (main/host/contact-index.ts, `citizens:by-contact`). Without it (an older
// service, the index failing) they fall back to a scan the storage filters in SQL — seconds on a
// council's 60,000 cards, so only a fallback.
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

/** The service's contact index: citizen ids of a phone (E.164) or address; throws when unavailable. */
export type ContactFinder = (kind: 'phone' | 'email', value: string) => Promise<string[]>;

export async function lookupCitizens(db: WorkstationDatabase, text: string, byContact?: ContactFinder): Promise<Citizen[]> {
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
    case 'email': {
      const [field, value] = guess.kind === 'phone' ? (['phones', guess.e164] as const) : (['emails', guess.address] as const);
      const ids = byContact ? await byContact(guess.kind, value).catch(() => undefined) : undefined;
      if (ids) {
        const docs = await db.citizens.findByIds(ids.slice(0, LIMIT)).exec();
        // A card is shown only if it lists the value now (the index follows the cards; they are the truth).
        add(
          ids.flatMap((id) => {
            const doc = docs.get(id);
            return doc && (doc[field] as readonly string[]).includes(value) ? [doc] : [];
          }),
        );
      } else {
        add(await db.citizens.find({ selector: { [field]: value } as never, limit: LIMIT }).exec());
      }
      break;
    }
    case 'name':
      for (const key of nameKeyCandidates(guess.text)) {
        if (found.size >= LIMIT) break;
        add(await db.citizens.find({ selector: { nameKey: { $gte: key, $lt: `${key}\uffff` } }, sort: [{ nameKey: 'asc' }], limit: LIMIT }).exec());
      }
      break;
  }
  return [...found.values()].slice(0, LIMIT);
}
