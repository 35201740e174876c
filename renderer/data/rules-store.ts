// The rules a supervisor sees and may change, and the writes: saved through RxDB, they replicate to
// the central server like any other edit (and wait in the replica while it is down).
//
// Who may write what is the server's decision (server/replication/rights.ts): a supervisor writes
// the rules of the departments they supervise — before and after the write —, an administrator
// every rule, a clerk none. The screen follows the same rule so that no edit is made that the
// server would refuse later, when the supervisor has gone home.
import type { RxDocument } from 'rxdb';
import { compareRules } from '../../core/routing';
import type { Rule, User } from '../../core/schemas';
import type { WorkstationDatabase } from '../platform/platform';

type Person = Pick<User, 'role' | 'departmentIds'>;

/** Whether `user` may create, change or delete a rule owned by `departmentId` ('' or absent: council-wide). */
export function canWriteRules(user: Person, departmentId: string | undefined): boolean {
  if (user.role === 'admin') return true;
  if (user.role !== 'supervisor') return false;
  return !!departmentId && user.departmentIds.includes(departmentId);
}

/** The departments a new rule can belong to for `user`: theirs, or every one (and council-wide, '') for an administrator. */
export function ruleOwners(user: Person, departmentIds: readonly string[]): string[] {
  if (user.role === 'admin') return ['', ...departmentIds];
  if (user.role !== 'supervisor') return [];
  return departmentIds.filter((id) => user.departmentIds.includes(id));
}

/**
 * The rules the screen lists, in the order routing applies them: the council-wide ones and those
 * of the user's departments (an administrator sees all). Others' department rules are not in a
 * supervisor's replica anyway (the server scopes them); this keeps the list honest in a local office.
 */
export function visibleRules(rules: readonly Rule[], user: Person): Rule[] {
  const shown = user.role === 'admin' ? [...rules] : rules.filter((rule) => !rule.departmentId || user.departmentIds.includes(rule.departmentId));
  return shown.sort(compareRules);
}

/** The order for a new rule: after every rule, in steps of ten, so others can go in between later. */
export function nextOrder(rules: readonly Rule[]): number {
  const last = rules.reduce((max, rule) => Math.max(max, rule.order), 0);
  return Math.min(1_000_000, Math.floor(last / 10) * 10 + 10);
}

export type OrderWrite = { id: string; order: number };

/**
 * The writes that move the rule at `index` of `sorted` (all rules, routing order) one place up
 * (-1) or down (+1), touching only rules `canEdit` allows: a free number between its new
 * neighbours when there is one, else an exchange of numbers with the rule it passes (when that
 * one is editable too). Undefined when it cannot move (first or last, or hemmed in by rules the
 * user may not change).
 */
export function moveRule(sorted: readonly Rule[], index: number, direction: -1 | 1, canEdit: (rule: Rule) => boolean): OrderWrite[] | undefined {
  const rule = sorted[index];
  const passed = sorted[index + direction];
  if (!rule || !passed || !canEdit(rule)) return undefined;
  // The neighbour on the far side of the rule it passes, whose number bounds the new one.
  const beyond = sorted[index + 2 * direction];
  let order: number;
  if (beyond) order = direction === -1 ? Math.floor((beyond.order + passed.order) / 2) : Math.ceil((passed.order + beyond.order) / 2);
  // Past the first or the last rule: ten before or after it, as new rules are numbered.
  else order = direction === -1 ? Math.max(0, passed.order - 10) : Math.min(1_000_000, passed.order + 10);
  // Strictly between the two, so that the id tie-break does not decide.
  const between = direction === -1 ? order < passed.order && (!beyond || order > beyond.order) : order > passed.order && (!beyond || order < beyond.order);
  if (between) return [{ id: rule.id, order }];
  if (canEdit(passed) && passed.order !== rule.order) return [{ id: rule.id, order: passed.order }, { id: passed.id, order: rule.order }];
  return undefined;
}

async function ruleDocument(db: WorkstationDatabase, id: string): Promise<RxDocument<Rule>> {
  const doc = await db.rules.findOne(id).exec();
  if (!doc) throw new Error(`rule ${id} is not in the replica`);
  return doc;
}

/** Creates or replaces a rule (the editor built it whole); `incrementalModify` re-reads the latest revision first (NOTES.md). */
export async function saveRule(db: WorkstationDatabase, rule: Rule): Promise<void> {
  const existing = await db.rules.findOne(rule.id).exec();
  if (existing) await existing.incrementalModify(() => rule);
  else await db.rules.insert(rule);
}

export async function setRuleEnabled(db: WorkstationDatabase, id: string, enabled: boolean, now = Date.now()): Promise<void> {
  const doc = await ruleDocument(db, id);
  await doc.incrementalPatch({ enabled, updatedAt: Math.max(now, doc.updatedAt + 1) });
}

export async function writeOrders(db: WorkstationDatabase, writes: readonly OrderWrite[], now = Date.now()): Promise<void> {
  for (const write of writes) {
    const doc = await ruleDocument(db, write.id);
    await doc.incrementalPatch({ order: write.order, updatedAt: Math.max(now, doc.updatedAt + 1) });
  }
}

/** Deletes a rule: RxDB keeps a tombstone, which replicates, so every workstation drops it too. */
export async function deleteRule(db: WorkstationDatabase, id: string): Promise<void> {
  const doc = await ruleDocument(db, id);
  await doc.incrementalRemove();
}
