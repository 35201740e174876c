import { describe, expect, it } from 'vitest';
import type { WithDeleted } from 'rxdb';
import type { Citizen } from '../schemas/citizens';
import { mergeCitizens } from './citizen-merge';
import { CONFLICT_HANDLERS } from './conflict-handlers';
import { canonicalJson } from './json-value';
import { DOCUMENT_STATE_CHECKS } from './replication-protocol';

const T0 = Date.UTC(2025, 2, 17, 9, 0, 0);
const MINUTE = 60_000;

type CitizenState = WithDeleted<Citizen>;

/** María as both workstations pulled her from the server. */
function maria(overrides: Partial<CitizenState> = {}): CitizenState {
  return {
    id: '018f0000-0000-7000-8000-000000000001',
    name: 'María José García López',
    nameKey: 'garcia lopez maria jose',
    documentType: 'dni',
    documentNumber: '12345678Z',
    emails: ['mjgarcia@correo.example'],
    phones: ['+34600111222'],
    address: { line1: 'Calle Mayor 12, 3º B', postalCode: '28013', municipality: 'Madrid' },
    preferredLanguage: 'es',
    createdAt: T0,
    updatedAt: T0,
    _deleted: false,
    ...overrides,
  };
}

function expectValid(state: CitizenState): void {
  const checked = DOCUMENT_STATE_CHECKS.citizens(state);
  if (!checked.ok) throw new Error(checked.error.message);
}

describe('mergeCitizens', () => {
  it('keeps both edits when two clerks correct different fields of one citizen offline', () => {
    const base = maria();
    const ana = maria({ address: { line1: 'Calle del Prado 4, 1º A', postalCode: '28014' }, updatedAt: T0 + MINUTE });
    const luis = maria({ preferredLanguage: 'ca', documentType: 'nie', documentNumber: 'X1234567L', updatedAt: T0 + 2 * MINUTE });
    const merged = mergeCitizens(ana, luis, base);
    expect(merged).toEqual({ ...luis, address: ana.address });
    expectValid(merged);
  });

  it('keeps the phones and e-mails both clerks added, drops what either removed, the server’s first', () => {
    const base = maria({ phones: ['+34600111222', '+34910000000'] });
    const ana = maria({ phones: ['+34910000000', '+34611222333'], emails: [], updatedAt: T0 + MINUTE });
    const luis = maria({ phones: ['+34600111222', '+34910000000', '+34622333444'], emails: ['mjgarcia@correo.example', 'maria@trabajo.example'], updatedAt: T0 + 2 * MINUTE });
    const merged = mergeCitizens(ana, luis, base);
    expect(merged.phones).toEqual(['+34910000000', '+34622333444', '+34611222333']);
    expect(merged.emails).toEqual(['maria@trabajo.example']);
    expectValid(merged);
  });

  it('gives a field both changed to the later edit, and never pairs one side’s name with the other’s lookup key', () => {
    const base = maria();
    const ana = maria({ name: 'María José García-López', nameKey: 'garcia-lopez maria jose', updatedAt: T0 + 5 * MINUTE });
    const luis = maria({ name: 'Mª José García López', nameKey: 'garcia lopez m jose', updatedAt: T0 + 2 * MINUTE });
    expect(mergeCitizens(ana, luis, base)).toMatchObject({ name: ana.name, nameKey: ana.nameKey, updatedAt: T0 + 5 * MINUTE });
    expect(mergeCitizens(luis, ana, base)).toMatchObject({ name: ana.name, nameKey: ana.nameKey });
    // On a tie the server's edit stands.
    const tied = { ...luis, updatedAt: ana.updatedAt };
    expect(mergeCitizens(tied, ana, base)).toMatchObject({ name: ana.name });
    expect(mergeCitizens(ana, tied, base)).toMatchObject({ name: luis.name });
  });

  it('removes an address only one side removed, and keeps it when the other side corrected it', () => {
    const base = maria();
    const { address: _address, ...withoutAddress } = maria({ updatedAt: T0 + MINUTE });
    expect(mergeCitizens(withoutAddress, maria({ phones: [], updatedAt: T0 + 2 * MINUTE }), base)).not.toHaveProperty('address');
    const corrected = maria({ address: { line1: 'Calle Mayor 12, 3º C' }, updatedAt: T0 + 2 * MINUTE });
    expect(mergeCitizens(withoutAddress, corrected, base).address).toEqual(corrected.address);
  });

  it('lets an edit win over a deletion, and a deletion over an unchanged card', () => {
    const base = maria();
    const deleted = maria({ _deleted: true, updatedAt: T0 + 3 * MINUTE });
    const edited = maria({ phones: ['+34699999999'], updatedAt: T0 + MINUTE });
    expect(mergeCitizens(deleted, edited, base)).toEqual(edited);
    expect(mergeCitizens(edited, deleted, base)).toEqual(edited);
    expect(mergeCitizens(deleted, maria({ updatedAt: T0 + MINUTE }), base)).toEqual(deleted);
  });

  it('without the common state, keeps the later one whole, the server’s on a tie', () => {
    const mine = maria({ phones: ['+34699999999'], updatedAt: T0 + 2 * MINUTE });
    const master = maria({ emails: [], updatedAt: T0 + MINUTE });
    expect(mergeCitizens(mine, master)).toEqual(mine);
    expect(mergeCitizens({ ...mine, updatedAt: master.updatedAt }, master)).toEqual(master);
  });

  it('is what the citizens’ conflict handler resolves with, and a merged state pushed again changes nothing', async () => {
    const base = maria();
    const ana = maria({ phones: ['+34600111222', '+34611222333'], updatedAt: T0 + MINUTE });
    const luis = maria({ preferredLanguage: 'eu', updatedAt: T0 + 2 * MINUTE });
    const handler = CONFLICT_HANDLERS.citizens;
    const resolved = await handler.resolve({ newDocumentState: ana, realMasterState: luis, assumedMasterState: base }, 'test');
    expect(resolved).toEqual({ ...luis, phones: ana.phones });
    // The next round: the server holds the merge, the workstation holds the merge.
    expect(mergeCitizens(resolved, resolved, luis)).toEqual(resolved);
    expect(handler.isEqual(resolved, { ...resolved }, 'test')).toBe(true);
    expect(handler.isEqual(resolved, luis, 'test')).toBe(false);
    expect(canonicalJson(mergeCitizens(ana, luis, base))).toBe(canonicalJson(resolved));
  });
});
