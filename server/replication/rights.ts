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
 *   One exception (`outboxStateWrite`): the workstation that sends a reply may push its delivery
 *   state (the message's `outbox` part, nothing else) while its ticket is in a department not the
 *   clerk's — a reply queued before its ticket was routed away still leaves from that
 *   workstation's outbox, and the other department must see that it left.
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
      const outOfScope = `${what} is in ${describeScope(input.stored.scope)}, which is not one of yours`;
      const outbox = outboxStateCheck(actor, collection, input);
      if (outbox === 'allowed') return null;
      // Its owner, writing only its state, from the wrong session: say what would work.
      if (outbox === 'session-without-workstation') {
        return `${outOfScope}; its delivery state is written only from the workstation that sends it, and this session does not say which workstation it is on: sign in again on that workstation`;
      }
      if (outbox === 'other-workstation') return `${outOfScope}; its delivery state is written only from the workstation that sends it, and this session is on another one`;
      return outOfScope;
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
 * What a push to a message out of the pusher's scope is, as the delivery state of a reply
 * (docs/replication-api.md, "A reply's delivery state"):
 * - `not-outbox-state`: not a delivery-state write at all — a message in scope (the ordinary
 *   rules apply), not an outgoing mail (`email_out`) with an outbox part, a deletion, a change to
 *   any field besides `outbox`, another owner (`outbox.workstationId`), or a state that is not
 *   later (`changedAt`: a push only moves the state forward, never back);
 * - `not-the-author`: a clerk's reply (`authorId`) pushed by another user;
 * - `session-without-workstation`: the session does not say which workstation it is on (signed in
 *   before the server asked, an older client; server/auth/tokens.ts);
 * - `other-workstation`: the session is bound to another workstation than the outbox's;
 * - `allowed`: the workstation that sends it (`outbox.workstationId` is the session's), for the
 *   author of a reply, or for an automatic answer (`auto`, no author), which belongs to the
 *   workstation that ingested the mail whoever was signed in on it.
 * The workstation is what owns a send (DESIGN.md, Mail): another workstation of the same clerk, or
 * another clerk, must not mark a reply sent that is still waiting in an outbox elsewhere.
 * A conflict on an allowed row hands the pusher the stored message: their own reply.
 */
export type OutboxStateCheck = 'allowed' | 'not-outbox-state' | 'not-the-author' | 'session-without-workstation' | 'other-workstation';

/** Which {@link OutboxStateCheck} a pushed row is; read inside the push's transaction, against the stored message. */
export function outboxStateCheck(actor: Actor, collection: string, input: PushAuthorizationInput): OutboxStateCheck {
  if (collection !== 'messages' || input.stored === null || canSee(actor, input.stored.scope)) return 'not-outbox-state';
  const stored = input.stored.document as OutgoingMessage;
  const pushed = input.document as OutgoingMessage;
  if (stored.kind !== 'email_out' || pushed._deleted === true || stored._deleted === true) return 'not-outbox-state';
  const before = stored.outbox;
  const after = pushed.outbox;
  if (!isOutbox(before) || !isOutbox(after)) return 'not-outbox-state';
  if (after.workstationId !== before.workstationId || !(after.changedAt > before.changedAt)) return 'not-outbox-state';
  const { outbox: _storedOutbox, ...storedRest } = stored;
  const { outbox: _pushedOutbox, ...pushedRest } = pushed;
  if (!isDeepStrictEqual({ ...storedRest, _deleted: false }, { ...pushedRest, _deleted: false })) return 'not-outbox-state';
  if (typeof stored.authorId === 'string' ? stored.authorId !== actor.userId : stored.auto !== true) return 'not-the-author';
  if (actor.workstationId === undefined) return 'session-without-workstation';
  if (actor.workstationId !== before.workstationId) return 'other-workstation';
  return 'allowed';
}

/** Whether the push is an allowed delivery-state write out of the pusher's scope (see {@link outboxStateCheck}). */
export function outboxStateWrite(actor: Actor, collection: string, input: PushAuthorizationInput): boolean {
  return outboxStateCheck(actor, collection, input) === 'allowed';
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
