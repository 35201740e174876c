// A department (área, servicio, concejalía) with its queue of tickets.
// Written by administrators on the server; workstations only pull them.
import type { JsonSchema, RxJsonSchema } from 'rxdb';
import {
  emailAddressProperty,
  enumProperty,
  idProperty,
  refProperty,
  timestampProperty,
  type Timestamp,
} from './fields';

export const ASSIGNMENT_MODES = ['manual', 'round_robin', 'least_open', 'skill'] as const;
/**
 * How new tickets of the department find a clerk:
 * - `manual`: they wait in the queue until a clerk or supervisor takes them;
 * - `round_robin`: in turn among the department's active clerks who are not away;
 * - `least_open`: to the clerk with the fewest open tickets;
 * - `skill`: to a clerk whose skills cover the ticket's category or tags.
 */
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

export const SLA_UNITS = ['working_hours', 'working_days', 'calendar_days', 'months'] as const;
/**
 * Working hours and days follow the department's calendar. Periods in days exclude
 * Saturdays, Sundays and holidays, and periods in months run date to date, as Ley 39/2015
 * art. 30 counts administrative deadlines.
 */
export type SlaUnit = (typeof SLA_UNITS)[number];

export type SlaPeriod = { amount: number; unit: SlaUnit };

/** Targets for the department's tickets; a period left out has no target. */
export type SlaPolicy = {
  /** Until the first answer to the citizen. */
  response?: SlaPeriod;
  /** Until the ticket is resolved; sets the ticket's `dueAt` when it enters the department. */
  resolution?: SlaPeriod;
};

export type Department = {
  id: string;
  /** As shown on screen: 'Urbanismo y Licencias'. */
  name: string;
  /** Short upper-case code, usable in references and reports: 'URB'. */
  code: string;
  /** Addresses whose mail belongs to this department: 'urbanismo@ayto.example.es'. */
  mailAliases: string[];
  /** calendars.id of its working days and hours; absent: the council's default calendar. */
  calendarId?: string;
  sla: SlaPolicy;
  assignmentMode: AssignmentMode;
  /**
   * Most open tickets (new, open, pending) automatic assignment gives one clerk of the
   * department; absent: no cap. A supervisor assigning by hand may go past it.
   */
  maxOpenPerClerk?: number;
  /** Inactive departments keep their history but take no new tickets. */
  active: boolean;
  createdAt: Timestamp;
  updatedAt: Timestamp;
};

const slaPeriod = {
  type: 'object',
  additionalProperties: false,
  properties: {
    amount: { type: 'integer', minimum: 1, maximum: 10_000 },
    unit: enumProperty(SLA_UNITS),
  },
  required: ['amount', 'unit'],
} as const satisfies JsonSchema;

export const departmentSchema: RxJsonSchema<Department> = {
  title: 'departments',
  description: 'A department of the council, its mail aliases, calendar, SLA and assignment mode.',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: idProperty,
    name: { type: 'string', minLength: 1, maxLength: 256 },
    code: { type: 'string', pattern: '^[A-Z0-9]{1,16}$' },
    mailAliases: { type: 'array', maxItems: 64, uniqueItems: true, items: emailAddressProperty },
    calendarId: refProperty,
    sla: {
      type: 'object',
      additionalProperties: false,
      properties: { response: slaPeriod, resolution: slaPeriod },
    },
    assignmentMode: enumProperty(ASSIGNMENT_MODES),
    maxOpenPerClerk: { type: 'integer', minimum: 1, maximum: 10_000 },
    active: { type: 'boolean' },
    createdAt: timestampProperty,
    updatedAt: timestampProperty,
  },
  required: ['id', 'name', 'code', 'mailAliases', 'sla', 'assignmentMode', 'active', 'createdAt', 'updatedAt'],
  // Few documents, all loaded at start: no index beyond RxDB's own.
};
