// What the inbox's search says while the full-text index trails the replica (after a first
// replica or a long offline spell): results found so far may be incomplete, and about how much is
// left. Nothing while the index has caught up, or while the clerk is not searching.
import type { SearchIndexStatusView } from '../../core/app-api';

/** The hint to show: none, a lag of unknown size, or about `amount` documents left. */
export type SearchIndexHint = { kind: 'none' } | { kind: 'behind' } | { kind: 'behind-count'; amount: number };

/**
 * The count rounded to two significant figures ("unos 12.000", not "12.347"): it goes down by
 * thousands a second while the index catches up, and an exact figure would only flicker.
 */
export function roughly(count: number): number {
  if (count < 100) return count;
  const step = 10 ** (Math.floor(Math.log10(count)) - 1);
  return Math.round(count / step) * step;
}

export function searchIndexHint(status: SearchIndexStatusView | undefined, searching: boolean): SearchIndexHint {
  if (!searching || !status || status.caughtUp) return { kind: 'none' };
  // 0 left: the last batch is in, the index is saying so; no figure rather than "0 left".
  if (status.remaining === undefined || status.remaining <= 0) return { kind: 'behind' };
  return { kind: 'behind-count', amount: roughly(status.remaining) };
}
