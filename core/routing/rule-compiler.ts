/**
 * Rules compiled once into predicates: enabled rules only, in order (then id), words folded and
 * split into phrases, calendars resolved. Compiling is where a rule that cannot work is found —
 * a time condition without a calendar, a department that does not exist or takes no tickets —
 * and reported as a problem the rules screen shows; such a rule is left out of routing rather
 * than half applied.
 */
import { workingCalendar, isWithinWorkingHours, type WorkingCalendar } from '../calendar';
import type { Calendar, Channel, Citizen, CitizenCondition, CitizenContact, CitizenDocumentKind, Department, Rule, RuleAction, RuleCondition, TicketPriority, Timestamp } from '../schemas';
import { foldSpanish } from '../text/spanish-search';
import { compilePhrase, foldAddress, WordIndex, type Phrase } from './word-matcher';

/** What the rules read of the ticket's citizen: a citizens document fits as it is. */
export type RoutingCitizen = Pick<Citizen, 'documentType' | 'documentNumber' | 'preferredLanguage' | 'address' | 'createdAt'>;

/**
 * A ticket is the citizen's first contact when the council recorded the citizen no earlier than
 * this before the ticket arrived: a mail's sender becomes a citizen with the mail itself (same
 * time), a caller or visitor is added while the clerk files the call (minutes). Only times
 * stored in the documents count, so every workstation, and a re-application months later,
 * judges a ticket alike.
 */
export const FIRST_CONTACT_WINDOW_MS = 60 * 60 * 1000;

/** What the rules look at: a new ticket and its first message. */
export type RoutingTicket = {
  id: string;
  channel: Channel;
  /** The council address the mail arrived at (email only). */
  mailbox?: string;
  /** The sender's bare address, without display name (email, web form). */
  from?: string;
  subject: string;
  /** Text of the first message (plain text). */
  body: string;
  priority: TicketPriority;
  /** When the council received it: judged against a calendar by time conditions. */
  receivedAt: Timestamp;
  /** The ticket's citizen (`tickets.citizenId`), when it has one and it is in the replica. */
  citizen?: RoutingCitizen;
};

export type RoutingContext = {
  /** Calendars time conditions may name. */
  calendars: readonly Calendar[];
  /** The council's default calendar, for time conditions that name none. */
  defaultCalendarId?: string;
  /** When given, set_department actions are checked against it (exists and active). */
  departments?: readonly Department[];
};

export type RuleRef = { ruleId: string; ruleName: string };

export type RuleProblem = RuleRef & { message: string };

/**
 * How much of the body rules read: what a citizen asks is at the top, and a mail can carry a
 * megabyte of quoted thread and pasted documents that would only make routing slow.
 */
export const ROUTING_BODY_LIMIT = 20_000;

/** One ticket being evaluated: its texts are indexed once, when first needed. */
export class TicketView {
  private subjectIndex?: WordIndex;
  private bodyIndex?: WordIndex;
  readonly from: string;
  readonly fromDomain: string;
  readonly mailbox: string;

  constructor(readonly ticket: RoutingTicket) {
    this.from = ticket.from ? foldAddress(ticket.from) : '';
    const at = this.from.lastIndexOf('@');
    this.fromDomain = at < 0 ? '' : this.from.slice(at + 1);
    this.mailbox = ticket.mailbox ? foldAddress(ticket.mailbox) : '';
  }

  get subject(): WordIndex {
    return (this.subjectIndex ??= new WordIndex(this.ticket.subject));
  }

  get body(): WordIndex {
    return (this.bodyIndex ??= new WordIndex(this.ticket.body.length > ROUTING_BODY_LIMIT ? this.ticket.body.slice(0, ROUTING_BODY_LIMIT) : this.ticket.body));
  }

  /** The citizen as citizen conditions compare it; undefined without a citizen. */
  get citizen(): CitizenFacts | undefined {
    if (this.citizenFacts === undefined && this.ticket.citizen) this.citizenFacts = citizenFacts(this.ticket.citizen, this.ticket.receivedAt);
    return this.citizenFacts;
  }

  private citizenFacts?: CitizenFacts;
}

type CitizenFacts = {
  documentKind: CitizenDocumentKind;
  /** Lower case, with its primary subtag: 'ca-es-valencia' and 'ca'. */
  language: string;
  languagePrimary: string;
  /** Digits of a Spanish postal code; '' when unknown or abroad. */
  postalCode: string;
  municipality: string;
  contact: CitizenContact;
};

/** Names compared without case, accents or punctuation: 'Alcalá de Henares' = 'ALCALA DE HENARES'. */
export function foldPlaceName(name: string): string {
  return foldSpanish(name)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function citizenFacts(citizen: RoutingCitizen, receivedAt: Timestamp): CitizenFacts {
  const language = citizen.preferredLanguage.toLowerCase();
  const address = citizen.address;
  const inSpain = address !== undefined && (address.country === undefined || address.country === 'ES');
  return {
    documentKind: citizen.documentNumber !== '' && citizen.documentType ? citizen.documentType : 'none',
    language,
    languagePrimary: language.split('-')[0]!,
    postalCode: inSpain ? (address.postalCode ?? '').replace(/\s+/g, '') : '',
    municipality: address?.municipality ? foldPlaceName(address.municipality) : '',
    contact: citizen.createdAt >= receivedAt - FIRST_CONTACT_WINDOW_MS ? 'first_contact' : 'known',
  };
}

/** The state that priority conditions see: earlier rules may have changed it. */
export type EvaluationState = { priority: TicketPriority };

export type Predicate = (view: TicketView, state: EvaluationState) => boolean;

export type CompiledRule = RuleRef & {
  rule: Rule;
  matches: Predicate;
  actions: readonly RuleAction[];
  /**
   * Word keys of which at least one must be in the ticket's subject or body for the rule to be
   * able to match; absent when no such set exists (a rule with no words, or with a negated one).
   */
  requiredKeys?: readonly string[];
};

export type CompiledRules = {
  rules: readonly CompiledRule[];
  problems: readonly RuleProblem[];
  /**
   * For each word key, the positions in `rules` of the rules that require it: routing a ticket
   * evaluates only the rules whose words it contains (and those without required words), so
   * 200 rules cost little more than the few that could match.
   */
  rulesByKey: ReadonlyMap<string, readonly number[]>;
};

class RuleCompileError extends Error {}

function calendarFor(condition: Extract<RuleCondition, { type: 'time' }>, context: RoutingContext): WorkingCalendar {
  const id = condition.calendarId ?? context.defaultCalendarId;
  if (!id) throw new RuleCompileError('a time condition needs a calendar, and the council has no default calendar');
  const calendar = context.calendars.find((candidate) => candidate.id === id);
  if (!calendar) throw new RuleCompileError(`calendar "${id}" does not exist`);
  try {
    return workingCalendar(calendar);
  } catch (error) {
    throw new RuleCompileError((error as Error).message);
  }
}

function phrases(words: readonly string[]): Phrase[] {
  const compiled = words.map(compilePhrase).filter((phrase): phrase is Phrase => phrase !== undefined);
  if (compiled.length === 0) throw new RuleCompileError(`no word to look for in ${JSON.stringify(words)}`);
  return compiled;
}

function domainKey(domain: string): string {
  return foldAddress(domain).replace(/^[@.]+/, '');
}

function compileCondition(condition: RuleCondition, context: RoutingContext): Predicate {
  switch (condition.type) {
    case 'channel': {
      const channels = new Set<string>(condition.channels);
      return (view) => channels.has(view.ticket.channel);
    }
    case 'mailbox': {
      const mailboxes = new Set(condition.mailboxes.map(foldAddress));
      return (view) => mailboxes.has(view.mailbox);
    }
    case 'sender': {
      const addresses = new Set(condition.addresses.map(foldAddress));
      return (view) => addresses.has(view.from);
    }
    case 'sender_domain': {
      const domains = condition.domains.map(domainKey);
      return (view) => view.fromDomain !== '' && domains.some((domain) => view.fromDomain === domain || view.fromDomain.endsWith('.' + domain));
    }
    case 'words': {
      const list = phrases(condition.words);
      const field = condition.field;
      const found = (view: TicketView, phrase: Phrase) =>
        field === 'subject' ? view.subject.has(phrase) : field === 'body' ? view.body.has(phrase) : view.subject.has(phrase) || view.body.has(phrase);
      return condition.match === 'all' ? (view) => list.every((phrase) => found(view, phrase)) : (view) => list.some((phrase) => found(view, phrase));
    }
    case 'time': {
      const calendar = calendarFor(condition, context);
      const window = condition.window;
      return (view) => {
        const at = view.ticket.receivedAt;
        if (window === 'non_working_day') return !calendar.isWorkingDay(calendar.zone.dayOf(at));
        const inside = isWithinWorkingHours(calendar, at);
        return window === 'working_hours' ? inside : !inside;
      };
    }
    case 'priority': {
      const priorities = new Set<string>(condition.priorities);
      return (_view, state) => priorities.has(state.priority);
    }
    case 'citizen':
      return compileCitizenCondition(condition);
    default:
      // A rule written by a newer version of Ventanilla that reached this one: left out of
      // routing, and reported, rather than guessed at (docs/schemas.md, Schema versions and migrations).
      throw new RuleCompileError(`this version of Ventanilla does not know the condition "${(condition as { type: string }).type}"`);
  }
}

function compileCitizenCondition(condition: CitizenCondition): Predicate {
  switch (condition.attribute) {
    case 'document_type': {
      const kinds = new Set<string>(condition.values);
      return (view) => view.citizen !== undefined && kinds.has(view.citizen.documentKind);
    }
    case 'preferred_language': {
      const languages = new Set(condition.values.map((value) => value.toLowerCase()));
      return (view) => view.citizen !== undefined && (languages.has(view.citizen.language) || languages.has(view.citizen.languagePrimary));
    }
    case 'postal_code': {
      const prefixes = condition.values.map((value) => value.replace(/\s+/g, ''));
      return (view) => view.citizen !== undefined && view.citizen.postalCode !== '' && prefixes.some((prefix) => view.citizen!.postalCode.startsWith(prefix));
    }
    case 'municipality': {
      const names = new Set(condition.values.map(foldPlaceName).filter((name) => name !== ''));
      if (names.size === 0) throw new RuleCompileError(`no municipality to look for in ${JSON.stringify(condition.values)}`);
      return (view) => view.citizen !== undefined && names.has(view.citizen.municipality);
    }
    case 'contact': {
      const contacts = new Set<string>(condition.values);
      return (view) => view.citizen !== undefined && contacts.has(view.citizen.contact);
    }
    default:
      throw new RuleCompileError(`this version of Ventanilla does not know the citizen attribute "${(condition as { attribute: string }).attribute}"`);
  }
}

function checkActions(actions: readonly RuleAction[], context: RoutingContext): void {
  if (!context.departments) return;
  for (const action of actions) {
    if (action.type !== 'set_department') continue;
    const department = context.departments.find((candidate) => candidate.id === action.departmentId);
    if (!department) throw new RuleCompileError(`department "${action.departmentId}" does not exist`);
    if (!department.active) throw new RuleCompileError(`department "${department.name}" is inactive and takes no new tickets`);
  }
}

/** The keys one of which a words condition needs to find, or undefined if it cannot say. */
function conditionKeys(condition: RuleCondition): string[] | undefined {
  if (condition.type !== 'words' || condition.negate) return undefined;
  const list = condition.words.map(compilePhrase).filter((phrase): phrase is Phrase => phrase !== undefined);
  // A single word matched as a prefix has no exact key to look up.
  const indexable = list.filter((phrase) => !(phrase.prefix && phrase.keys.length === 1));
  if (condition.match === 'all') return indexable.length > 0 ? [indexable[0]!.keys[0]!] : undefined;
  return indexable.length === list.length ? [...new Set(list.map((phrase) => phrase.keys[0]!))] : undefined;
}

/** Keys one of which the ticket must contain for the rule to match, when the rule allows saying so. */
export function requiredKeysOf(rule: Rule): string[] | undefined {
  if (rule.conditions.length === 0) return undefined;
  const perCondition = rule.conditions.map(conditionKeys);
  if (rule.match === 'all') {
    const candidates = perCondition.filter((keys): keys is string[] => keys !== undefined);
    return candidates.length > 0 ? candidates.reduce((best, keys) => (keys.length < best.length ? keys : best)) : undefined;
  }
  if (perCondition.some((keys) => keys === undefined)) return undefined;
  return [...new Set(perCondition.flatMap((keys) => keys!))];
}

/** One rule's predicate, whatever its `enabled` flag (the editor previews disabled rules too). */
export function compileRule(rule: Rule, context: RoutingContext): CompiledRule {
  const predicates = rule.conditions.map((condition) => {
    const predicate = compileCondition(condition, context);
    return condition.negate ? (view: TicketView, state: EvaluationState) => !predicate(view, state) : predicate;
  });
  checkActions(rule.actions, context);
  const matches: Predicate =
    predicates.length === 0
      ? () => true
      : rule.match === 'all'
        ? (view, state) => predicates.every((predicate) => predicate(view, state))
        : (view, state) => predicates.some((predicate) => predicate(view, state));
  const requiredKeys = requiredKeysOf(rule);
  return { ruleId: rule.id, ruleName: rule.name, rule, matches, actions: rule.actions, ...(requiredKeys ? { requiredKeys } : {}) };
}

/** The problem of one rule, or undefined when it compiles. */
export function ruleProblem(rule: Rule, context: RoutingContext): RuleProblem | undefined {
  try {
    compileRule(rule, context);
    return undefined;
  } catch (error) {
    if (error instanceof RuleCompileError) return { ruleId: rule.id, ruleName: rule.name, message: error.message };
    throw error;
  }
}

/** Ascending order, ties by id: the order every workstation applies them in. */
export function compareRules(a: Rule, b: Rule): number {
  return a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The enabled rules, ordered and compiled, and the problems of those that could not be. */
export function compileRules(rules: readonly Rule[], context: RoutingContext): CompiledRules {
  const compiled: CompiledRule[] = [];
  const problems: RuleProblem[] = [];
  for (const rule of [...rules].filter((candidate) => candidate.enabled).sort(compareRules)) {
    try {
      compiled.push(compileRule(rule, context));
    } catch (error) {
      if (!(error instanceof RuleCompileError)) throw error;
      problems.push({ ruleId: rule.id, ruleName: rule.name, message: error.message });
    }
  }
  const rulesByKey = new Map<string, number[]>();
  compiled.forEach((rule, index) => {
    for (const key of rule.requiredKeys ?? []) {
      const list = rulesByKey.get(key);
      if (list) list.push(index);
      else rulesByKey.set(key, [index]);
    }
  });
  return { rules: compiled, problems, rulesByKey };
}
