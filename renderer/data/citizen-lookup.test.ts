import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../core/schemas/test-kit';
import type { WorkstationDatabase } from '../platform/platform';
import { lookupCitizens, nameKeyCandidates } from './citizen-lookup';

describe('citizen lookup by name', () => {
  it('tries the name as typed and with the surnames first', () => {
    expect(nameKeyCandidates('María García')).toEqual(['maria garcia', 'garcia maria']);
    expect(nameKeyCandidates('José García López')).toEqual(['jose garcia lopez', 'garcia lopez jose', 'lopez jose garcia']);
    expect(nameKeyCandidates(' ')).toEqual([]);
  });
});

describe('citizen lookup by phone or address', () => {
  const T = Date.UTC(2026, 10, 2, 9);
  const card = (id: string, phones: string[], emails: string[]) => ({ id, name: `Vecino ${id}`, nameKey: `vecino ${id}`, documentNumber: '', emails, phones, preferredLanguage: 'es', createdAt: T, updatedAt: T });
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.close();
  });

  it('asks the service’s contact index, however the clerk typed the number, and shows only cards that list it', async () => {
    db = await openTestDatabase(['citizens']);
    await db.citizens.bulkInsert([card('cit-1', ['+34600123456'], []), card('cit-2', ['+34611000000'], [])]);
    const asked: [string, string][] = [];
    // cit-2 comes back from an index a moment behind its card: the card no longer lists the number.
    const found = await lookupCitizens(db as unknown as WorkstationDatabase, '600 12 34 56', async (kind, value) => {
      asked.push([kind, value]);
      return ['cit-1', 'cit-2'];
    });
    expect(asked).toEqual([['phone', '+34600123456']]);
    expect(found.map((citizen) => citizen.id)).toEqual(['cit-1']);
  });

  it('falls back to scanning the cards when the index cannot answer', async () => {
    db = await openTestDatabase(['citizens']);
    await db.citizens.bulkInsert([card('cit-1', [], ['ana@vecinos.example']), card('cit-2', [], ['luis@vecinos.example'])]);
    const found = await lookupCitizens(db as unknown as WorkstationDatabase, 'Ana@Vecinos.example', () => Promise.reject(new Error('sin índice')));
    expect(found.map((citizen) => citizen.id)).toEqual(['cit-1']);
  });
});
