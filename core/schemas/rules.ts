// A routing rule: when a new ticket matches its conditions, its actions run.
// Rules are data here; core/routing compiles and evaluates them (docs/routing.md).
// Version 1 added the `citizen` condition; how the schema changes after a release, and what a
// workstation of an older version does with a rule it cannot read: docs/schemas.md.
import type { JsonSchema, RxJsonSchema } from 'rxdb';
import { CHANNELS, TICKET_PRIORITIES, type Channel, type TicketPriority } from './tickets';
import { ID_DOCUMENT_TYPES } from './citizens';
import { rulesToVersion1 } from './migrations/rules-1';
import {
  emailAddressProperty,
  enumProperty,
  idProperty,
  labelListProperty,
  labelProperty,
  languageProperty,
  refProperty,
  timestampProperty,
  type Timestamp,
} from './fields';

export const WORD_FIELDS = ['subject', 'body', 'subject_or_body'] as const;
export type WordField = (typeof WORD_FIELDS)[number];

export const TIME_WINDOWS = ['working_hours', 'outside_working_hours', 'non_working_day'] as const;
/** Judged against a calendar: the rule's `calendarId`, else the council's default one. */
export type TimeWindow = (typeof TIME_WINDOWS)[number];

/** Every condition can be negated; `negate: true` matches what the condition would not. */
type Negatable = { negate?: boolean };

/** What a `citizen` condition looks at in the ticket's citizen (citizens.ts). */
export const CITIZEN_ATTRIBUTES = ['document_type', 'preferred_language', 'postal_code', 'municipality', 'contact'] as const;
export type CitizenAttribute = (typeof CITIZEN_ATTRIBUTES)[number];

/** The citizen's `documentType`, or `'none'`: a citizen on record without an ID document. */
export const CITIZEN_DOCUMENT_KINDS = [...ID_DOCUMENT_TYPES, 'none'] as const;
export type CitizenDocumentKind = (typeof CITIZEN_DOCUMENT_KINDS)[number];

/**
 * `first_contact`: the council recorded the citizen with this very contact (core/routing
 * FIRST_CONTACT_WINDOW_MS); `known`: the citizen was on record before.
 */
export const CITIZEN_CONTACTS = ['first_contact', 'known'] as const;
export type CitizenContact = (typeof CITIZEN_CONTACTS)[number];

/**
 * A condition on the ticket's citizen. A ticket without a citizen (internal, an anonymous call)
 * matches none; negated, it matches.
 */
export type CitizenCondition =
  /** Companies and associations (CIF) apart from people (DNI, NIE). */
  | { type: 'citizen'; attribute: 'document_type'; values: CitizenDocumentKind[] }
  /** BCP 47 tags; 'ca' also matches 'ca-ES-valencia'. */
  | { type: 'citizen'; attribute: 'preferred_language'; values: string[] }
  /** Prefixes of a Spanish postal code: '28950' the town, '28' the province. */
  | { type: 'citizen'; attribute: 'postal_code'; values: string[] }
  /** Names of municipalities, compared without case, accents or punctuation. */
  | { type: 'citizen'; attribute: 'municipality'; values: string[] }
  | { type: 'citizen'; attribute: 'contact'; values: CitizenContact[] };

export type RuleCondition = Negatable &
  (
    | { type: 'channel'; channels: Channel[] }
    /** The council mailbox the mail arrived in. */
    | { type: 'mailbox'; mailboxes: string[] }
    /** The sender's exact address. */
    | { type: 'sender'; addresses: string[] }
    /** The sender's domain ('gva.es'), subdomains included. */
    | { type: 'sender_domain'; domains: string[] }
    /** Words in the subject or body, compared without case or accents. */
    | { type: 'words'; field: WordField; words: string[]; match: 'any' | 'all' }
    | { type: 'time'; window: TimeWindow; calendarId?: string }
    | { type: 'priority'; priorities: TicketPriority[] }
    | CitizenCondition
  );
export type RuleConditionType = RuleCondition['type'];

export type RuleAction =
  | { type: 'set_department'; departmentId: string }
  | { type: 'set_priority'; priority: TicketPriority }
  | { type: 'add_tags'; tags: string[] }
  | { type: 'set_category'; category: string }
  /** To one clerk. */
  | { type: 'assign'; userId: string }
  /** To a clerk chosen by the department's assignment mode. */
  | { type: 'auto_assign' }
  /** Answer the citizen automatically with the template of this key, in their language. */
  | { type: 'auto_reply'; templateKey: string }
  /** Evaluate no further rule. */
  | { type: 'stop' };
export type RuleActionType = RuleAction['type'];

export const RULE_MATCHES = ['all', 'any'] as const;
export type RuleMatch = (typeof RULE_MATCHES)[number];

export type Rule = {
  id: string;
  name: string;
  /** Rules run in ascending order; ties by id. */
  order: number;
  /** The department that owns the rule and whose supervisors edit it; absent: council-wide. */
  departmentId?: string;
  enabled: boolean;
  /** Whether all conditions must hold or any one. No conditions: the rule always matches. */
  match: RuleMatch;
  conditions: RuleCondition[];
  actions: RuleAction[];
  createdAt: Timestamp;
  updatedAt: Timestamp;
};

/** One member of a tagged union: `type` is the tag, everything else as given. */
function variant(type: string, properties: Record<string, JsonSchema> = {}, required: string[] = []): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: { type: { type: 'string', enum: [type] }, ...properties },
    required: ['type', ...required],
  };
}

function listOf(items: JsonSchema): JsonSchema {
  return { type: 'array', minItems: 1, maxItems: 256, uniqueItems: true, items };
}

const negate: JsonSchema = { type: 'boolean' };
const word: JsonSchema = { type: 'string', minLength: 1, maxLength: 128 };

const conditionVariants: Record<Exclude<RuleConditionType, 'citizen'>, JsonSchema> = {
  channel: variant('channel', { negate, channels: listOf(enumProperty(CHANNELS)) }, ['channels']),
  mailbox: variant('mailbox', { negate, mailboxes: listOf(emailAddressProperty) }, ['mailboxes']),
  sender: variant('sender', { negate, addresses: listOf(emailAddressProperty) }, ['addresses']),
  sender_domain: variant('sender_domain', { negate, domains: listOf(word) }, ['domains']),
  words: variant(
    'words',
    { negate, field: enumProperty(WORD_FIELDS), words: listOf(word), match: enumProperty(RULE_MATCHES) },
    ['field', 'words', 'match'],
  ),
  time: variant('time', { negate, window: enumProperty(TIME_WINDOWS), calendarId: refProperty }, ['window']),
  priority: variant('priority', { negate, priorities: listOf(enumProperty(TICKET_PRIORITIES)) }, ['priorities']),
};

/** One variant per attribute, so each attribute's values are checked for what they are. */
const citizenVariants: Record<CitizenAttribute, JsonSchema> = Object.fromEntries(
  (
    [
      ['document_type', enumProperty(CITIZEN_DOCUMENT_KINDS)],
      ['preferred_language', languageProperty],
      ['postal_code', { type: 'string', pattern: '^[0-9]{1,5}$' }],
      ['municipality', { type: 'string', minLength: 1, maxLength: 128 }],
      ['contact', enumProperty(CITIZEN_CONTACTS)],
    ] as const
  ).map(([attribute, value]) => [attribute, variant('citizen', { negate, attribute: { type: 'string', enum: [attribute] }, values: listOf(value) }, ['attribute', 'values'])]),
) as Record<CitizenAttribute, JsonSchema>;

const actionVariants: Record<RuleActionType, JsonSchema> = {
  set_department: variant('set_department', { departmentId: idProperty }, ['departmentId']),
  set_priority: variant('set_priority', { priority: enumProperty(TICKET_PRIORITIES) }, ['priority']),
  add_tags: variant('add_tags', { tags: { ...labelListProperty, minItems: 1 } }, ['tags']),
  set_category: variant('set_category', { category: labelProperty }, ['category']),
  assign: variant('assign', { userId: idProperty }, ['userId']),
  auto_assign: variant('auto_assign'),
  auto_reply: variant('auto_reply', { templateKey: { type: 'string', minLength: 1, maxLength: 64 } }, ['templateKey']),
  stop: variant('stop'),
};

export const ruleSchema: RxJsonSchema<Rule> = {
  title: 'rules',
  description: 'A routing rule: conditions on a new ticket and the actions to take.',
  // 0: the first release. 1: the `citizen` condition.
  version: 1,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: idProperty,
    name: { type: 'string', minLength: 1, maxLength: 256 },
    order: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    departmentId: refProperty,
    enabled: { type: 'boolean' },
    match: enumProperty(RULE_MATCHES),
    conditions: {
      type: 'array',
      maxItems: 64,
      items: { type: 'object', oneOf: [...Object.values(conditionVariants), ...Object.values(citizenVariants)] },
    },
    actions: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      items: { type: 'object', oneOf: Object.values(actionVariants) },
    },
    createdAt: timestampProperty,
    updatedAt: timestampProperty,
  },
  required: ['id', 'name', 'order', 'enabled', 'match', 'conditions', 'actions', 'createdAt', 'updatedAt'],
  // A few dozen documents, all loaded and sorted by `order` in memory: no index.
};

/**
 * How a stored rule of an older version becomes one of this version (RxDB's migration plugin,
 * run by the workstation service when it opens the replica: main/store/schema-migrations.ts).
 * One numbered file per version in ./migrations, never edited once released (docs/schemas.md).
 */
export const ruleMigrationStrategies = {
  1: rulesToVersion1,
};
