/**
 * Routing a ticket through the compiled rules: each matching rule's actions apply in order, a
 * later rule overriding what an earlier one chose for a single-valued field (department,
 * priority, category, assignment), tags and automatic answers adding up, until a rule says
 * `stop`. Conditions see the priority as the earlier rules left it. The decision says which rule
 * made each choice, for the ticket ("enviado a Urbanismo por la regla «Licencias de obra»").
 * Pure and deterministic: every workstation and the server route a ticket the same way.
 */
import { INTAKE_DEPARTMENT_ID, type TicketPriority } from '../schemas';
import { TicketView, type CompiledRules, type EvaluationState, type RoutingTicket, type RuleRef } from './rule-compiler';

export type RoutingDecision = {
  /** Where the ticket goes: INTAKE_DEPARTMENT_ID ('') when no rule chose. */
  departmentId: string;
  priority: TicketPriority;
  /** Tags the rules add, in the order they were added, without repeats. */
  tags: string[];
  category?: string;
  /** A clerk named by an `assign` action. */
  assigneeId?: string;
  /** An `auto_assign` action asked for the department's assignment mode to choose a clerk. */
  autoAssign: boolean;
  /** Template keys to answer the citizen with automatically, in order, without repeats. */
  autoReplyTemplateKeys: string[];
  /** rules.id of the rule that chose the department: `tickets.routedBy`. */
  routedBy?: string;
  /** Which rule made each choice. */
  madeBy: {
    department?: RuleRef;
    priority?: RuleRef;
    category?: RuleRef;
    assignment?: RuleRef;
    tags: { tag: string; rule: RuleRef }[];
    autoReplies: { templateKey: string; rule: RuleRef }[];
  };
  /** Every rule that matched, in the order applied. */
  matchedRules: RuleRef[];
  /** The rule whose `stop` ended evaluation, if one did. */
  stoppedBy?: RuleRef;
};

/** The decision for a ticket. */
export function routeTicket(compiled: CompiledRules, ticket: RoutingTicket): RoutingDecision {
  const view = new TicketView(ticket);
  const state: EvaluationState = { priority: ticket.priority };
  const decision: RoutingDecision = {
    departmentId: INTAKE_DEPARTMENT_ID,
    priority: ticket.priority,
    tags: [],
    autoAssign: false,
    autoReplyTemplateKeys: [],
    madeBy: { tags: [], autoReplies: [] },
    matchedRules: [],
  };
  // Rules that need words the ticket does not have are skipped without evaluating them.
  const possible = new Uint8Array(compiled.rules.length);
  for (const index of [view.subject.set, view.body.set]) {
    for (const key of index) {
      const rules = compiled.rulesByKey.get(key);
      if (rules) for (const position of rules) possible[position] = 1;
    }
  }
  for (const [position, rule] of compiled.rules.entries()) {
    if (rule.requiredKeys && possible[position] === 0) continue;
    if (!rule.matches(view, state)) continue;
    const ref: RuleRef = { ruleId: rule.ruleId, ruleName: rule.ruleName };
    decision.matchedRules.push(ref);
    let stop = false;
    for (const action of rule.actions) {
      switch (action.type) {
        case 'set_department':
          decision.departmentId = action.departmentId;
          decision.routedBy = rule.ruleId;
          decision.madeBy.department = ref;
          break;
        case 'set_priority':
          decision.priority = state.priority = action.priority;
          decision.madeBy.priority = ref;
          break;
        case 'add_tags':
          for (const tag of action.tags) {
            if (decision.tags.includes(tag)) continue;
            decision.tags.push(tag);
            decision.madeBy.tags.push({ tag, rule: ref });
          }
          break;
        case 'set_category':
          decision.category = action.category;
          decision.madeBy.category = ref;
          break;
        case 'assign':
          decision.assigneeId = action.userId;
          decision.autoAssign = false;
          decision.madeBy.assignment = ref;
          break;
        case 'auto_assign':
          delete decision.assigneeId;
          decision.autoAssign = true;
          decision.madeBy.assignment = ref;
          break;
        case 'auto_reply':
          if (decision.autoReplyTemplateKeys.includes(action.templateKey)) break;
          decision.autoReplyTemplateKeys.push(action.templateKey);
          decision.madeBy.autoReplies.push({ templateKey: action.templateKey, rule: ref });
          break;
        case 'stop':
          stop = true;
          break;
      }
    }
    if (stop) {
      decision.stoppedBy = ref;
      break;
    }
  }
  return decision;
}
