/**
 * Fair assignment of a department's new tickets to its clerks, by the department's mode:
 *
 * - `manual`: nobody is chosen; the ticket waits in the queue for a clerk or supervisor;
 * - `round_robin`: in turn — the working clerk whose last automatic assignment in the department
 *   is the oldest (never assigned first);
 * - `least_open`: the working clerk with the fewest open tickets in the department;
 * - `skill`: among clerks whose skills cover the ticket's tags or category, the best covered,
 *   then the fewest open tickets.
 *
 * Only clerks who are working (signed in and not away — presence is the caller's input) and
 * below the department's cap of open tickets per clerk are considered.
 *
 * Deterministic without shared state: the inputs are the tickets themselves (each clerk's open
 * tickets and the time of their last assignment, {@link clerkLoads}) and the presence, and the
 * last tie is broken by rendezvous hashing of the ticket id with each clerk id. Two workstations
 * that assign the same new ticket offline with the same replicated tickets choose the same clerk;
 * a counter of "whose turn it is" would instead have to be written by both and would conflict.
 * If their inputs differ (one has seen tickets the other has not), they may choose differently:
 * `assigneeId` is a single field, so the sync keeps one (the later) and the other stays in the
 * ticket's history — a ticket is never assigned twice. Rendezvous hashing also keeps the choice
 * stable when a clerk far from winning signs in or out.
 */
import { UNASSIGNED, type AssignmentMode, type Department, type TicketStatus, type Timestamp, type User } from '../schemas';
import { foldSpanish } from '../text/spanish-search';

export type ClerkLoad = {
  /** Tickets of the department assigned to them and not resolved or closed. */
  openTickets: number;
  /** When they were last given a ticket of the department. */
  lastAssignedAt?: Timestamp;
};

export type AssignmentCandidate = {
  userId: string;
  skills: readonly string[];
  /** Signed in and not marked away, as the caller knows it now. */
  working: boolean;
  openTickets: number;
  lastAssignedAt?: Timestamp;
};

export type AssignmentTicket = { id: string; tags: readonly string[]; category?: string };

export const ASSIGNMENT_REASONS = ['assigned', 'manual_mode', 'nobody_working', 'all_at_cap', 'no_skilled_clerk'] as const;
/** Why the outcome is what it is; the screens explain it ("todos los tramitadores están al límite"). */
export type AssignmentReason = (typeof ASSIGNMENT_REASONS)[number];

export type AssignmentOutcome = {
  /** users.id, or UNASSIGNED ('') when nobody was chosen. */
  assigneeId: string;
  mode: AssignmentMode;
  reason: AssignmentReason;
  /** How many clerks were eligible when the choice was made. */
  eligible: number;
};

const OPEN_STATUSES: ReadonlySet<TicketStatus> = new Set(['new', 'open', 'pending']);

type LoadTicket = {
  departmentId: string;
  assigneeId: string;
  status: TicketStatus;
  createdAt: Timestamp;
  fieldClock?: { assigneeId?: Timestamp };
};

/** Each clerk's open tickets and last assignment in a department, from its tickets. */
export function clerkLoads(tickets: Iterable<LoadTicket>, departmentId: string): Map<string, ClerkLoad> {
  const loads = new Map<string, ClerkLoad>();
  for (const ticket of tickets) {
    if (ticket.departmentId !== departmentId || ticket.assigneeId === UNASSIGNED) continue;
    const load = loads.get(ticket.assigneeId) ?? { openTickets: 0 };
    if (OPEN_STATUSES.has(ticket.status)) load.openTickets++;
    const assignedAt = ticket.fieldClock?.assigneeId ?? ticket.createdAt;
    if (load.lastAssignedAt === undefined || assignedAt > load.lastAssignedAt) load.lastAssignedAt = assignedAt;
    loads.set(ticket.assigneeId, load);
  }
  return loads;
}

/**
 * The department's possible assignees: active clerks of the department (supervisors too when
 * asked), with their presence and load.
 */
export function assignmentCandidates(
  department: Pick<Department, 'id'>,
  users: readonly User[],
  isWorking: (userId: string) => boolean,
  loads: ReadonlyMap<string, ClerkLoad>,
  options: { includeSupervisors?: boolean } = {},
): AssignmentCandidate[] {
  return users
    .filter((user) => user.active && user.departmentIds.includes(department.id))
    .filter((user) => user.role === 'clerk' || (options.includeSupervisors === true && user.role === 'supervisor'))
    .map((user) => {
      const load = loads.get(user.id);
      return {
        userId: user.id,
        skills: user.skills,
        working: !user.away && isWorking(user.id),
        openTickets: load?.openTickets ?? 0,
        ...(load?.lastAssignedAt !== undefined ? { lastAssignedAt: load.lastAssignedAt } : {}),
      };
    });
}

/** FNV-1a, 32 bits: the same number for the same text on every platform. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function skillScore(candidate: AssignmentCandidate, wanted: ReadonlySet<string>): number {
  let score = 0;
  for (const skill of candidate.skills) if (wanted.has(foldSpanish(skill.trim()))) score++;
  return score;
}

/** The clerk for a new ticket of a department; see the module comment for the rules. */
export function chooseAssignee(ticket: AssignmentTicket, department: Pick<Department, 'assignmentMode' | 'maxOpenPerClerk'>, candidates: readonly AssignmentCandidate[]): AssignmentOutcome {
  const mode = department.assignmentMode;
  const none = (reason: AssignmentReason, eligible = 0): AssignmentOutcome => ({ assigneeId: UNASSIGNED, mode, reason, eligible });
  if (mode === 'manual') return none('manual_mode');
  const working = candidates.filter((candidate) => candidate.working);
  if (working.length === 0) return none('nobody_working');
  const cap = department.maxOpenPerClerk;
  let eligible = cap === undefined ? working : working.filter((candidate) => candidate.openTickets < cap);
  if (eligible.length === 0) return none('all_at_cap');
  const scores = new Map<string, number>();
  if (mode === 'skill') {
    const wanted = new Set([...ticket.tags, ...(ticket.category !== undefined ? [ticket.category] : [])].map((label) => foldSpanish(label.trim())));
    for (const candidate of eligible) scores.set(candidate.userId, skillScore(candidate, wanted));
    eligible = eligible.filter((candidate) => scores.get(candidate.userId)! > 0);
    if (eligible.length === 0) return none('no_skilled_clerk');
  }
  const rank = (candidate: AssignmentCandidate) => ({
    score: scores.get(candidate.userId) ?? 0,
    open: candidate.openTickets,
    last: candidate.lastAssignedAt ?? Number.NEGATIVE_INFINITY,
    hash: fnv1a(`${ticket.id}\u0000${candidate.userId}`),
  });
  const better = (a: ReturnType<typeof rank>, b: ReturnType<typeof rank>): boolean => {
    if (a.score !== b.score) return a.score > b.score;
    if (mode !== 'round_robin' && a.open !== b.open) return a.open < b.open;
    if (a.last !== b.last) return a.last < b.last;
    return a.hash > b.hash;
  };
  let best = eligible[0]!;
  let bestRank = rank(best);
  for (const candidate of eligible.slice(1)) {
    const candidateRank = rank(candidate);
    if (better(candidateRank, bestRank) || (sameRank(candidateRank, bestRank) && candidate.userId < best.userId)) {
      best = candidate;
      bestRank = candidateRank;
    }
  }
  return { assigneeId: best.userId, mode, reason: 'assigned', eligible: eligible.length };
}

function sameRank(a: { score: number; open: number; last: number; hash: number }, b: typeof a): boolean {
  return a.score === b.score && a.open === b.open && a.last === b.last && a.hash === b.hash;
}

/**
 * Whether a person may be given a ticket of a department by hand (a supervisor's override is a
 * plain assignment): the problem in words, or undefined. Caps and presence do not apply: a
 * supervisor may knowingly load a clerk.
 */
export function manualAssignmentProblem(user: User | undefined, department: Pick<Department, 'id' | 'name'>): string | undefined {
  if (!user) return 'no such user';
  if (!user.active) return `${user.name} is no longer active`;
  if (user.role === 'admin' && !user.departmentIds.includes(department.id)) return `${user.name} is an administrator, not a member of ${department.name}`;
  if (!user.departmentIds.includes(department.id)) return `${user.name} does not serve ${department.name}`;
  return undefined;
}
