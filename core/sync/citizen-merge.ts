// The conflict resolution of citizens: two clerks changed the same citizen's card offline (one
// added a phone at the counter, the other corrected the address on a call), the server refused
// the second push as a conflict, and the workstation merges its own state with the server's
// before pushing again. Citizens have no per-field clocks (tickets do, ticket-merge.ts), but RxDB
// hands the resolver the state both sides started from (`assumedMasterState`): a three-way merge.
//
// Fields merge in groups that must stay consistent with each other: the name with its folded
// lookup key, the identity document's type with its number. Per group:
// - changed on one side only: that side's value;
// - changed on both, to the same value: that value;
// - changed on both, differently: the later edit (`updatedAt`; on a tie, the server's).
// Lists of e-mails and phones merge as sets: what either side added is kept, what either side
// removed is removed, the server's order first (the first one is the one the council uses).
// Without the common base (a first push that meets a stored citizen of the same id) the later
// state wins whole, the server's on a tie.
//
// A deletion wins over an unchanged state, and loses to an edit: a citizen deleted on one side
// while the other corrected their card stays, corrected (nothing a clerk typed is lost).
import type { WithDeleted } from 'rxdb';
import type { Citizen } from '../schemas/citizens';
import { sameJson } from './json-value';

type CitizenState = WithDeleted<Citizen>;

/** Fields that change together, so a merge never pairs one side's name with the other's key. */
const GROUPS: readonly (readonly (keyof Citizen)[])[] = [['name', 'nameKey'], ['documentType', 'documentNumber'], ['address'], ['preferredLanguage']];
const LISTS = ['emails', 'phones'] as const;
/** The schema's maxItems of both lists. */
const LIST_MAX = 32;

function pick(state: CitizenState, fields: readonly (keyof Citizen)[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field, state[field]]));
}

/** Whether `side` changed any field of the citizen (not counting `updatedAt`) since `base`. */
function changedSince(side: CitizenState, base: CitizenState): boolean {
  return [...GROUPS.flat(), ...LISTS].some((field) => !sameJson(side[field], base[field]));
}

/** Three-way merge of a set kept as a list: the server's order, then what mine added. */
function mergeList(mine: readonly string[], master: readonly string[], base: readonly string[]): string[] {
  const removedByMine = new Set(base.filter((item) => !mine.includes(item)));
  const merged = master.filter((item) => !removedByMine.has(item));
  for (const item of mine) if (!base.includes(item) && !merged.includes(item)) merged.push(item);
  return merged.slice(0, LIST_MAX);
}

/**
 * Merges the workstation's state (`mine`) with the server's (`master`), given the state both
 * started from (`base`, RxDB's assumed master state). Pure and deterministic.
 */
export function mergeCitizens(mine: CitizenState, master: CitizenState, base?: CitizenState): CitizenState {
  const mineIsLater = mine.updatedAt > master.updatedAt;
  if (!base) return mineIsLater ? mine : master;
  if (mine._deleted || master._deleted) {
    const deleted = mine._deleted ? mine : master;
    const other = mine._deleted ? master : mine;
    if (mine._deleted && master._deleted) return master;
    return changedSince(other, base) ? other : deleted;
  }
  const merged: CitizenState = { ...master };
  const record = merged as unknown as Record<string, unknown>;
  for (const fields of GROUPS) {
    const ours = pick(mine, fields);
    const theirs = pick(master, fields);
    const start = pick(base, fields);
    const oursChanged = !sameJson(ours, start);
    const theirsChanged = !sameJson(theirs, start);
    if (!oursChanged || (theirsChanged && !mineIsLater)) continue;
    for (const field of fields) {
      if (ours[field] === undefined) delete record[field];
      else record[field] = ours[field];
    }
  }
  for (const field of LISTS) merged[field] = mergeList(mine[field], master[field], base[field]);
  merged.updatedAt = Math.max(mine.updatedAt, master.updatedAt);
  return merged;
}
