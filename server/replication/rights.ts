/**
 * Who may see and write what (DESIGN.md, Security; issue 3). Pure functions of the actor (from
 * their access token) and, for writes, of the stored document as the database sees it inside the
 * push's transaction, under the collection's lock (server/db `authorize`).
 *
 * Reading (pull, stream), by scope (server/db/scope-policy.ts):
 * - admin: everything;
 * - clerk, supervisor: documents of their departments, of the intake queue (''), and those
 *   everyone sees ('*': departments, users, calendars, citizens, templates and rules — routing
 *   runs alike on every workstation, so every rule and template reaches every one).
 *
 * Writing (push). A row that writes nothing (its stored body already equals the pushed one) is
 * always allowed. Otherwise:
 * - tickets, messages: a clerk or supervisor may create one in any department — mail ingestion
 *   and routing rules create tickets straight into a department, and a clerk who routes a new case
 *   offline pushes it already routed: refusing that would lose a citizen's case. They may change
 *   (or conflict with) one only while it is in their scope — then they may also move it anywhere
 *   (routing): a ticket leaves a clerk's departments only if it was theirs before.
 *   One exception (`outboxStateWrite`): the owner of a reply may push its delivery state (the
 *   message's `outbox` part, nothing else) while its ticket is in a department not theirs — a
 *   reply queued before its ticket was routed away still leaves from its workstation's outbox,
 *   and the other department must see that it left.
 * - citizens: every signed-in user (every clerk serves every citizen).
 * - templates, rules: supervisors, for their own departments (`departmentId`, before and after
 *   the write); council-wide ones (no department) and everything else: administrators.
 * - departments, users, calendars: administrators only.
 * - extra collections (tests): every signed-in user.
 */
import { isDeepStrictEqual } from 'node:util';
import { decidePushRow, type DocumentState, type PushRow } from '../../core/sync/replication-protocol';
import { EVERYONE, type PushAuthorizationInput, type Pusher, type Scope } from '../db/index';
import type { Actor } from '../auth/tokens';

/** The department scopes a user pulls, as server/db's `pull` takes them. */
export function readScopes(actor: Actor): readonly Scope[] | 'all' {
  if (actor.role === 'admin') return 'all';
  return [...new Set([...actor.departmentIds, ''])];
}

/** Whether a user sees documents of `scope`. */
export function canSee(actor: Actor, scope: Scope): boolean {
  if (actor.role === 'admin' || scope === EVERYONE) return true;
  return scope === '' || actor.departmentIds.includes(scope);
}

/**
 * The pusher's view for server/db's `push`: a document they create where they cannot see it gets
 * an exit from one of their scopes, so it leaves their replica (see `Pusher`). The exit goes to
 * their first department — its other clerks get a (trimmed) tombstone of a document they never
 * had, which their replica keeps as a deleted row until RxDB's cleanup — or to the intake queue
 * when they serve no department.
 * Administrators see everything: undefined.
 */
export function pusherOf(actor: Actor): Pusher | undefined {
  if (actor.role === 'admin') return undefined;
  return { sees: (scope) => canSee(actor, scope), exitScope: [...actor.departmentIds].sort()[0] ?? '' };
}

const ADMIN_ONLY = new Set(['departments', 'users', 'calendars']);
const SUPERVISED = new Set(['templates', 'rules']);
const CASEWORK = new Set(['tickets', 'messages']);

/**
 * Whether the user may push to the collection at all, before any document is read: null when
 * they may, else the reason. Keeps a clerk's push to `users` from ever reaching the database.
 */
export function collectionWriteRefusal(actor: Actor, collection: string): string | null {
  if (actor.role === 'admin') return null;
  if (ADMIN_ONLY.has(collection)) return `only administrators write ${collection}`;
  if (SUPERVISED.has(collection) && actor.role !== 'supervisor') return `only supervisors and administrators write ${collection}`;
  return null;
}

/**
 * The rights check of one row, inside the push's transaction: null when allowed, else why not.
 * `row` is the pushed row itself (for its assumed master state).
 */
export function rowWriteRefusal(actor: Actor, collection: string, input: PushAuthorizationInput, row: PushRow): string | null {
  if (actor.role === 'admin') return null;
  const decision = decidePushRow(input.stored?.document, { assumedMasterState: row.assumedMasterState, newDocumentState: input.document as DocumentState });
  // Writes nothing and tells nothing the pusher does not hold already.
  if (decision === 'unchanged') return null;
  const refusal = collectionWriteRefusal(actor, collection);
  if (refusal) return refusal;
  const what = `${singular(collection)} ${JSON.stringify(input.id)}`;
  if (CASEWORK.has(collection)) {
    if (input.stored === null) return null;
    if (!canSee(actor, input.stored.scope)) {
      if (outboxStateWrite(actor, collection, input)) return null;
      return `${what} is in ${describeScope(input.stored.scope)}, which is not one of yours`;
    }
    return null;
  }
  if (SUPERVISED.has(collection)) {
    // Everyone reads them (server/db/scope-policy.ts); their department says who writes them.
    const own = (department: Scope) => department !== EVERYONE && department !== '' && actor.departmentIds.includes(department);
    const before = input.stored === null ? null : departmentOf(input.stored.document);
    if (before !== null && !own(before)) return `${what} belongs to ${describeScope(before)}, which you do not supervise`;
    const after = departmentOf(input.document);
    if (!own(after)) return `${what} would belong to ${describeScope(after)}, which you do not supervise`;
    return null;
  }
  return null;
}

/**
 * Whether a push to a message out of the pusher's scope is the delivery state of their own reply,
 * which they may write anyway (docs/replication-api.md, "A reply's delivery state"):
 * - the stored message is an outgoing mail (`email_out`) with an outbox part, and the pushed one
 *   equals it in every field but `outbox` (nor is it a deletion);
 * - the outbox keeps its owner (`workstationId`) and the state is a later one (`changedAt`), so a
 *   push can only move the state forward, never back;
 * - the pusher owns it: a clerk's reply is its author's (`authorId`); an automatic answer
 *   (`auto`, no author) belongs to whichever workstation ingested the mail, and the server cannot
 *   tell workstations apart (an access token names a user, not a workstation), so any signed-in
 *   user may write the state of one — every such write is in the audit log with who made it.
 * A conflict on such a row hands the pusher the stored message: their own reply.
 */
export function outboxStateWrite(actor: Actor, collection: string, input: PushAuthorizationInput): boolean {
  if (collection !== 'messages' || input.stored === null || canSee(actor, input.stored.scope)) return false;
  const stored = input.stored.document as OutgoingMessage;
  const pushed = input.document as OutgoingMessage;
  if (stored.kind !== 'email_out' || pushed._deleted === true || stored._deleted === true) return false;
  const before = stored.outbox;
  const after = pushed.outbox;
  if (!isOutbox(before) || !isOutbox(after)) return false;
  if (after.workstationId !== before.workstationId || !(after.changedAt > before.changedAt)) return false;
  const { outbox: _storedOutbox, ...storedRest } = stored;
  const { outbox: _pushedOutbox, ...pushedRest } = pushed;
  if (!isDeepStrictEqual({ ...storedRest, _deleted: false }, { ...pushedRest, _deleted: false })) return false;
  if (typeof stored.authorId === 'string') return stored.authorId === actor.userId;
  return stored.auto === true;
}

type OutgoingMessage = DocumentState & { kind?: unknown; authorId?: unknown; auto?: unknown; outbox?: unknown };

function isOutbox(value: unknown): value is { workstationId: string; changedAt: number } {
  const outbox = value as { workstationId?: unknown; changedAt?: unknown } | undefined;
  return typeof outbox === 'object' && outbox !== null && typeof outbox.workstationId === 'string' && typeof outbox.changedAt === 'number';
}

/** The department a template or rule belongs to; the whole council when it names none. */
function departmentOf(document: object): Scope {
  const { departmentId } = document as { departmentId?: unknown };
  return typeof departmentId === 'string' && departmentId !== '' ? departmentId : EVERYONE;
}

function describeScope(scope: Scope): string {
  if (scope === EVERYONE) return 'the whole council';
  if (scope === '') return 'the intake queue';
  return `department ${JSON.stringify(scope)}`;
}

function singular(collection: string): string {
  return collection.endsWith('s') ? collection.slice(0, -1) : collection;
}
