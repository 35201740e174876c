// The conflict resolution of tickets: two clerks changed the same ticket offline, the server
// refused the second push as a conflict, and the workstation merges its own state with the
// server's before pushing again (https://rxdb.info/transactions-conflicts-revisions.html).
// Conflicts lose nothing (DESIGN.md, Sync): edits to different fields both survive; when both
// changed the same field the later edit wins and the other value goes to the ticket's history.
//
// The merge is pure and deterministic: the same two states give the same ticket on every
// workstation, whichever side is "mine" — merge(a, b) equals merge(b, a) — and merging a state
// that is already merged in changes nothing. Without the common base it is a join: each field
// is the greatest of both by (clock, value, author), so any order of merges gives the same
// ticket — only the history may say which value overwrote which differently.
import type { WithDeleted } from 'rxdb';
import type { Timestamp } from '../schemas/fields';
import {
  TICKET_CLOCKED_FIELDS,
  TICKET_HISTORY_MAX,
  ticketSchema,
  type Ticket,
  type TicketClockedField,
  type TicketFieldValue,
  type TicketHistoryEntry,
} from '../schemas/tickets';
import { canonicalJson, compareCodeUnits, sameJson } from './json-value';
import { settlePauseEnds } from './pause-merge';

/** A ticket as the replication sees it, with or without RxDB's `_deleted` flag. */
type TicketState = Ticket & { _deleted?: boolean };

/** One side's version of a field: its value, when it was set and by whom. */
type FieldVersion = {
  value: unknown;
  /** canonicalJson(value): '' when the field is absent. */
  key: string;
  clock: Timestamp | undefined;
  by: string | undefined;
};

function versionOf(ticket: TicketState, field: TicketClockedField): FieldVersion {
  const value = ticket[field];
  return { value, key: canonicalJson(value), clock: ticket.fieldClock?.[field], by: ticket.fieldBy?.[field] };
}

/** A missing clock is older than every stamped edit: an explicit edit beats a value never stamped. */
function compareClocks(a: Timestamp | undefined, b: Timestamp | undefined): number {
  return Math.sign((a ?? -1) - (b ?? -1));
}

/** Total order of versions: later clock; on a tie, the greater value's JSON; then the greater author. */
function compareVersions(a: FieldVersion, b: FieldVersion): number {
  return compareClocks(a.clock, b.clock) || compareCodeUnits(a.key, b.key) || compareCodeUnits(a.by ?? '', b.by ?? '');
}

function later(a: FieldVersion, b: FieldVersion): FieldVersion {
  return compareVersions(a, b) >= 0 ? a : b;
}

type FieldOutcome = { version: FieldVersion; lost?: FieldVersion };

/**
 * Whether a side changed a field since the base: another value, or the same value set again (a
 * new clock: set to something else and back, the clerk's last word). A writer that does not
 * stamp still changes the value, so its edits are seen too.
 */
function changedSince(side: FieldVersion, base: FieldVersion): boolean {
  return side.key !== base.key || side.clock !== base.clock;
}

/**
 * One clocked field. Equal values: nothing to decide (the later clock and its author stay).
 * Different values: when the base is known and only one side changed the field since, that side
 * wins — it is an edit, not a conflict, even if a clock is wrong. Otherwise (both changed, or no
 * base) the later clock wins, and a tie is broken by the JSON of the values, so that every
 * workstation picks the same; the loser goes to the history.
 */
function mergeField(a: FieldVersion, b: FieldVersion, base: FieldVersion | undefined): FieldOutcome {
  if (a.key === b.key) return { version: later(a, b) };
  const aChanged = base === undefined || changedSince(a, base);
  const bChanged = base === undefined || changedSince(b, base);
  if (aChanged !== bChanged) return { version: aChanged ? a : b };
  const winner = later(a, b);
  return { version: winner, lost: winner === a ? b : a };
}

/**
 * The tags, as sets. When the base is known and only one side changed them since (another set,
 * or a new clock), that side's list stays as it is. When both changed it, a tag added on either side stays and a tag
 * removed on either side goes (a three-way merge of sets); without the base, both sides' tags
 * are kept (the union: a tag removed on one side comes back, which is better than losing one).
 * A merged set is sorted: the one order that does not depend on which side, or which merge,
 * came first. No added tag is ever lost, so tags never go to the history. The clock is the
 * later of both.
 */
function mergeTags(a: FieldVersion, b: FieldVersion, base: FieldVersion | undefined): FieldOutcome {
  if (a.key === b.key) return { version: later(a, b) };
  const aTags = new Set(tagsOf(a.value));
  const bTags = new Set(tagsOf(b.value));
  const baseTags = base === undefined ? undefined : new Set(tagsOf(base.value));
  if (base !== undefined && baseTags !== undefined) {
    const aChanged = !sameSet(aTags, baseTags) || a.clock !== base.clock;
    const bChanged = !sameSet(bTags, baseTags) || b.clock !== base.clock;
    if (aChanged !== bChanged) return { version: aChanged ? a : b };
  }
  const merged = new Set<string>();
  for (const tag of [...aTags, ...bTags]) {
    if (baseTags === undefined || !baseTags.has(tag) || (aTags.has(tag) && bTags.has(tag))) merged.add(tag);
  }
  // The later clock, and its author; on a tie the greater author, never the greater tags: the
  // merged list is neither side's, and this order must be the one equal lists are merged by.
  const latest = (compareClocks(a.clock, b.clock) || compareCodeUnits(a.by ?? '', b.by ?? '')) >= 0 ? a : b;
  const value = [...merged].sort(compareCodeUnits);
  return { version: { value, key: canonicalJson(value), clock: latest.clock, by: latest.by } };
}

function tagsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === 'string') : [];
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}

/**
 * The fields set once, when the ticket is opened. They differ only when two workstations opened
 * the same ticket offline (the same mail, the same id): the first opened wins as a whole
 * (earliest `createdAt`, then the smaller reference, then the channel).
 */
function compareOpenings(a: TicketState, b: TicketState): number {
  return Math.sign(a.createdAt - b.createdAt) || compareCodeUnits(a.reference, b.reference) || compareCodeUnits(a.channel, b.channel);
}

function historyEntry(field: TicketHistoryEntry['field'], lost: FieldVersion, overwrittenAt: Timestamp): TicketHistoryEntry {
  // Always the same keys in the same order, optional ones left out rather than undefined.
  return {
    field,
    ...(lost.value !== undefined && { value: lost.value as TicketFieldValue }),
    ...(lost.clock !== undefined && { clock: lost.clock }),
    ...(lost.by !== undefined && { by: lost.by }),
    overwrittenAt,
  };
}

/**
 * The history in its one canonical form: no entry twice, oldest overwrite first (ties in the
 * order of the entries' JSON), at most {@link TICKET_HISTORY_MAX} — the newest.
 */
function canonicalHistory(entries: readonly TicketHistoryEntry[]): TicketHistoryEntry[] {
  const unique = new Map<string, TicketHistoryEntry>();
  for (const entry of entries) {
    // The values are strings, numbers and lists of strings: plain JSON.stringify is canonical
    // for them (and much cheaper than canonicalJson over fifty entries); null stands for absent.
    const key = JSON.stringify([entry.field, entry.value ?? null, entry.clock ?? null, entry.by ?? null, entry.overwrittenAt]);
    if (!unique.has(key)) unique.set(key, historyEntry(entry.field, { value: entry.value, key: '', clock: entry.clock, by: entry.by }, entry.overwrittenAt));
  }
  return [...unique]
    .sort(([aKey, a], [bKey, b]) => a.overwrittenAt - b.overwrittenAt || compareCodeUnits(aKey, bKey))
    .slice(-TICKET_HISTORY_MAX)
    .map(([, entry]) => entry);
}

/**
 * Merges two states of one ticket — the workstation's new state and the server's real master
 * state, in either order — into the state both should hold. `base` is the state the workstation
 * last received from the server (RxDB's assumed master state), when it has one: it tells an edit
 * from an old value, which makes the merge right even when a clerk's PC clock is wrong.
 *
 * - Clocked fields (TICKET_CLOCKED_FIELDS), one by one, by `fieldClock` (see mergeField);
 *   `fieldClock`/`fieldBy` follow the value that stays.
 * - Tags: as sets (see mergeTags).
 * - `updatedAt`, `lastActivityAt`: the later of both.
 * - `reference`, `channel`, `createdAt`: from the first opening (see compareOpenings); a
 *   reference that does not stay goes to the history (a citizen may have been told it).
 * - `history`: both histories and the new losers, in canonical form (see canonicalHistory).
 * - `_deleted`: deleted if either side is; the merged fields are kept in the tombstone.
 * - A pause both sides ended (the base waited for the citizen, both changed its status): the
 *   earlier resume stands, whatever the clocks say (Ley 39/2015 art. 22.1.a; pause-merge.ts) —
 *   the later resume's due date goes to the history, a status it set equal to the earlier one's
 *   keeps the earlier clock, and whatever either side did after its resume merges as above.
 *
 * Throws if the two states are not of the same ticket.
 */
export function mergeTickets(mine: WithDeleted<Ticket>, theirs: WithDeleted<Ticket>, base?: WithDeleted<Ticket>): WithDeleted<Ticket>;
export function mergeTickets(mine: Ticket, theirs: Ticket, base?: Ticket): Ticket;
export function mergeTickets(mine: TicketState, theirs: TicketState, base?: TicketState): TicketState {
  if (mine.id !== theirs.id) throw new Error(`Cannot merge two different tickets: ${JSON.stringify(mine.id)} and ${JSON.stringify(theirs.id)}`);
  // The later of two resumes of one pause is taken out first: the fields then merge as usual.
  const { a, b, dropped } = settlePauseEnds(mine, theirs, base);
  const updatedAt = Math.max(a.updatedAt, b.updatedAt);
  const losses: TicketHistoryEntry[] = [];

  const [opened, other] = compareOpenings(a, b) <= 0 ? [a, b] : [b, a];
  if (other.reference !== opened.reference) {
    losses.push(historyEntry('reference', { value: other.reference, key: '', clock: other.createdAt, by: undefined }, updatedAt));
  }

  const fields: Partial<Record<TicketClockedField, unknown>> = {};
  const fieldClock: Partial<Record<TicketClockedField, Timestamp>> = {};
  const fieldBy: Partial<Record<TicketClockedField, string>> = {};
  for (const field of TICKET_CLOCKED_FIELDS) {
    const merge = field === 'tags' ? mergeTags : mergeField;
    const outcome = merge(versionOf(a, field), versionOf(b, field), base && versionOf(base, field));
    const { value, clock, by } = outcome.version;
    if (value !== undefined) fields[field] = value;
    if (clock !== undefined) fieldClock[field] = clock;
    if (by !== undefined) fieldBy[field] = by;
    if (outcome.lost) losses.push(historyEntry(field, outcome.lost, clock ?? updatedAt));
  }
  // Dated like any value that lost: by the clock of the due date that stays (when another does).
  if (dropped && dropped.value !== fields.dueAt) losses.push(historyEntry('dueAt', { value: dropped.value, key: '', clock: dropped.clock, by: dropped.by }, fieldClock.dueAt ?? updatedAt));

  const merged: TicketState = {
    id: a.id,
    reference: opened.reference,
    channel: opened.channel,
    createdAt: opened.createdAt,
    updatedAt,
    lastActivityAt: Math.max(a.lastActivityAt, b.lastActivityAt),
    ...(fields as Pick<Ticket, TicketClockedField>),
  };
  // An empty map or list stays when a side had one, so that merging a state with itself gives it back.
  if (a.fieldClock !== undefined || b.fieldClock !== undefined) merged.fieldClock = fieldClock;
  if (a.fieldBy !== undefined || b.fieldBy !== undefined) merged.fieldBy = fieldBy;
  const history = canonicalHistory([...(a.history ?? []), ...(b.history ?? []), ...losses]);
  if (history.length > 0 || a.history !== undefined || b.history !== undefined) merged.history = history;
  if (a._deleted !== undefined || b._deleted !== undefined) merged._deleted = a._deleted === true || b._deleted === true;
  return merged;
}

/** What a clerk (or a rule) can change on a ticket: the clocked fields. */
export type TicketEdit = { [F in TicketClockedField]?: Ticket[F] };

const REQUIRED_FIELDS: ReadonlySet<string> = new Set(ticketSchema.required as readonly string[]);
const CLOCKED_FIELDS: ReadonlySet<string> = new Set(TICKET_CLOCKED_FIELDS);

/**
 * Applies an edit to a ticket and stamps the clock (and author, `by`, a users.id) of every field
 * it changes, for the merge. The screens write every change of a ticket through this (with
 * RxDB's `incrementalModify`); a value set to `undefined` removes an optional field.
 *
 * - A field whose value does not change is not stamped: setting the status a ticket already has
 *   is no edit, and must not beat a real edit made elsewhere.
 * - A field's clock never goes back: it becomes `now`, or one millisecond after the clock it
 *   replaces if that is later (another PC's clock ahead of ours), so an edit always beats the
 *   value it was made over.
 * - `updatedAt` becomes the latest clock; `lastActivityAt` too when the status changes.
 * - Without `by`, the changed fields' authors are cleared, never left to the previous author.
 *
 * Returns the ticket itself, unchanged, when nothing changes; a new object otherwise.
 */
export function stampTicketEdit<T extends Ticket>(ticket: T, changes: TicketEdit, now: Timestamp, by?: string): T {
  if (!Number.isSafeInteger(now) || now < 0) throw new RangeError(`now must be a time in whole milliseconds, got ${now}`);
  const next: Record<string, unknown> = { ...ticket };
  const fieldClock: Partial<Record<TicketClockedField, Timestamp>> = { ...ticket.fieldClock };
  const fieldBy: Partial<Record<TicketClockedField, string>> = { ...ticket.fieldBy };
  let latest: Timestamp | undefined;
  let statusChanged = false;
  for (const [name, value] of Object.entries(changes)) {
    if (!CLOCKED_FIELDS.has(name)) throw new TypeError(`${name} is not a field an edit may change: use one of ${TICKET_CLOCKED_FIELDS.join(', ')}`);
    const field = name as TicketClockedField;
    if (sameJson(ticket[field], value)) continue;
    if (value === undefined) {
      if (REQUIRED_FIELDS.has(field)) throw new TypeError(`${field} is required and cannot be removed`);
      delete next[field];
    } else {
      next[field] = Array.isArray(value) ? [...value] : value;
    }
    const clock = Math.max(now, (fieldClock[field] ?? -1) + 1);
    fieldClock[field] = clock;
    if (by === undefined) delete fieldBy[field];
    else fieldBy[field] = by;
    latest = Math.max(latest ?? clock, clock);
    statusChanged ||= field === 'status';
  }
  if (latest === undefined) return ticket;
  next.fieldClock = fieldClock;
  if (ticket.fieldBy !== undefined || Object.keys(fieldBy).length > 0) next.fieldBy = fieldBy;
  next.updatedAt = Math.max(ticket.updatedAt, latest);
  if (statusChanged) next.lastActivityAt = Math.max(ticket.lastActivityAt, latest);
  return next as T;
}
