// A routing rule: when a new ticket matches its conditions, its actions run.
// Rules are data here; the evaluator (a pure function in core) comes with its own issue.
import type { JsonSchema, RxJsonSchema } from 'rxdb';
import { CHANNELS, TICKET_PRIORITIES, type Channel, type TicketPriority } from './tickets';
import {
  emailAddressProperty,
  enumProperty,
  idProperty,
  labelListProperty,
  labelProperty,
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

const conditionVariants: Record<RuleConditionType, JsonSchema> = {
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
  version: 0,
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
      items: { type: 'object', oneOf: Object.values(conditionVariants) },
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
