// Re-applying the rules to the active tickets of a department, on a supervisor's request: core's
// `reapplyRules` says what would change; each change is written as that supervisor's edit through
// `stampTicketEdit` (so it merges field by field with what clerks do meanwhile), with `routedBy`
// naming the rule that moved the ticket. Tickets a person put in a department stay there
// (`keepManualDepartments`), and no automatic answer or assignment is repeated.
//
// `reapplyRules` is synchronous; the screen must keep painting "n de m" and hear the stop button,
// so the tickets go through it in slices, yielding to the browser between them.
import { reapplyRules, type CompiledRules, type RouteChange } from '../../core/routing';
import { stampTicketEdit, type TicketEdit } from '../../core/sync/ticket-merge';
import type { WorkstationDatabase } from '../platform/platform';
import { activeTicketsOf, citizensOf, firstMessages, routingTicketOf } from './rules-tickets';

/** Tickets per slice: small enough that a slice and its writes take a few frames. */
export const REAPPLY_SLICE = 50;

export type ReapplyPhase = 'reading' | 'applying';
export type ReapplyRunProgress = { phase: ReapplyPhase; done: number; total: number; changed: number };
export type ReapplyRunResult = { examined: number; total: number; changed: number; stopped: boolean; failed: { ticketId: string; message: string }[] };

export type ReapplyRunOptions = {
  /** users.id of the supervisor: the author of every edit. */
  by: string;
  now?: () => number;
  onProgress?: (progress: ReapplyRunProgress) => void;
  shouldStop?: () => boolean;
};

/** The ticket fields a change writes; tags are the ticket's own plus the new ones. */
export function editOf(change: RouteChange, tags: readonly string[]): TicketEdit {
  const edit: TicketEdit = {};
  if (change.department) {
    edit.departmentId = change.department.to;
    if (change.department.rule) edit.routedBy = change.department.rule.ruleId;
  }
  if (change.priority) edit.priority = change.priority.to;
  if (change.category) edit.category = change.category.to;
  if (change.addTags) edit.tags = [...tags, ...change.addTags.filter((tag) => !tags.includes(tag))];
  return edit;
}

const yieldToScreen = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function reapplyToDepartment(db: WorkstationDatabase, compiled: CompiledRules, departmentId: string, options: ReapplyRunOptions): Promise<ReapplyRunResult> {
  const now = options.now ?? Date.now;
  const stop = options.shouldStop ?? (() => false);
  const tickets = await activeTicketsOf(db, departmentId);
  const total = tickets.length;
  const result: ReapplyRunResult = { examined: 0, total, changed: 0, stopped: false, failed: [] };
  options.onProgress?.({ phase: 'reading', done: 0, total, changed: 0 });
  for (let start = 0; start < total; start += REAPPLY_SLICE) {
    if (stop()) {
      result.stopped = true;
      break;
    }
    const slice = tickets.slice(start, start + REAPPLY_SLICE);
    const [first, citizens] = await Promise.all([firstMessages(db, slice.map((ticket) => ticket.id)), citizensOf(db, slice)]);
    const { changes } = reapplyRules(compiled, slice.map((ticket) => routingTicketOf(ticket, first.get(ticket.id), citizens.get(ticket.citizenId))), { keepManualDepartments: true });
    for (const change of changes) {
      const doc = await db.tickets.findOne(change.ticketId).exec();
      if (!doc) continue;
      try {
        await doc.incrementalModify((data) => stampTicketEdit(data, editOf(change, data.tags), now(), options.by));
        result.changed++;
      } catch (error) {
        // One ticket that cannot be written (the replica closed under us) does not lose the others' changes.
        result.failed.push({ ticketId: change.ticketId, message: error instanceof Error ? error.message : String(error) });
      }
    }
    result.examined += slice.length;
    options.onProgress?.({ phase: 'applying', done: result.examined, total, changed: result.changed });
    await yieldToScreen();
  }
  return result;
}
