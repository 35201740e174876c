// One pause ended twice offline (Ley 39/2015 art. 22.1.a): a clerk takes a ticket out of waiting
// for the citizen on one workstation while the citizen's answer reopens it on another. Each
// resume moved `dueAt` by the time waited up to its own instant (core/routing/pause.ts), so the
// later resume's due date is later. The field merge alone would keep it (the later clock wins),
// but the suspension legally ended at the earlier resume — the citizen had answered by then — and
// the days in between would be given to the council.
//
// The rule: the merge treats the two resumes as if they had happened in order on one
// workstation. There, the later one would have found the ticket no longer waiting: it would have
// moved no due date (core/mail/documents.ts applyMail and renderer/data/ticket-actions.ts only
// move it when the ticket leaves `pending`), and setting the status the ticket already had would
// have been no edit (stampTicketEdit). So before the fields merge, the later resume's own effects
// are taken out of its side: the due date its resume set becomes the earlier side's (when equal)
// or the base's (otherwise; the later resume's due date goes to the history, nothing is lost),
// and a status it set equal to the earlier side's becomes the earlier side's version. Everything
// else either side did — a new pause after the resume, a supervisor's due date after it, another
// change of status — is an edit and merges by the usual rules (ticket-merge.ts).
//
// The ticket stores no pauses, only clocks, so a side's resume is read from them: relative to the
// base (the ticket both started from, still `pending`), a side ended the pause when its status
// clock moved, and the resume is when its due date clock moved, if that is not after its status
// clock (a resume stamps both at once; a later change of status moves only the status clock),
// else when its status clock moved. Without the base nothing says the two sides ended the same
// pause, and the usual rules apply.
//
// What the clocks cannot tell, and what the rule then does (pause-merge.test.ts states each case):
// - a resume that moved no due date, followed by another change of status on the same side, is
//   read at that later change: against a resume in between, the usual rules decide;
// - a due date a clerk set by hand in the very edit that resumed is read as the resume's: on the
//   later side it gives way to the earlier resume's (it stays in the history);
// - a ticket that is itself a merge mixes clocks of both sides: merged again against the same
//   base (a third workstation that ended the same pause), a supervisor's due date set after a
//   resume can be read as a resume, and give way. The workstations still converge (the server
//   orders the pushes); only that due date may differ with the order of the pushes.
import type { Timestamp } from '../schemas/fields';
import type { Ticket, TicketHistoryEntry } from '../schemas/tickets';
import { compareCodeUnits } from './json-value';

type TicketState = Ticket & { _deleted?: boolean };

/** How a side ended the base's pause, read from its clocks. */
export type PauseEnd = {
  /** When the pause ended: the resume's clock. */
  at: Timestamp;
  /** Whether the side's `dueAt` is the one its resume set (not a later edit, not the base's). */
  dueAtByResume: boolean;
  /** Whether the side's `status` is the one its resume set (not changed again after). */
  statusByResume: boolean;
  /** users.id of the clerk who resumed, when a field the resume set still says so; absent for a mail. */
  by?: string;
};

/**
 * How `side` ended the pause `base` was in: undefined when `base` was not waiting for the
 * citizen, or the side did not stamp a change of status since (it is still in that pause, or an
 * old writer that does not stamp changed it, at a time nobody knows).
 */
export function pauseEndSince(side: Ticket, base: Ticket): PauseEnd | undefined {
  if (base.status !== 'pending') return undefined;
  const statusClock = side.fieldClock?.status;
  if (statusClock === undefined || statusClock === base.fieldClock?.status) return undefined;
  const dueClock = side.fieldClock?.dueAt;
  // A resume stamps both fields at once, by one author; a later change of status moves only its own.
  const oneStamp = dueClock === statusClock && (side.fieldBy?.dueAt ?? '') === (side.fieldBy?.status ?? '');
  const dueAtByResume = dueClock !== undefined && dueClock !== base.fieldClock?.dueAt && (dueClock < statusClock || oneStamp);
  const at = dueAtByResume ? dueClock : statusClock;
  const statusByResume = statusClock === at;
  const by = dueAtByResume ? side.fieldBy?.dueAt : statusByResume ? side.fieldBy?.status : undefined;
  return { at, dueAtByResume, statusByResume, ...(by !== undefined && { by }) };
}

/**
 * Which pause end came first: the earlier instant; for two in the same millisecond, the earlier
 * due date (a later resume never gives an earlier one), then the author — what the resume itself
 * wrote, never what came after it, so a merged ticket compares as the resume it kept. Zero when
 * the two resumes cannot be told apart: the same instant, due date and author.
 */
function compareEnds(a: { end: PauseEnd; side: Ticket }, b: { end: PauseEnd; side: Ticket }): number {
  // The greater author first: the field merge's order of equal clocks (ticket-merge.ts compareVersions).
  return Math.sign(a.end.at - b.end.at) || Math.sign(a.side.dueAt - b.side.dueAt) || compareCodeUnits(b.end.by ?? '', a.end.by ?? '');
}

/** A value of a field as the merge sees it: the value, its clock and its author. */
type Version<V> = { value: V; clock: Timestamp | undefined; by: string | undefined };

function versionOf<F extends 'status' | 'dueAt'>(ticket: Ticket, field: F): Version<Ticket[F]> {
  return { value: ticket[field], clock: ticket.fieldClock?.[field], by: ticket.fieldBy?.[field] };
}

/** `ticket` with `field` set to `version`: its value, clock and author. */
function withVersion<T extends TicketState, F extends 'status' | 'dueAt'>(ticket: T, field: F, version: Version<Ticket[F]>): T {
  const next = { ...ticket, [field]: version.value, fieldClock: { ...ticket.fieldClock } };
  if (version.clock === undefined) delete next.fieldClock[field];
  else next.fieldClock[field] = version.clock;
  if (version.by !== undefined) next.fieldBy = { ...ticket.fieldBy, [field]: version.by };
  else if (ticket.fieldBy?.[field] !== undefined) {
    next.fieldBy = { ...ticket.fieldBy };
    delete next.fieldBy[field];
  }
  return next;
}

/**
 * The due date a side's resume left: the one it set; or, when it moved none (the pause took no
 * working time), the one the ticket had, stamped with the resume's instant and author — so that
 * a merged ticket that keeps it still says when the pause ended, and merging it again with the
 * later side gives the same ticket. Undefined when a later edit of the due date hides it.
 */
function resumeDueAt(side: Ticket, end: PauseEnd, base: Ticket): Version<Timestamp> | undefined {
  if (end.dueAtByResume) return versionOf(side, 'dueAt');
  if (side.dueAt !== base.dueAt || side.fieldClock?.dueAt !== base.fieldClock?.dueAt) return undefined;
  return { value: base.dueAt, clock: end.at, by: end.statusByResume ? side.fieldBy?.status : undefined };
}

/** A due date a later resume set, which the merge takes out: for the history (ticket-merge.ts dates it). */
export type DroppedDueDate = Omit<TicketHistoryEntry, 'overwrittenAt'> & { field: 'dueAt' };

/** Two sides to merge, and the due date the rule took out of one of them, if any. */
export type SettledPauseEnds<T> = { a: T; b: T; dropped?: DroppedDueDate };

/**
 * When both `a` and `b` ended the pause `base` was in, gives them back with the later resume's
 * own effects taken out of its side (see the module's comment), and the due date it set when it
 * differs from the earlier side's (for the history: nothing is lost). Otherwise gives them back
 * as they are. Pure; the same whichever side is `a`.
 */
export function settlePauseEnds<T extends TicketState>(a: T, b: T, base: T | undefined): SettledPauseEnds<T> {
  if (base === undefined) return { a, b };
  const [endA, endB] = [pauseEndSince(a, base), pauseEndSince(b, base)];
  if (endA === undefined || endB === undefined) return { a, b };
  const order = compareEnds({ end: endA, side: a }, { end: endB, side: b });
  if (order === 0) return { a, b };
  const [earlier, earlierEnd, later, laterEnd] = order < 0 ? [a, endA, b, endB] : [b, endB, a, endA];

  let settled = later;
  let dropped: DroppedDueDate | undefined;
  if (laterEnd.dueAtByResume) {
    // Hidden by a later edit on the earlier side: the base's, which that edit then beats.
    const kept = resumeDueAt(earlier, earlierEnd, base) ?? versionOf(base, 'dueAt');
    settled = withVersion(settled, 'dueAt', kept);
    if (later.dueAt !== kept.value) {
      const { clock, by } = versionOf(later, 'dueAt');
      dropped = { field: 'dueAt', value: later.dueAt, ...(clock !== undefined && { clock }), ...(by !== undefined && { by }) };
    }
  }
  if (laterEnd.statusByResume && later.status === earlier.status) settled = withVersion(settled, 'status', versionOf(earlier, 'status'));
  const sides = order < 0 ? { a, b: settled } : { a: settled, b };
  return dropped ? { ...sides, dropped } : sides;
}
