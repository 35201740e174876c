import { newId, newReference, normalizeReference, referenceFromDigest, REFERENCE_PATTERN } from './index';

const fixed = (...bytes: number[]) => (length: number) => Uint8Array.from({ length }, (_, i) => bytes[i % bytes.length]!);

describe('document ids', () => {
  it('are UUIDv7 strings that sort by creation time', () => {
    const ids = [0, 1, 1_700_000_000_000, 1_700_000_000_001, 2 ** 48 - 1].map((t) => newId(t));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });

  it('differ when made in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 1_000 }, () => newId(1_700_000_000_000)));
    expect(ids.size).toBe(1_000);
  });

  it('refuse a time they cannot encode', () => {
    expect(() => newId(-1)).toThrow(RangeError);
    expect(() => newId(2 ** 48)).toThrow(RangeError);
  });
});

describe('references', () => {
  it('read as the year and two groups of four unambiguous symbols', () => {
    expect(newReference(2026, fixed(0, 0, 0, 0, 0))).toBe('2026-0000-0000');
    expect(newReference(2026, fixed(255))).toBe('2026-ZZZZ-ZZZZ');
    for (let i = 0; i < 200; i++) expect(newReference(2026)).toMatch(REFERENCE_PATTERN);
  });

  it('derive from a digest the same way on every workstation', () => {
    const digest = Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc]);
    expect(referenceFromDigest(2026, digest)).toBe(referenceFromDigest(2026, digest));
    expect(referenceFromDigest(2026, digest)).toBe('2026-28T5-CY4T');
  });

  it('are found from what a citizen dictates, however it was typed', () => {
    expect(normalizeReference('2026-28T5-CY4T')).toBe('2026-28T5-CY4T');
    expect(normalizeReference(' 2026 28t5 cy4t ')).toBe('2026-28T5-CY4T');
    expect(normalizeReference('2026.O1IL.0000')).toBe('2026-0111-0000');
    expect(normalizeReference('2026-28T5-CY4')).toBeUndefined();
    expect(normalizeReference('2026-28T5-CY4U')).toBeUndefined();
    expect(normalizeReference('')).toBeUndefined();
  });
});
