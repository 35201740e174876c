/**
 * What a supervisor sees while editing: which recent tickets a rule would match ("23 of the last
 * 500"), and what re-applying the whole rule set to existing tickets would change — in batches
 * with progress, so a screen can show it and stop it.
 */
import { INTAKE_DEPARTMENT_ID, type Rule, type TicketPriority } from '../schemas';
import { compileRule, TicketView, type CompiledRules, type RoutingContext, type RoutingTicket, type RuleProblem, type RuleRef } from './rule-compiler';
import { routeTicket } from './rule-engine';

export type RulePreview =
  | { ok: true; matchedTicketIds: string[]; matched: number; examined: number }
  | { ok: false; problem: RuleProblem };

/**
 * The tickets one rule's conditions match, on its own (earlier rules and `stop` are not
 * applied), whether or not it is enabled. A rule that cannot compile gives its problem.
 */
export function previewRule(rule: Rule, tickets: readonly RoutingTicket[], context: RoutingContext): RulePreview {
  let compiled;
  try {
    compiled = compileRule(rule, context);
  } catch (error) {
    return { ok: false, problem: { ruleId: rule.id, ruleName: rule.name, message: (error as Error).message } };
  }
  const matchedTicketIds: string[] = [];
  for (const ticket of tickets) {
    if (compiled.matches(new TicketView(ticket), { priority: ticket.priority })) matchedTicketIds.push(ticket.id);
  }
  return { ok: true, matchedTicketIds, matched: matchedTicketIds.length, examined: tickets.length };
}

/** A ticket as it stands, for re-applying rules to it. */
export type RoutedTicket = RoutingTicket & {
  departmentId: string;
  tags: readonly string[];
  category?: string;
  /** rules.id of the rule that routed it; absent when a person did (or nobody). */
  routedBy?: string;
};

/** What re-applying the rules would change on one ticket; only fields that change are present. */
export type RouteChange = {
  ticketId: string;
  department?: { from: string; to: string; rule?: RuleRef };
  priority?: { from: TicketPriority; to: TicketPriority; rule?: RuleRef };
  category?: { from?: string; to: string; rule?: RuleRef };
  addTags?: string[];
};

export type ReapplyProgress = { done: number; total?: number };

export type ReapplyOptions = {
  /** Called every `progressEvery` tickets and once at the end. */
  onProgress?: (progress: ReapplyProgress) => void;
  /** 1000 unless given. */
  progressEvery?: number;
  /** Checked at each progress point; true stops early (the result says so). */
  shouldStop?: () => boolean;
  /**
   * true (the default): a ticket a person put in a department (`routedBy` absent, department
   * set) keeps it — re-applying rules never undoes a clerk's decision.
   */
  keepManualDepartments?: boolean;
};

export type ReapplyResult = { changes: RouteChange[]; examined: number; stopped: boolean };

/**
 * Re-applies the rule set to existing tickets and lists what would change; it changes nothing
 * itself (the caller writes the changes it accepts; `department.rule.ruleId` is the new
 * `routedBy`). Automatic answers and assignment are never repeated for old tickets.
 */
export function reapplyRules(compiled: CompiledRules, tickets: Iterable<RoutedTicket>, options: ReapplyOptions = {}): ReapplyResult {
  const every = Math.max(1, options.progressEvery ?? 1000);
  const total = Array.isArray(tickets) ? tickets.length : undefined;
  const keepManual = options.keepManualDepartments ?? true;
  const changes: RouteChange[] = [];
  let done = 0;
  for (const ticket of tickets) {
    const decision = routeTicket(compiled, ticket);
    const change: RouteChange = { ticketId: ticket.id };
    let changed = false;
    const manual = ticket.routedBy === undefined && ticket.departmentId !== INTAKE_DEPARTMENT_ID;
    if (decision.madeBy.department && decision.departmentId !== ticket.departmentId && !(keepManual && manual)) {
      change.department = { from: ticket.departmentId, to: decision.departmentId, rule: decision.madeBy.department };
      changed = true;
    }
    if (decision.madeBy.priority && decision.priority !== ticket.priority) {
      change.priority = { from: ticket.priority, to: decision.priority, rule: decision.madeBy.priority };
      changed = true;
    }
    if (decision.category !== undefined && decision.category !== ticket.category) {
      change.category = { ...(ticket.category !== undefined ? { from: ticket.category } : {}), to: decision.category, rule: decision.madeBy.category };
      changed = true;
    }
    const addTags = decision.tags.filter((tag) => !ticket.tags.includes(tag));
    if (addTags.length > 0) {
      change.addTags = addTags;
      changed = true;
    }
    if (changed) changes.push(change);
    done++;
    if (done % every === 0) {
      options.onProgress?.({ done, ...(total !== undefined ? { total } : {}) });
      if (options.shouldStop?.()) return { changes, examined: done, stopped: true };
    }
  }
  if (done === 0 || done % every !== 0) options.onProgress?.({ done, ...(total !== undefined ? { total } : {}) });
  return { changes, examined: done, stopped: false };
}
