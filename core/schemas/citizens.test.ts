import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MangoQuery } from 'rxdb';
import { citizenSchema, type Citizen } from './citizens';
import { T0, openTestDatabase, plannedIndex, without, writeError, type TestDatabase } from './test-kit';

function neighbour(overrides: Partial<Citizen> = {}): Citizen {
  return {
    id: 'cit-0001',
    name: 'Ana Ruiz Gómez',
    nameKey: 'ruiz gomez ana',
    documentType: 'dni',
    documentNumber: '12345678Z',
    emails: ['ana.ruiz@gmail.com'],
    phones: ['+34600123456'],
    address: { line1: 'Calle Mayor 12, 3º B', postalCode: '28013', municipality: 'Madrid', province: 'Madrid' },
    preferredLanguage: 'es',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function samples(): Citizen[] {
  return [
    neighbour(),
    // A resident from abroad, with an NIE, who prefers English.
    neighbour({
      id: 'cit-0002',
      name: 'John Smith',
      nameKey: 'smith john',
      documentType: 'nie',
      documentNumber: 'X1234567L',
      emails: ['john.smith@outlook.com', 'jsmith@work.co.uk'],
      phones: [],
      preferredLanguage: 'en',
    }),
    // An association, by its CIF, writing in Catalan.
    neighbour({
      id: 'cit-0003',
      name: 'Associació de Veïns del Carme',
      nameKey: 'associacio de veins del carme',
      documentType: 'cif',
      documentNumber: 'G12345678',
      emails: ['avv.carme@gmail.com'],
      phones: ['+34963123456'],
      preferredLanguage: 'ca',
    }),
    // Someone known only by the address they wrote from.
    {
      id: 'cit-0004',
      name: 'pepe.garcia@hotmail.com',
      nameKey: 'pepe.garcia@hotmail.com',
      documentNumber: '',
      emails: ['pepe.garcia@hotmail.com'],
      phones: [],
      preferredLanguage: 'es',
      createdAt: T0,
      updatedAt: T0,
    },
  ];
}

describe('citizens schema', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase(['citizens']);
  });
  afterEach(async () => {
    await db.close();
  });

  it('stores people with a DNI or NIE, an association with a CIF, and an unknown sender', async () => {
    const result = await db.citizens.bulkInsert(samples());
    expect(result.error).toEqual([]);
  });

  it.each([
    ['a document type outside the enum', { documentType: 'nif' }],
    ['a document number with a dash', { documentNumber: '12345678-Z' }],
    ['a document number in lower case', { documentNumber: '12345678z' }],
    ['one address given as a string instead of a list', { emails: 'ana.ruiz@gmail.com' }],
    ['a phone number not in E.164 form', { phones: ['600 12 34 56'] }],
    ['a postal address without its first line', { address: { postalCode: '28013' } }],
    ['a language that is not a language tag', { preferredLanguage: 'Español' }],
  ])('refuses a citizen with %s', async (_case, change) => {
    expect(await writeError(db.citizens.insert({ ...neighbour(), ...change } as Citizen))).toBe('VD2');
  });

  it.each(['name', 'nameKey', 'documentNumber', 'emails', 'phones', 'preferredLanguage', 'createdAt'] as const)(
    'refuses a citizen without %s',
    async (field) => {
      expect(await writeError(db.citizens.insert(without(neighbour(), field) as Citizen))).toBe('VD2');
    },
  );

  it('finds citizens by the start of their folded name', async () => {
    await db.citizens.bulkInsert([
      ...samples(),
      neighbour({ id: 'cit-0005', name: 'Rubén Ruiz Martín', nameKey: 'ruiz martin ruben', documentNumber: '87654321X' }),
    ]);
    const found = await db.citizens
      .find({ selector: { nameKey: { $gte: 'ruiz', $lt: 'ruiz\uffff' } }, sort: [{ nameKey: 'asc' }] })
      .exec();
    expect(found.map((citizen) => citizen.name)).toEqual(['Ana Ruiz Gómez', 'Rubén Ruiz Martín']);
  });
});

describe('citizens indexes', () => {
  const index = (query: MangoQuery<Citizen>) => plannedIndex(citizenSchema, query);

  it('finds a citizen by ID document from the document index', () => {
    expect(index({ selector: { documentNumber: '12345678Z' } })).toEqual(['_deleted', 'documentNumber', 'id']);
  });

  it('finds citizens by name prefix from the name index', () => {
    expect(index({ selector: { nameKey: { $gte: 'ruiz', $lt: 'ruiz\uffff' } }, sort: [{ nameKey: 'asc' }], limit: 20 })).toEqual([
      '_deleted',
      'nameKey',
      'id',
    ]);
  });
});
