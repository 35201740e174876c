// A rule as the editor holds it while the supervisor types: lists as the text they are typing
// ("licencia de obra, obra menor"), every field of every condition kept when its type changes —
// and the conversion to a Rule document, with the problems that stop it from being saved, as
// i18n keys the screen words in Spanish or English.
import { ruleProblem, type RoutingContext } from '../../core/routing';
import type { Channel, CitizenAttribute, CitizenContact, CitizenDocumentKind, Rule, RuleAction, RuleActionType, RuleCondition, RuleConditionType, RuleMatch, TicketPriority, TimeWindow, WordField } from '../../core/schemas';

export const CONDITION_TYPES: readonly RuleConditionType[] = ['words', 'channel', 'mailbox', 'sender', 'sender_domain', 'citizen', 'priority', 'time'];

/** The languages the citizen form offers (CitizenForm), offered by citizen conditions too. */
export const CITIZEN_LANGUAGES = ['es', 'en', 'ca', 'eu', 'gl', 'fr'] as const;
export const ACTION_TYPES: readonly RuleActionType[] = ['set_department', 'set_priority', 'add_tags', 'set_category', 'assign', 'auto_assign', 'auto_reply', 'stop'];

export type ConditionDraft = {
  /** Stable React key of the row. */
  key: string;
  type: RuleConditionType;
  negate: boolean;
  channels: Channel[];
  priorities: TicketPriority[];
  /** Addresses, domains or words, separated by commas or new lines. */
  text: string;
  field: WordField;
  match: RuleMatch;
  window: TimeWindow;
  calendarId: string;
  /** Citizen conditions: which attribute, and its values where they are chosen rather than typed. */
  citizenAttribute: CitizenAttribute;
  documentKinds: CitizenDocumentKind[];
  languages: string[];
  contacts: CitizenContact[];
};

export type ActionDraft = {
  key: string;
  type: RuleActionType;
  departmentId: string;
  priority: TicketPriority;
  /** Tags separated by commas. */
  tags: string;
  category: string;
  userId: string;
  templateKey: string;
};

export type RuleDraft = {
  /** Absent for a rule not saved yet. */
  id?: string;
  name: string;
  /** '' for council-wide. */
  departmentId: string;
  enabled: boolean;
  match: RuleMatch;
  order: number;
  conditions: ConditionDraft[];
  actions: ActionDraft[];
  createdAt?: number;
};

/** What is wrong with a draft: where (`name`, `actions`, `condition.2`, `action.0`, `rule`) and an i18n key under `rules.errors`. */
export type DraftError = { at: string; key: string; values?: Record<string, string> };

let keys = 0;
const nextKey = () => `k${++keys}`;

export function blankCondition(type: RuleConditionType = 'words'): ConditionDraft {
  return {
    key: nextKey(),
    type,
    negate: false,
    channels: [],
    priorities: [],
    text: '',
    field: 'subject_or_body',
    match: 'any',
    window: 'outside_working_hours',
    calendarId: '',
    citizenAttribute: 'document_type',
    documentKinds: [],
    languages: [],
    contacts: [],
  };
}

export function blankAction(type: RuleActionType = 'set_department', departmentId = ''): ActionDraft {
  return { key: nextKey(), type, departmentId, priority: 'high', tags: '', category: '', userId: '', templateKey: '' };
}

export function newDraft(departmentId: string, order: number): RuleDraft {
  return { name: '', departmentId, enabled: true, match: 'all', order, conditions: [blankCondition()], actions: [blankAction('set_department', departmentId)] };
}

/**
 * A new owner for the rule; an action that sent tickets to the old owner (as a new rule's first
 * action does) now sends them to the new one — what a supervisor who changes it means.
 */
export function withOwner(draft: RuleDraft, departmentId: string): RuleDraft {
  const previous = draft.departmentId;
  return {
    ...draft,
    departmentId,
    actions: draft.actions.map((action) => (action.type === 'set_department' && previous && action.departmentId === previous && departmentId ? { ...action, departmentId } : action)),
  };
}

/** Items of a list typed as text: split on commas, semicolons and new lines, trimmed, no empties, no repeats. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[,;\n]/).map((item) => item.trim()).filter(Boolean))];
}

const joinList = (items: readonly string[]) => items.join(', ');

export function draftOf(rule: Rule): RuleDraft {
  return {
    id: rule.id,
    name: rule.name,
    departmentId: rule.departmentId ?? '',
    enabled: rule.enabled,
    match: rule.match,
    order: rule.order,
    createdAt: rule.createdAt,
    conditions: rule.conditions.map((condition) => {
      const draft = { ...blankCondition(condition.type), negate: condition.negate ?? false };
      switch (condition.type) {
        case 'channel':
          return { ...draft, channels: [...condition.channels] };
        case 'priority':
          return { ...draft, priorities: [...condition.priorities] };
        case 'mailbox':
          return { ...draft, text: joinList(condition.mailboxes) };
        case 'sender':
          return { ...draft, text: joinList(condition.addresses) };
        case 'sender_domain':
          return { ...draft, text: joinList(condition.domains) };
        case 'words':
          return { ...draft, text: joinList(condition.words), field: condition.field, match: condition.match };
        case 'time':
          return { ...draft, window: condition.window, calendarId: condition.calendarId ?? '' };
        case 'citizen': {
          const citizen = { ...draft, citizenAttribute: condition.attribute };
          switch (condition.attribute) {
            case 'document_type':
              return { ...citizen, documentKinds: [...condition.values] };
            case 'preferred_language':
              return { ...citizen, languages: [...condition.values] };
            case 'contact':
              return { ...citizen, contacts: [...condition.values] };
            case 'postal_code':
            case 'municipality':
              return { ...citizen, text: joinList(condition.values) };
          }
        }
      }
    }),
    actions: rule.actions.map((action) => {
      const draft = blankAction(action.type);
      switch (action.type) {
        case 'set_department':
          return { ...draft, departmentId: action.departmentId };
        case 'set_priority':
          return { ...draft, priority: action.priority };
        case 'add_tags':
          return { ...draft, tags: joinList(action.tags) };
        case 'set_category':
          return { ...draft, category: action.category };
        case 'assign':
          return { ...draft, userId: action.userId };
        case 'auto_reply':
          return { ...draft, templateKey: action.templateKey };
        case 'auto_assign':
        case 'stop':
          return draft;
      }
    }),
  };
}

// The schema's own limits (core/schemas/rules.ts, fields.ts), checked here so that the clerk reads
// which field is wrong instead of RxDB's validation error.
const ADDRESS = /^[^\s@]+@[^\s@]+$/;
const WORD_MAX = 128;
const LABEL_MAX = 64;
const LIST_MAX = 256;
const MUNICIPALITY_MAX = 128;
/** A Spanish postal code or its beginning: '28' the province, '28950' the town. */
const POSTAL_PREFIX = /^[0-9]{1,5}$/;

type Built<T> = { value?: T; errors: DraftError[] };

function listError(at: string, items: string[], maxLength: number, address = false): DraftError | undefined {
  if (items.length === 0) return { at, key: 'listEmpty' };
  if (items.length > LIST_MAX) return { at, key: 'listTooLong', values: { max: String(LIST_MAX) } };
  const long = items.find((item) => item.length > maxLength);
  if (long) return { at, key: 'itemTooLong', values: { item: long.slice(0, 40), max: String(maxLength) } };
  const bad = address ? items.find((item) => !ADDRESS.test(item)) : undefined;
  if (bad) return { at, key: 'badAddress', values: { item: bad } };
  return undefined;
}

function conditionOf(draft: ConditionDraft, at: string): Built<RuleCondition> {
  const negate = draft.negate ? { negate: true } : {};
  const fail = (error: DraftError): Built<RuleCondition> => ({ errors: [error] });
  const items = splitList(draft.text);
  switch (draft.type) {
    case 'channel':
      return draft.channels.length === 0 ? fail({ at, key: 'chooseOne' }) : { value: { type: 'channel', channels: [...draft.channels], ...negate }, errors: [] };
    case 'priority':
      return draft.priorities.length === 0 ? fail({ at, key: 'chooseOne' }) : { value: { type: 'priority', priorities: [...draft.priorities], ...negate }, errors: [] };
    case 'mailbox': {
      const error = listError(at, items, 254, true);
      return error ? fail(error) : { value: { type: 'mailbox', mailboxes: items, ...negate }, errors: [] };
    }
    case 'sender': {
      const error = listError(at, items, 254, true);
      return error ? fail(error) : { value: { type: 'sender', addresses: items, ...negate }, errors: [] };
    }
    case 'sender_domain': {
      const error = listError(at, items, WORD_MAX) ?? (items.some((item) => /[\s@]/.test(item.replace(/^@/, ''))) ? { at, key: 'badDomain', values: { item: items.find((item) => /[\s@]/.test(item.replace(/^@/, '')))! } } : undefined);
      return error ? fail(error) : { value: { type: 'sender_domain', domains: items, ...negate }, errors: [] };
    }
    case 'words': {
      const error = listError(at, items, WORD_MAX);
      return error ? fail(error) : { value: { type: 'words', field: draft.field, words: items, match: draft.match, ...negate }, errors: [] };
    }
    case 'time':
      return { value: { type: 'time', window: draft.window, ...(draft.calendarId && { calendarId: draft.calendarId }), ...negate }, errors: [] };
    case 'citizen':
      return citizenConditionOf(draft, at, items, negate);
  }
}

function citizenConditionOf(draft: ConditionDraft, at: string, items: string[], negate: { negate?: boolean }): Built<RuleCondition> {
  const fail = (error: DraftError): Built<RuleCondition> => ({ errors: [error] });
  switch (draft.citizenAttribute) {
    case 'document_type':
      return draft.documentKinds.length === 0 ? fail({ at, key: 'chooseOne' }) : { value: { type: 'citizen', attribute: 'document_type', values: [...draft.documentKinds], ...negate }, errors: [] };
    case 'preferred_language':
      return draft.languages.length === 0 ? fail({ at, key: 'chooseOne' }) : { value: { type: 'citizen', attribute: 'preferred_language', values: [...draft.languages], ...negate }, errors: [] };
    case 'contact':
      return draft.contacts.length === 0 ? fail({ at, key: 'chooseOne' }) : { value: { type: 'citizen', attribute: 'contact', values: [...draft.contacts], ...negate }, errors: [] };
    case 'postal_code': {
      const codes = [...new Set(items.map((item) => item.replace(/\s+/g, '')))];
      const bad = codes.find((code) => !POSTAL_PREFIX.test(code));
      const error = listError(at, codes, 5) ?? (bad !== undefined ? { at, key: 'badPostalCode', values: { item: bad } } : undefined);
      return error ? fail(error) : { value: { type: 'citizen', attribute: 'postal_code', values: codes, ...negate }, errors: [] };
    }
    case 'municipality': {
      const error = listError(at, items, MUNICIPALITY_MAX);
      return error ? fail(error) : { value: { type: 'citizen', attribute: 'municipality', values: items, ...negate }, errors: [] };
    }
  }
}

function actionOf(draft: ActionDraft, at: string): Built<RuleAction> {
  const fail = (key: string, values?: Record<string, string>): Built<RuleAction> => ({ errors: [{ at, key, ...(values && { values }) }] });
  switch (draft.type) {
    case 'set_department':
      return draft.departmentId ? { value: { type: 'set_department', departmentId: draft.departmentId }, errors: [] } : fail('chooseDepartment');
    case 'set_priority':
      return { value: { type: 'set_priority', priority: draft.priority }, errors: [] };
    case 'add_tags': {
      const tags = splitList(draft.tags);
      if (tags.length === 0) return fail('listEmpty');
      if (tags.length > 64) return fail('listTooLong', { max: '64' });
      const long = tags.find((tag) => tag.length > LABEL_MAX);
      return long ? fail('itemTooLong', { item: long.slice(0, 40), max: String(LABEL_MAX) }) : { value: { type: 'add_tags', tags }, errors: [] };
    }
    case 'set_category': {
      const category = draft.category.trim();
      if (!category) return fail('categoryEmpty');
      return category.length > LABEL_MAX ? fail('itemTooLong', { item: category.slice(0, 40), max: String(LABEL_MAX) }) : { value: { type: 'set_category', category }, errors: [] };
    }
    case 'assign':
      return draft.userId ? { value: { type: 'assign', userId: draft.userId }, errors: [] } : fail('chooseClerk');
    case 'auto_reply':
      return draft.templateKey ? { value: { type: 'auto_reply', templateKey: draft.templateKey }, errors: [] } : fail('chooseTemplate');
    case 'auto_assign':
      return { value: { type: 'auto_assign' }, errors: [] };
    case 'stop':
      return { value: { type: 'stop' }, errors: [] };
  }
}

/**
 * The problem core's compiler found, as one of our keys when we know it (so it reads in the
 * clerk's language), else its own words.
 */
export function problemError(message: string): DraftError {
  const department = /^department "(.+)" does not exist$/.exec(message);
  if (department) return { at: 'rule', key: 'departmentMissing', values: { id: department[1]! } };
  const inactive = /^department "(.+)" is inactive/.exec(message);
  if (inactive) return { at: 'rule', key: 'departmentInactive', values: { name: inactive[1]! } };
  const calendar = /^calendar "(.+)" does not exist$/.exec(message);
  if (calendar) return { at: 'rule', key: 'calendarMissing', values: { id: calendar[1]! } };
  if (message.startsWith('a time condition needs a calendar')) return { at: 'rule', key: 'noCalendar' };
  if (message.startsWith('no word to look for')) return { at: 'rule', key: 'noWord' };
  if (message.startsWith('no municipality to look for')) return { at: 'rule', key: 'noMunicipality' };
  if (message.startsWith('this version of Ventanilla does not know')) return { at: 'rule', key: 'unknownCondition' };
  return { at: 'rule', key: 'other', values: { message } };
}

/**
 * The rule the draft describes, stamped `now`, or the reasons it cannot be saved: each field's
 * own check first, then core's compiler (`ruleProblem`) on the whole rule — a rule that would be
 * left out of routing is never saved as if it worked.
 */
export function ruleOfDraft(draft: RuleDraft, context: RoutingContext, id: string, now: number): { rule?: Rule; errors: DraftError[] } {
  const errors: DraftError[] = [];
  const name = draft.name.trim();
  if (!name) errors.push({ at: 'name', key: 'nameRequired' });
  else if (name.length > 256) errors.push({ at: 'name', key: 'itemTooLong', values: { item: name.slice(0, 40), max: '256' } });
  if (draft.conditions.length > 64) errors.push({ at: 'conditions', key: 'listTooLong', values: { max: '64' } });
  if (draft.actions.length === 0) errors.push({ at: 'actions', key: 'noActions' });
  if (draft.actions.length > 64) errors.push({ at: 'actions', key: 'listTooLong', values: { max: '64' } });
  const conditions: RuleCondition[] = [];
  draft.conditions.forEach((condition, index) => {
    const built = conditionOf(condition, `condition.${index}`);
    errors.push(...built.errors);
    if (built.value) conditions.push(built.value);
  });
  const actions: RuleAction[] = [];
  draft.actions.forEach((action, index) => {
    const built = actionOf(action, `action.${index}`);
    errors.push(...built.errors);
    if (built.value) actions.push(built.value);
  });
  if (errors.length > 0) return { errors };
  const rule: Rule = {
    id: draft.id ?? id,
    name,
    order: Math.max(0, Math.min(1_000_000, Math.round(draft.order))),
    ...(draft.departmentId && { departmentId: draft.departmentId }),
    enabled: draft.enabled,
    match: draft.match,
    conditions,
    actions,
    createdAt: draft.createdAt ?? now,
    updatedAt: now,
  };
  const problem = ruleProblem(rule, context);
  if (problem) return { errors: [problemError(problem.message)] };
  return { rule, errors: [] };
}

/** The conditions alone, for the live preview: those rows that are complete (an empty row matches nothing yet). */
export function previewRuleOfDraft(draft: RuleDraft): Rule | undefined {
  const conditions = draft.conditions.map((condition, index) => conditionOf(condition, `condition.${index}`).value);
  if (conditions.some((condition) => condition === undefined)) return undefined;
  return {
    id: draft.id ?? 'draft',
    name: draft.name || 'draft',
    order: draft.order,
    enabled: true,
    match: draft.match,
    conditions: conditions as RuleCondition[],
    // previewRule looks at the conditions; the actions only have to compile.
    actions: [{ type: 'stop' }],
    createdAt: 0,
    updatedAt: 0,
  };
}
