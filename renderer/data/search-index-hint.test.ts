import { describe, expect, it } from 'vitest';
import { roughly, searchIndexHint } from './search-index-hint';

const BEHIND = { caughtUp: false, behindSince: Date.UTC(2026, 10, 29, 9, 0) };

describe('the hint under the inbox’s search while the index catches up', () => {
  it('says nothing while the index has caught up, or while the clerk is not searching', () => {
    expect(searchIndexHint({ caughtUp: true }, true)).toEqual({ kind: 'none' });
    expect(searchIndexHint({ ...BEHIND, remaining: 12_000 }, false)).toEqual({ kind: 'none' });
    // Before the service has answered: nothing rather than a guess.
    expect(searchIndexHint(undefined, true)).toEqual({ kind: 'none' });
  });

  it('warns, with about how many documents are left, while the index is behind and the clerk searches', () => {
    expect(searchIndexHint({ ...BEHIND, remaining: 12_347 }, true)).toEqual({ kind: 'behind-count', amount: 12_000 });
    expect(searchIndexHint({ ...BEHIND, remaining: 1 }, true)).toEqual({ kind: 'behind-count', amount: 1 });
  });

  it('warns without a figure while the index has not counted yet, or has just indexed its last batch', () => {
    expect(searchIndexHint(BEHIND, true)).toEqual({ kind: 'behind' });
    expect(searchIndexHint({ ...BEHIND, remaining: 0 }, true)).toEqual({ kind: 'behind' });
  });

  it('rounds the count to two significant figures, and keeps small counts exact', () => {
    expect([7, 99, 100, 149, 950, 1_049, 12_347, 12_550, 298_765, 1_234_567].map(roughly)).toEqual([7, 99, 100, 150, 950, 1_000, 12_000, 13_000, 300_000, 1_200_000]);
  });
});
