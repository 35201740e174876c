/**
 * Which department each stored document belongs to (its scope), by collection.
 *
 * - tickets: their `departmentId` ('' = the general intake queue);
 * - messages: the scope of their ticket ({@link SCOPE_PARENTS}), looked up by the store inside
 *   the push, and changed by the store whenever the ticket's scope changes;
 * - every other collection (departments, users, calendars, citizens, templates, rules, and
 *   collections the store does not know, such as RxDB's test suite's): everyone.
 *
 * Rules and templates are everyone's to read although supervisors write them per department:
 * routing is a pure function that every workstation runs alike (a mail ingested at Registro must
 * be routed by Urbanismo's rules and acknowledged with Urbanismo's template), and neither holds
 * citizen data. Who may write them is server/replication/rights.ts's business, by `departmentId`.
 */
import { EVERYONE, type ReplicatedDocument, type Scope, type ScopeOf } from './types';

/** A collection whose documents take their scope from a document of another collection. */
export type ScopeParent = {
  /** The collection of the parent document. */
  parent: string;
  /** The field of the child's body that holds the parent's id. */
  field: string;
  /** Scope of a child whose parent is not stored yet; fixed when the parent arrives. */
  orphanScope: Scope;
};

/**
 * Messages follow their ticket. A message can arrive before its ticket (the two collections
 * replicate independently): it then waits in the intake scope '' — seen by whoever serves the
 * intake queue, which is where a ticket without department lands anyway — and moves with the
 * ticket's scope when the ticket is pushed.
 */
export const SCOPE_PARENTS: Readonly<Record<string, ScopeParent>> = {
  messages: { parent: 'tickets', field: 'ticketId', orphanScope: '' },
};

/** The collections whose documents' scope decides their children's: parent → child collections. */
export const SCOPE_CHILDREN: Readonly<Record<string, readonly string[]>> = Object.entries(SCOPE_PARENTS).reduce<
  Record<string, string[]>
>((children, [child, { parent }]) => {
  (children[parent] ??= []).push(child);
  return children;
}, {});

const departmentOr =
  (fallback: string): ScopeOf =>
  (document) =>
    typeof document.departmentId === 'string' ? document.departmentId : fallback;

const DEFAULT_SCOPES: Readonly<Record<string, ScopeOf>> = {
  tickets: departmentOr(''),
};

/** The default scope of a document of `collection` that has no scope parent. */
export function defaultScopeOf(collection: string): ScopeOf {
  return DEFAULT_SCOPES[collection] ?? (() => EVERYONE);
}

/** The parent id a child document names, or null (not a child collection, or no such field). */
export function parentIdOf(collection: string, document: ReplicatedDocument): string | null {
  const relation = SCOPE_PARENTS[collection];
  if (!relation) return null;
  const value = document[relation.field];
  return typeof value === 'string' ? value : null;
}
