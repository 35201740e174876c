import path from 'node:path';
import Database from 'better-sqlite3';
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

  it('finds an address whatever its case on the card or in the question, as mail compares senders', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    await local.db.citizens.insert(citizen('cit-1', [], ['Ana.Ruiz@Correo.Test']));
    index = ContactIndex.open(path.join(tmp.folder, 'ana.contacts.sqlite'), local.db.citizens);
    expect(await index.citizensOf('email', 'ana.ruiz@correo.test')).toEqual(['cit-1']);
    expect(await index.citizensOf('email', 'ANA.RUIZ@correo.test')).toEqual(['cit-1']);
    // Written after the first build: the feed keys it the same way.
    await local.db.citizens.insert(citizen('cit-2', [], ['JOSÉ@Vecinos.Example']));
    expect(await index.citizensOf('email', 'josé@vecinos.example')).toEqual(['cit-2']);
  });

  it('builds a new index from the replica as the change feed would, and follows what is written during and after it', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    const cards = Array.from({ length: 12_000 }, (_, i) => citizen(`cit-${String(i).padStart(5, '0')}`, i % 3 === 0 ? [] : [`+3460000${String(i % 5_000).padStart(4, '0')}`], i % 2 === 0 ? [`Vecino.${i}@Correo.Example`] : []));
    await local.db.citizens.bulkInsert(cards);
    await (await local.db.citizens.findOne('cit-00004').exec())!.remove();
    await (await local.db.citizens.findOne('cit-00008').exec())!.incrementalPatch({ emails: ['nueva@correo.example'] });
    const sql = ContactIndex.open(path.join(tmp.folder, 'sql.contacts.sqlite'), local.db.citizens);
    // A write while the build runs (it yields between slices of the table) is not missed.
    await local.db.citizens.insert(citizen('cit-late', ['+34600000001'], ['vecino.2@correo.example']));
    await sql.caughtUp();
    // The same collection without our storage's internals: built through RxDB's feed alone.
    const storage = local.db.citizens.storageInstance;
    const feedOnly = { storageInstance: { changeStream: () => storage.changeStream(), getChangedDocumentsSince: storage.getChangedDocumentsSince!.bind(storage), schema: storage.schema } };
    index = ContactIndex.open(path.join(tmp.folder, 'feed.contacts.sqlite'), feedOnly as unknown as typeof local.db.citizens);
    await index.caughtUp();
    const rows = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare('SELECT kind, value, citizen_id FROM contacts ORDER BY kind, value, citizen_id').all();
      } finally {
        db.close();
      }
    };
    sql.close();
    const built = rows(path.join(tmp.folder, 'sql.contacts.sqlite'));
    expect(built).toEqual(rows(path.join(tmp.folder, 'feed.contacts.sqlite')));
    expect(built).toContainEqual({ kind: 'email', value: 'vecino.2@correo.example', citizen_id: 'cit-late' });
    expect(built).toContainEqual({ kind: 'email', value: 'nueva@correo.example', citizen_id: 'cit-00008' });
    expect(built).not.toContainEqual({ kind: 'email', value: 'vecino.4@correo.example', citizen_id: 'cit-00004' });
    expect(built).not.toContainEqual({ kind: 'email', value: 'vecino.8@correo.example', citizen_id: 'cit-00008' });
  });

  it('builds again an index an earlier version wrote, whose addresses kept their capitals', async () => {
    local = await openLocalDatabase({ directory: tmp.folder, name: 'ana' });
    await local.db.citizens.insert(citizen('cit-1', [], ['Eva@Vecinos.Example']));
    const file = path.join(tmp.folder, 'ana.contacts.sqlite');
    index = ContactIndex.open(file, local.db.citizens);
    await index.caughtUp();
    index.close();
    // As the first version left it: the card's own spelling, no format mark.
    const old = new Database(file);
    old.exec("UPDATE contacts SET value = 'Eva@Vecinos.Example'; DELETE FROM meta WHERE key = 'format';");
    old.close();
    index = ContactIndex.open(file, local.db.citizens);
    expect(await index.citizensOf('email', 'eva@vecinos.example')).toEqual(['cit-1']);
  });
});
