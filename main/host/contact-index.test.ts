import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Citizen } from '../../core/schemas';
import { OPEN_SQLITE_INSTANCES } from '../store';
import { openLocalDatabase, type LocalDatabase } from '../store/local-database';
import { temporaryFolder } from '../store/test-support/storage-fixtures';
import { ContactIndex } from './contact-index';

const T0 = Date.UTC(2026, 10, 2, 9, 0);

function citizen(id: string, phones: string[], emails: string[]): Citizen {
  return { id, name: `Vecino ${id}`, nameKey: `vecino ${id}`, documentNumber: '', emails, phones, preferredLanguage: 'es', createdAt: T0, updatedAt: T0 };
}

let tmp: ReturnType<typeof temporaryFolder>;
let local: LocalDatabase | undefined;
let index: ContactIndex | undefined;
beforeEach(() => {
  tmp = temporaryFolder('ventanilla-contacts-');
});
afterEach(async () => {
  index?.close();
  index = undefined;
  await local?.close();
  local = undefined;
  for (const open of [...OPEN_SQLITE_INSTANCES]) await open.close();
  tmp.remove();
});

describe('the contact index', () => {
  it('finds the citizens of a phone or an address, and follows every change of their cards', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    await local.db.citizens.bulkInsert([
      citizen('cit-1', ['+34600123456'], ['ana@vecinos.example']),
      // A family's landline: two cards list it.
      citizen('cit-2', ['+34912345678'], []),
      citizen('cit-3', ['+34912345678', '+34700111222'], ['luis@vecinos.example']),
    ]);
    index = ContactIndex.open(path.join(tmp.folder, 'ana.contacts.sqlite'), local.db.citizens);
    expect(await index.citizensOf('phone', '+34600123456')).toEqual(['cit-1']);
    expect(await index.citizensOf('phone', '+34912345678')).toEqual(['cit-2', 'cit-3']);
    expect(await index.citizensOf('email', 'luis@vecinos.example')).toEqual(['cit-3']);
    expect(await index.citizensOf('phone', '+34699999999')).toEqual([]);

    // A new number replaces the old one; a card removed leaves the index.
    await (await local.db.citizens.findOne('cit-1').exec())!.incrementalPatch({ phones: ['+34611000000'] });
    await (await local.db.citizens.findOne('cit-3').exec())!.remove();
    await local.db.citizens.insert(citizen('cit-4', [], ['ana@vecinos.example']));
    expect(await index.citizensOf('phone', '+34600123456')).toEqual([]);
    expect(await index.citizensOf('phone', '+34611000000')).toEqual(['cit-1']);
    expect(await index.citizensOf('phone', '+34912345678')).toEqual(['cit-2']);
    expect(await index.citizensOf('email', 'luis@vecinos.example')).toEqual([]);
    expect(await index.citizensOf('email', 'ana@vecinos.example')).toEqual(['cit-1', 'cit-4']);
  });

  it('catches up at the next start with what changed while it was closed, from its saved checkpoint', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    const file = path.join(tmp.folder, 'ana.contacts.sqlite');
    await local.db.citizens.insert(citizen('cit-1', ['+34600123456'], []));
    index = ContactIndex.open(file, local.db.citizens);
    await index.caughtUp();
    index.close();
    await local.db.citizens.insert(citizen('cit-2', ['+34600123456'], ['eva@vecinos.example']));
    index = ContactIndex.open(file, local.db.citizens);
    expect(await index.citizensOf('phone', '+34600123456')).toEqual(['cit-1', 'cit-2']);
    expect(await index.citizensOf('email', 'eva@vecinos.example')).toEqual(['cit-2']);
  });
});
