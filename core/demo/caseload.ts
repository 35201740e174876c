/**
 * A fictional council's caseload for demos, tests and benchmarks: the Ayuntamiento de Villanueva
 * del Prado with 15 departments, 40 staff, its calendars, templates and routing rules, citizens
 * with valid DNI/NIE/CIF, and as many tickets as asked for (with ~3 messages each) spread over two
 * years, every document valid against core/schemas.
 *
 *   for (const batch of caseloadBatches({ seed: 'demo', tickets: 100_000, now: Date.now() })) {
 *     await insertBatch(db, batch); // db[batch.collection].bulkInsert(batch.documents), typed
 *   }
 *   const small = generateCaseload({ tickets: 500 }); // { tickets: [...], messages: [...], … }
 *   const caseload = new Caseload({ tickets: 100_000 }); caseload.ticket(4_217); // one, alone
 *
 * Deterministic: the same options give the same documents on every machine (a seeded PRNG, Madrid
 * time by arithmetic, no clock unless `now` is passed). Each ticket and citizen is drawn from its
 * own random stream, so `new Caseload(options).ticket(n)` builds ticket n alone, and generating
 * in batches of any size never holds more than one batch in memory (100k tickets and 300k
 * messages stream through a few megabytes, at ~30,000 documents a second).
 *
 * Batches come collection by collection: calendars, departments, users, templates, rules, then
 * citizens, then tickets each followed by their messages. Ticket n is the n-th to arrive, so
 * references (`2025-000123`) are numbered per year in arrival order.
 *
 * The pieces: council.ts (departments, staff, calendars), templates-and-rules.ts, people.ts
 * (names, DNI/NIE/CIF, phones, streets), citizens.ts, topics.ts (what citizens ask, in Spanish),
 * threads.ts (the messages of a ticket), layout.ts (when tickets arrive), madrid-time.ts,
 * random.ts (the seeded generator).
 */
import type { RxCollection, RxDatabase, RxStorageWriteError } from 'rxdb';
import {
  COLLECTION_NAMES,
  INTAKE_DEPARTMENT_ID,
  NO_CITIZEN,
  NO_DUE_DATE,
  UNASSIGNED,
  type Channel,
  type Citizen,
  type CollectionDocTypes,
  type CollectionName,
  type Collections,
  type Message,
  type Ticket,
  type TicketPriority,
  type TicketStatus,
  type User,
} from '../schemas';
import { DEPARTMENTS, STAFF, buildCalendars, buildDepartments, buildUsers, type DepartmentPlan } from './council';
import { buildRules, buildTemplates } from './templates-and-rules';
import { ArrivalLayout } from './layout';
import { DAY_MS, dayOf, minuteOfDay, yearOf } from './madrid-time';
import { buildCitizen, type CitizenBuilt } from './citizens';
import { Random, Weighted, uuidv7, type Seed } from './random';
import { ThreadWriter, type Step, type ThreadClerk } from './threads';
import { INTERNAL_TOPIC, TOPICS, type Topic } from './topics';

/** 2026-06-01 10:00 in Madrid: the default "now", so the default caseload never changes. */
export const DEMO_NOW = Date.UTC(2026, 5, 1, 8, 0);

export type CaseloadOptions = {
  /** Same seed, same caseload. Default 'villanueva'. */
  seed?: Seed;
  /** How many tickets. */
  tickets: number;
  /** Average messages per ticket (at least 1); default 3. Recent tickets have fewer. */
  messagesPerTicket?: number;
  /** The moment the caseload reaches; nothing happens after it. Default {@link DEMO_NOW}. */
  now?: number;
  /** How many days before `now` the first ticket may come in; default 730 (two years). */
  days?: number;
  /** Citizens per ticket (some come back many times, some never had a case); default 0.6. */
  citizensPerTicket?: number;
};

/** A batch of documents of one collection, ready for `db[collection].bulkInsert(documents)`. */
export type CaseloadBatch = { [N in CollectionName]: { collection: N; documents: CollectionDocTypes[N][] } }[CollectionName];

export type GeneratedCaseload = { [N in CollectionName]: CollectionDocTypes[N][] };

/** A ticket with its thread, oldest message first. */
export type TicketWithMessages = { ticket: Ticket; messages: Message[] };

type Fate = 'closed' | 'resolved' | 'stalled_pending' | 'stalled_open' | 'untouched';
const FATES = new Weighted<Fate>([['closed', 72], ['resolved', 20.5], ['stalled_pending', 3], ['stalled_open', 3], ['untouched', 1.5]]);
const PRIORITIES = new Weighted<TicketPriority>([['low', 12], ['normal', 70], ['high', 14], ['urgent', 4]]);
const PRIORITY_SPEED: Record<TicketPriority, number> = { urgent: 0.15, high: 0.4, normal: 1, low: 1.5 };
const OFFICE_CHANNELS: readonly (readonly [Channel, number])[] = [['email', 30], ['web_form', 18], ['phone', 22], ['visit', 20], ['chat', 4], ['internal', 3]];
const CLOSED_CHANNELS: readonly (readonly [Channel, number])[] = [['email', 58], ['web_form', 35], ['phone', 6], ['chat', 4]];
const ROUTING_RULE_OF: Record<string, number> = { urbanismo: 1, hacienda: 2, padron: 3, 'servicios-sociales': 6 };

type StaffEntry = { user: User; weight: number; leftAt: number };

function topicTable(channel: Channel, afterHours: boolean): Weighted<Topic> {
  return new Weighted(
    TOPICS.map((topic) => {
      let weight = topic.weight * (topic.channels?.[channel] ?? 1);
      if (afterHours) weight *= topic.anyHour ? 3 : channel === 'phone' ? 0 : 1;
      return [topic, weight] as const;
    }),
  );
}

export class Caseload {
  readonly seed: string;
  readonly tickets: number;
  readonly citizens: number;
  readonly now: number;
  readonly messagesPerTicket: number;
  readonly layout: ArrivalLayout;
  readonly council: Pick<GeneratedCaseload, 'calendars' | 'departments' | 'users' | 'templates' | 'rules'>;
  /** Citizens who exist before the first ticket (the register the council already had). */
  private readonly knownCitizens: number;
  private readonly staff = new Map<string, StaffEntry[]>();
  private readonly topics = new Map<string, Weighted<Topic>>();
  private readonly channels = { office: new Weighted(OFFICE_CHANNELS), closed: new Weighted(CLOSED_CHANNELS) };

  constructor(options: CaseloadOptions) {
    const { tickets, messagesPerTicket = 3, now = DEMO_NOW, days = 730, citizensPerTicket = 0.6 } = options;
    if (!Number.isInteger(tickets) || tickets < 0) throw new RangeError(`tickets must be a whole number ≥ 0, not ${tickets}`);
    if (!(messagesPerTicket >= 1)) throw new RangeError(`messagesPerTicket must be ≥ 1, not ${messagesPerTicket}`);
    if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a whole number ≥ 1, not ${days}`);
    if (!(citizensPerTicket > 0)) throw new RangeError(`citizensPerTicket must be > 0, not ${citizensPerTicket}`);
    // Citizens already in the register may date from up to six years before the first ticket.
    if (!Number.isInteger(now) || now < (days + 7 * 365) * DAY_MS) throw new RangeError(`now must be a time in milliseconds after 1977, not ${now}`);
    this.seed = String(options.seed ?? 'villanueva');
    this.tickets = tickets;
    this.now = now;
    this.messagesPerTicket = messagesPerTicket;
    this.citizens = Math.max(1, Math.round(tickets * citizensPerTicket));
    this.knownCitizens = Math.round(this.citizens * 0.3);
    this.layout = new ArrivalLayout(tickets, now, days);

    const start = this.layout.firstDay * DAY_MS;
    const setUp = start - 90 * DAY_MS;
    const users = buildUsers(this.seed, setUp, now);
    this.council = {
      calendars: buildCalendars(yearOf(dayOf(setUp)), yearOf(this.layout.lastDay) + 1, setUp),
      departments: buildDepartments(setUp),
      users,
      templates: buildTemplates(this.seed, setUp + DAY_MS),
      rules: buildRules(this.seed, setUp + 2 * DAY_MS),
    };
    STAFF.forEach((plan, index) => {
      const user = users[index]!;
      if (plan.role === 'admin') return;
      for (const departmentId of plan.departmentIds) {
        const list = this.staff.get(departmentId) ?? [];
        list.push({ user, weight: plan.role === 'clerk' ? (plan.departmentIds[0] === departmentId ? 4 : 1.5) : 1, leftAt: user.active ? Infinity : user.updatedAt });
        this.staff.set(departmentId, list);
      }
    });
  }

  /** Every document, collection by collection, in batches of at most `batchSize`. */
  *batches(batchSize = 1_000): Generator<CaseloadBatch> {
    if (!(batchSize >= 1)) throw new RangeError(`batchSize must be ≥ 1, not ${batchSize}`);
    yield { collection: 'calendars', documents: this.council.calendars };
    yield { collection: 'departments', documents: this.council.departments };
    yield { collection: 'users', documents: this.council.users };
    yield { collection: 'templates', documents: this.council.templates };
    yield { collection: 'rules', documents: this.council.rules };
    for (let first = 0; first < this.citizens; first += batchSize) {
      const documents: Citizen[] = [];
      for (let n = first; n < Math.min(this.citizens, first + batchSize); n++) documents.push(this.citizen(n));
      yield { collection: 'citizens', documents };
    }
    for (let first = 0; first < this.tickets; first += batchSize) {
      const tickets: Ticket[] = [];
      let messages: Message[] = [];
      for (let n = first; n < Math.min(this.tickets, first + batchSize); n++) {
        const built = this.ticket(n);
        tickets.push(built.ticket);
        messages.push(...built.messages);
      }
      yield { collection: 'tickets', documents: tickets };
      while (messages.length > 0) {
        yield { collection: 'messages', documents: messages.slice(0, batchSize) };
        messages = messages.slice(batchSize);
      }
    }
  }

  /** Citizen n (0 ≤ n < citizens). */
  citizen(n: number): Citizen {
    return this.buildCitizen(n).doc;
  }

  /** When ticket n came in; increases with n. */
  ticketCreatedAt(n: number): number {
    return this.layout.arrival(n, new Random(this.seed, 'arrival', n).next());
  }

  /** The ticket that brought citizen n to the council, for those not in the register before. */
  private introducedBy(n: number): number | undefined {
    if (n < this.knownCitizens) return undefined;
    return Math.floor(((n - this.knownCitizens) * this.tickets) / (this.citizens - this.knownCitizens));
  }

  private buildCitizen(n: number): CitizenBuilt {
    const random = new Random(this.seed, 'citizens', n);
    const introducer = this.introducedBy(n);
    const createdAt =
      introducer === undefined || introducer >= this.tickets
        ? this.layout.firstDay * DAY_MS - random.between(30, 6 * 365) * DAY_MS - random.int(DAY_MS)
        : this.ticketCreatedAt(introducer);
    return buildCitizen(random, createdAt, this.now);
  }

  /** Which citizen ticket n is about: the one it brought in, or one who came before. */
  private citizenOf(n: number, random: Random): number {
    const fresh = this.citizens - this.knownCitizens;
    const introduced = this.knownCitizens + Math.ceil((n * fresh) / this.tickets);
    if (introduced < this.citizens && this.introducedBy(introduced) === n) return introduced;
    const existing = Math.min(this.citizens, this.knownCitizens + Math.ceil(((n + 1) * fresh) / this.tickets));
    // Skewed towards the register's first entries: a few regulars come back again and again.
    return Math.min(existing - 1, Math.floor(existing * Math.pow(random.next(), 1.6)));
  }

  private pickStaff(departmentId: string, at: number, random: Random): User {
    const list = (this.staff.get(departmentId) ?? this.staff.get('atencion-ciudadana')!).filter((entry) => entry.leftAt > at);
    return new Weighted(list.map((entry) => [entry.user, entry.weight] as const)).pick(random);
  }

  private topicFor(channel: Channel, afterHours: boolean, random: Random): Topic {
    if (channel === 'internal') return INTERNAL_TOPIC;
    const key = `${channel}|${afterHours}`;
    let table = this.topics.get(key);
    if (!table) this.topics.set(key, (table = topicTable(channel, afterHours)));
    return table.pick(random);
  }

  /** Ticket n (0 ≤ n < tickets) and its messages. */
  ticket(n: number): TicketWithMessages {
    if (!(n >= 0 && n < this.tickets)) throw new RangeError(`ticket ${n} is outside 0…${this.tickets - 1}`);
    const random = new Random(this.seed, 'tickets', n);
    const createdAt = this.ticketCreatedAt(n);
    const day = dayOf(createdAt);
    const minute = minuteOfDay(createdAt);
    const inOffice = this.layout.isWorkingDay(day) && minute >= 8 * 60 && minute < 15 * 60;
    let channel = (inOffice ? this.channels.office : this.channels.closed).pick(random);
    if (channel === 'visit' && (minute < 9 * 60 || minute >= 14 * 60)) channel = 'phone';
    const topic = this.topicFor(channel, !inOffice, random);
    const citizen = channel === 'internal' ? undefined : this.buildCitizen(this.citizenOf(n, random)).view;
    if (channel === 'email' && !citizen?.email) channel = citizen?.phone ? 'phone' : 'visit';
    if (channel === 'chat' && !citizen) channel = 'email';

    const department = DEPARTMENTS.find((d) => d.id === topic.departmentId)!;
    const priority = topic.priority && random.chance(0.6) ? topic.priority : PRIORITIES.pick(random);
    const fate = FATES.pick(random);
    const plan = this.planSteps(fate, channel, !!citizen?.email, random);
    const { steps, status, resolvedAt, lastActivityAt } = this.schedule(plan, fate, createdAt, channel, department, priority, !!citizen?.email, random);

    const intake = status === 'new' && (channel === 'email' || channel === 'web_form') && random.chance(0.45);
    const departmentId = intake ? INTAKE_DEPARTMENT_ID : department.id;
    const assignee = intake || (status === 'new' && random.chance(0.8)) || random.chance(0.03) ? undefined : this.pickStaff(department.id, lastActivityAt, random);
    const writerClerk = assignee ?? this.pickStaff(intake ? 'atencion-ciudadana' : department.id, lastActivityAt, random);
    const frontDesk = channel === 'visit' && random.chance(0.7) ? this.pickStaff('atencion-ciudadana', createdAt, random) : writerClerk;
    const clerkOf = (user: User): ThreadClerk => ({ id: user.id, name: user.name, email: user.email });

    const year = yearOf(day);
    const reference = `${year}-${String(n - this.layout.firstTicketOfYear(year) + 1).padStart(6, '0')}`;
    const writer = new ThreadWriter({
      random,
      reference,
      topic,
      channel,
      department: intake ? undefined : department,
      citizen,
      clerk: clerkOf(writerClerk),
      frontDesk: clerkOf(frontDesk),
      createdAt,
    });
    const id = uuidv7(random, createdAt);
    const messages = steps.map(({ step, at }) => {
      const message = writer.write(step, at);
      return { ...message, id: message.id || uuidv7(random, at), ticketId: id };
    });
    const firstResponse = messages.find((m) => !m.auto && m.authorId && m.kind !== 'note' && m.createdAt > createdAt);
    const firstResponseAt = firstResponse?.createdAt ?? resolvedAt;

    const tags = new Set(topic.tags ?? []);
    if (!inOffice && (channel === 'email' || channel === 'web_form')) tags.add('fuera-de-horario');
    if (steps.some((s) => s.step === 'followup')) tags.add('reiterada');
    if (citizen && !citizen.email && !citizen.phone) tags.add('sin-contacto');

    const resolution = department.sla.resolution;
    const dueAt =
      intake || channel === 'internal' || !resolution || random.chance(0.1) ? NO_DUE_DATE : this.dueDate(createdAt, resolution.amount, resolution.unit);
    const ruleIndex = ROUTING_RULE_OF[department.id];
    const routed = !intake && ruleIndex !== undefined && (channel === 'email' || channel === 'web_form') && random.chance(0.4);

    const ticket: Ticket = {
      id,
      reference,
      subject: writer.subject,
      status,
      priority,
      channel,
      departmentId,
      assigneeId: assignee?.id ?? UNASSIGNED,
      citizenId: citizen?.id ?? NO_CITIZEN,
      createdAt,
      updatedAt: lastActivityAt,
      lastActivityAt,
      dueAt,
      tags: [...tags],
      category: topic.key,
      ...(routed ? { routedBy: this.council.rules[ruleIndex]!.id } : {}),
      ...(firstResponseAt !== undefined ? { firstResponseAt } : {}),
      ...(resolvedAt !== undefined ? { resolvedAt } : {}),
    };
    return { ticket, messages };
  }

  /** The steps of a thread of about `messagesPerTicket` messages, for the ticket's fate. */
  private planSteps(fate: Fate, channel: Channel, byMail: boolean, random: Random): Step[] {
    const trials = Math.max(0, Math.round(2 * (this.messagesPerTicket - 1)));
    const p = Math.min(1, 0.5 * (fate === 'untouched' ? 0.3 : fate.startsWith('stalled') ? 0.9 : 1.04));
    let count = 1;
    for (let i = 0; i < trials; i++) if (random.chance(p)) count++;
    const answered = fate === 'closed' || fate === 'resolved';
    const settledAtOnce = answered && count === 1 && (channel === 'phone' || channel === 'visit' || channel === 'chat');
    if (answered && count === 1 && !settledAtOnce) count = 2;

    const steps: Step[] = ['opening'];
    if (count >= 2 && byMail && (channel === 'email' || channel === 'web_form') && random.chance(0.6)) steps.push('ack');
    if (fate === 'untouched') {
      while (steps.length < count) steps.push(channel === 'internal' ? 'note' : 'followup');
      return steps;
    }
    const tail: Step[] = answered && !settledAtOnce ? ['answer'] : fate === 'stalled_pending' && channel !== 'internal' ? ['request'] : [];
    while (steps.length + tail.length < count) {
      const left = count - steps.length - tail.length;
      if (left >= 2 && channel !== 'internal' && random.chance(0.55)) steps.push('request', 'reply');
      else steps.push(channel !== 'internal' && random.chance(0.15) ? 'followup' : 'note');
    }
    return [...steps, ...tail];
  }

  /** When each step happens, which have happened by `now`, and the status that follows. */
  private schedule(plan: Step[], fate: Fate, createdAt: number, channel: Channel, department: DepartmentPlan, priority: TicketPriority, byMail: boolean, random: Random) {
    const speed = PRIORITY_SPEED[priority];
    const anyHour = department.id === 'policia-local';
    const steps: { step: Step; at: number }[] = [];
    let at = createdAt;
    let clerkActed = channel === 'phone' || channel === 'visit' || channel === 'internal';
    for (const step of plan) {
      if (step === 'ack') at += random.between(40_000, 240_000);
      else if (step === 'reply' || step === 'followup') {
        at += Math.round(Math.max(600_000, random.exponential(3 * DAY_MS)));
        // Who has no mail calls or comes in while the offices are open; mail is written awake.
        if (!byMail) at = this.layout.nextOfficeMoment(at, random.int(330));
        else if (minuteOfDay(at) < 7 * 60) at += (7 * 60 - minuteOfDay(at) + random.int(900)) * 60_000;
      }
      else if (step !== 'opening') {
        const mean = step === 'answer' ? 3 * DAY_MS : clerkActed ? 2 * DAY_MS : DAY_MS;
        at += Math.round(Math.max(300_000, random.exponential(mean * speed)));
        if (!anyHour) at = Math.max(at, this.layout.nextOfficeMoment(at, random.int(330)));
      }
      if (at > this.now) break;
      steps.push({ step, at });
      if (step !== 'opening' && step !== 'ack' && step !== 'reply' && step !== 'followup') clerkActed = true;
    }
    const last = steps[steps.length - 1]!;
    const answered = steps.some((s) => s.step === 'answer');
    const settledAtOnce = plan.length === 1 && (fate === 'closed' || fate === 'resolved');
    let status: TicketStatus;
    let resolvedAt: number | undefined;
    let lastActivityAt = last.at;
    if (answered || settledAtOnce) {
      resolvedAt = answered ? last.at : Math.min(this.now, createdAt + random.between(120_000, 1_200_000));
      const closeAfter = fate === 'closed' ? random.between(3, 15) * DAY_MS : random.between(30, 45) * DAY_MS;
      status = resolvedAt + closeAfter <= this.now ? 'closed' : 'resolved';
      lastActivityAt = status === 'closed' ? resolvedAt + closeAfter : Math.max(last.at, resolvedAt);
    } else {
      const lastClerkStep = [...steps].reverse().find((s) => s.step === 'note' || s.step === 'request' || s.step === 'reply');
      status = !clerkActed ? 'new' : lastClerkStep?.step === 'request' ? 'pending' : 'open';
    }
    return { steps, status, resolvedAt, lastActivityAt };
  }

  private dueDate(createdAt: number, amount: number, unit: 'working_hours' | 'working_days' | 'calendar_days' | 'months'): number {
    switch (unit) {
      case 'working_days':
        return this.layout.addWorkingDays(createdAt, amount);
      case 'working_hours':
        return this.layout.addWorkingDays(createdAt, Math.ceil(amount / 5));
      case 'calendar_days':
        return createdAt + amount * DAY_MS;
      case 'months': {
        const date = new Date(createdAt);
        date.setUTCMonth(date.getUTCMonth() + amount);
        return date.getTime();
      }
    }
  }
}

/** Every document of a caseload, in batches of at most `batchSize` (default 1,000). */
export function* caseloadBatches(options: CaseloadOptions & { batchSize?: number }): Generator<CaseloadBatch> {
  yield* new Caseload(options).batches(options.batchSize);
}

/** A whole caseload in memory, one array per collection: for small caseloads (tests, demos). */
export function generateCaseload(options: CaseloadOptions): GeneratedCaseload {
  const result = Object.fromEntries(COLLECTION_NAMES.map((name) => [name, [] as unknown[]])) as GeneratedCaseload;
  for (const batch of new Caseload(options).batches(10_000)) {
    (result[batch.collection] as unknown[]).push(...batch.documents);
  }
  return result;
}

/**
 * Writes one batch into a council database with RxDB's bulkInsert, through the collection's
 * validation. Resolves with the documents RxDB refused (none, for a generated caseload, unless
 * they are already there: a second run reports CONFLICT for each).
 */
export async function insertBatch(db: RxDatabase<Collections>, batch: CaseloadBatch): Promise<RxStorageWriteError<unknown>[]> {
  // TypeScript cannot tie db[batch.collection] to batch.documents through the union.
  const collection = db[batch.collection] as unknown as RxCollection<CaseloadBatch['documents'][number]>;
  const { error } = await collection.bulkInsert(batch.documents);
  return error as RxStorageWriteError<unknown>[];
}
