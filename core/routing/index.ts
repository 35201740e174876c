/**
 * Routing of new tickets: rules (compile once, route each ticket, preview, re-apply) and fair
 * assignment to clerks. Pure and deterministic; docs/routing.md explains the choices.
 */
export {
  FIRST_CONTACT_WINDOW_MS,
  ROUTING_BODY_LIMIT,
  compareRules,
  foldPlaceName,
  compileRule,
  compileRules,
  ruleProblem,
  type CompiledRule,
  type CompiledRules,
  type RoutingCitizen,
  type RoutingContext,
  type RoutingTicket,
  type RuleProblem,
  type RuleRef,
} from './rule-compiler';
export { routeTicket, type RoutingDecision } from './rule-engine';
export { previewRule, reapplyRules, type ReapplyOptions, type ReapplyProgress, type ReapplyResult, type RouteChange, type RoutedTicket, type RulePreview } from './rule-preview';
export {
  ASSIGNMENT_REASONS,
  assignmentCandidates,
  chooseAssignee,
  clerkLoads,
  manualAssignmentProblem,
  type AssignmentCandidate,
  type AssignmentOutcome,
  type AssignmentReason,
  type AssignmentTicket,
  type ClerkLoad,
} from './assignment';
export { compilePhrase, wordKey, WordIndex, type Phrase } from './word-matcher';
export { departmentCalendar, departmentDeadlines, departmentWorkingCalendar, type TicketDeadlines } from './sla';
export { planNewTicket, type AutoReplyPlan, type NewTicketInput, type NewTicketPlan } from './new-ticket';
export { councilDefaults, DEFAULTS_MAIL_DOMAIN, DEFAULTS_SEDE_URL, type CalendarSeed, type CouncilDefaults, type CouncilDefaultsFiles, type CouncilDefaultsOptions } from './council-defaults';
export { councilCalendarId } from './council-calendar';
export {
  DEFAULT_PAUSE_UNIT,
  deadlineClockOf,
  comparePauseNotes,
  dueDateMoved,
  isPauseNote,
  PAUSE_NOTE_SUFFIX,
  pauseNote,
  pauseNoteId,
  pauseNoteText,
  pauseStartOf,
  resumeDueDate,
  resumeOnStatusChange,
  type DeadlineClock,
  type KeptReason,
  type PauseContext,
  type PausedTime,
  type PauseResume,
} from './pause';
export {
  ESCALATION_LEVELS,
  ESCALATION_STATUSES,
  MAX_SINGLE_NOTICES,
  NEAR_WORKING_DAYS,
  NOTICE_SPACING_MS,
  emptyEscalationMemory,
  escalatedTickets,
  escalationLevel,
  escalationQuery,
  groupKey,
  nearDueBound,
  parseEscalationMemory,
  planEscalationNotices,
  type EscalatedTicket,
  type EscalationLevel,
  type EscalationMemory,
  type EscalationNotice,
} from './escalation';
