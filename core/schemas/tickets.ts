// A ticket is one case of a citizen (a request, a complaint, a question), whatever the channel.
// Why each index exists is in docs/schemas.md#tickets.
import type { RxJsonSchema } from 'rxdb';
import {
  enumProperty,
  idProperty,
  indexedRefProperty,
  labelListProperty,
  labelProperty,
  refProperty,
  timestampProperty,
  type Timestamp,
} from './fields';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
/**
 * - `new`: nobody has looked at it yet.
 * - `open`: a clerk is working on it.
 * - `pending`: waiting for the citizen (a document, an answer).
 * - `resolved`: answered; reopens if the citizen writes again.
 * - `closed`: finished for good.
 */
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export const CHANNELS = ['email', 'phone', 'visit', 'web_form', 'chat', 'internal'] as const;
/** How a ticket came in. `internal`: opened by a clerk for the council itself. */
export type Channel = (typeof CHANNELS)[number];

/**
 * The fields the sync merges one by one, each with its own clock in `fieldClock`.
 * `id`, `reference`, `channel` and `createdAt` never change; `updatedAt` and `lastActivityAt`
 * follow from the others.
 */
export const TICKET_CLOCKED_FIELDS = [
  'subject',
  'status',
  'priority',
  'departmentId',
  'assigneeId',
  'citizenId',
  'dueAt',
  'tags',
  'category',
  'routedBy',
  'mergedInto',
  'firstResponseAt',
  'resolvedAt',
] as const;
export type TicketClockedField = (typeof TICKET_CLOCKED_FIELDS)[number];

/**
 * The fields whose overwritten values the history keeps: the clocked ones, and the reference,
 * which differs only when two workstations opened the same ticket offline (the same mail) and
 * each gave it a reference: the one that did not stay may already be in a citizen's hands.
 */
export const TICKET_HISTORY_FIELDS = [...TICKET_CLOCKED_FIELDS, 'reference'] as const;
export type TicketHistoryField = (typeof TICKET_HISTORY_FIELDS)[number];

/** Most entries a ticket's history keeps; the oldest are dropped first. */
export const TICKET_HISTORY_MAX = 50;

/** A value a field held: a string, a timestamp or the list of tags. */
export type TicketFieldValue = string | number | string[];

/**
 * A value that lost a sync conflict: two clerks changed the same field offline and the later
 * edit won (core/sync/ticket-merge.ts). Written only by the merge, never by the screens.
 */
export type TicketHistoryEntry = {
  field: TicketHistoryField;
  /** The value that was overwritten; absent when the field was empty (an optional field left out). */
  value?: TicketFieldValue;
  /** When that value had been set (its `fieldClock`); absent when it had no clock. */
  clock?: Timestamp;
  /** users.id of the clerk who had set it (its `fieldBy`), when known. */
  by?: string;
  /**
   * When it was overwritten: the clock of the value that won (or, without one, the ticket's
   * `updatedAt`). Never the time of the merge itself, so every workstation writes the same entry.
   */
  overwrittenAt: Timestamp;
};

export type Ticket = {
  id: string;
  /** The reference the citizen is given and dictates over the phone. Format: core's ids module. */
  reference: string;
  /** Indexed by the full-text search (main/store): keep the name. May be ''. */
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  /** The channel that opened the ticket. */
  channel: Channel;
  /** Department whose queue holds it; '' (INTAKE_DEPARTMENT_ID) for the general intake queue. */
  departmentId: string;
  /** Clerk (users.id) working on it; '' (UNASSIGNED) when nobody is. */
  assigneeId: string;
  /** citizens.id; '' (NO_CITIZEN) for internal tickets. */
  citizenId: string;
  createdAt: Timestamp;
  /** Last change of any field. */
  updatedAt: Timestamp;
  /** Last message in or out, or last change of status: what the inbox sorts by. */
  lastActivityAt: Timestamp;
  /** Legal or SLA deadline; NO_DUE_DATE when there is none. */
  dueAt: Timestamp;
  tags: string[];
  category?: string;
  /** rules.id of the rule that set the department, when a rule did. */
  routedBy?: string;
  /** tickets.id of the ticket this one was merged into; its messages are shown there. */
  mergedInto?: string;
  /** First answer to the citizen (response SLA). */
  firstResponseAt?: Timestamp;
  /** Last time the ticket became resolved (resolution SLA). */
  resolvedAt?: Timestamp;
  /**
   * Per-field clocks for the field-by-field merge of the sync (main/sync, server/): when each
   * field was last set. Written by the sync issue's code; absent on tickets never edited.
   */
  fieldClock?: Partial<Record<TicketClockedField, Timestamp>>;
  /**
   * Who (users.id) last set each field, beside its clock, so that a value overwritten in a
   * conflict keeps its author in `history`. Absent for a field no clerk has stamped.
   */
  fieldBy?: Partial<Record<TicketClockedField, string>>;
  /**
   * Values that lost a sync conflict, oldest first, at most {@link TICKET_HISTORY_MAX}.
   * Absent until the first conflict. Merged, never edited (docs/schemas.md#tickets).
   */
  history?: TicketHistoryEntry[];
};

export const ticketSchema: RxJsonSchema<Ticket> = {
  title: 'tickets',
  description: 'A case of a citizen, from any channel, and where it stands.',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: idProperty,
    reference: { type: 'string', minLength: 1, maxLength: 32 },
    subject: { type: 'string', maxLength: 1000 },
    status: enumProperty(TICKET_STATUSES),
    priority: enumProperty(TICKET_PRIORITIES),
    channel: enumProperty(CHANNELS),
    departmentId: indexedRefProperty,
    assigneeId: indexedRefProperty,
    citizenId: indexedRefProperty,
    createdAt: timestampProperty,
    updatedAt: timestampProperty,
    lastActivityAt: timestampProperty,
    dueAt: timestampProperty,
    tags: labelListProperty,
    category: labelProperty,
    routedBy: refProperty,
    mergedInto: refProperty,
    firstResponseAt: timestampProperty,
    resolvedAt: timestampProperty,
    fieldClock: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(TICKET_CLOCKED_FIELDS.map((field) => [field, timestampProperty])),
    },
    fieldBy: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(TICKET_CLOCKED_FIELDS.map((field) => [field, refProperty])),
    },
    history: {
      type: 'array',
      maxItems: TICKET_HISTORY_MAX,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          field: enumProperty(TICKET_HISTORY_FIELDS),
          // Any value a history field can hold: the subject is the longest string, tags the only list.
          value: { anyOf: [{ type: 'string', maxLength: 1000 }, timestampProperty, labelListProperty] },
          clock: timestampProperty,
          by: refProperty,
          overwrittenAt: timestampProperty,
        },
        required: ['field', 'overwrittenAt'],
      },
    },
  },
  required: [
    'id',
    'reference',
    'subject',
    'status',
    'priority',
    'channel',
    'departmentId',
    'assigneeId',
    'citizenId',
    'createdAt',
    'updatedAt',
    'lastActivityAt',
    'dueAt',
    'tags',
  ],
  // The order matters: when two indexes score the same for a query, RxDB's query planner
  // takes the later one (query-planner.ts, `quality >= currentBestQuality`), and a 'desc'
  // sort never counts as served by an index. So the department queue, which sorts by
  // lastActivityAt desc, would tie between the two department indexes: the activity one
  // comes second to win. Tests pin each query to its index.
  indexes: [
    // The reference a citizen dictates over the phone.
    'reference',
    // A department's deadlines: open tickets due soonest, overdue counts.
    ['departmentId', 'status', 'dueAt'],
    // A department's queue by status, newest activity first; counts by status.
    ['departmentId', 'status', 'lastActivityAt'],
    // A clerk's own tickets ("mis casos") by status, newest activity first.
    ['assigneeId', 'status', 'lastActivityAt'],
    // The council-wide view by status, and the sweep that closes long-resolved tickets.
    ['status', 'lastActivityAt'],
    // A citizen's history of cases, newest first.
    ['citizenId', 'createdAt'],
  ],
};
