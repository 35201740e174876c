/**
 * The processor: spooled raw messages → parsed → threaded → documents (citizen, ticket, message)
 * written through RxDB (one writer per store: the local database is written by RxDB only).
 *
 * A batch at a time, in spool order. Threading runs message by message against the database and
 * against what this batch has decided so far (a reply in the same batch as its original joins
 * it); the writes go at the end of the batch, in this order: citizens, tickets, messages, then
 * the spool rows are marked done. The message is written last because its existence is what
 * "seen" means: after a crash anywhere in between, the batch is processed again, every id comes
 * out the same (they derive from Message-IDs and addresses), the citizen and ticket inserts find
 * their documents already there, a ticket update is idempotent (ticketAfterMail; the writer of
 * updates to stored tickets is ticket-updates.ts), and a message already written is a duplicate.
 * Nothing lost, nothing doubled.
 */
import { createHash } from 'node:crypto';
import type { RxDatabase } from 'rxdb';
import {
  automaticMail,
  citizenDocumentId,
  citizenFromSender,
  citizenIdentity,
  messageDocumentId,
  messageFromMail,
  messageIdentity,
  ownMessageDocumentId,
  reportKindOf,
  resolveThread,
  returnedMessageIds,
  ticketAfterMail,
  ticketDocumentId,
  ticketDraftOf,
  ticketFromMail,
  type KnownMessage,
  type MailRouter,
  type ReceivedMail,
  type ThreadDecision,
} from '../../core/mail';
import type { PauseContext } from '../../core/routing';
import { NO_CITIZEN, type Citizen, type Collections, type Message, type Ticket } from '../../core/schemas';
import type { MailAccount } from './accounts';
import type { BlobWriter } from './blobs';
import type { CitizenDirectory } from './citizen-directory';
import { parseRawMail, UnparseableMail, type ParsedInbound } from './parse-mail';
import { MAX_ATTEMPTS, type MailSpool, type SpoolEntry } from './spool';
import { applyMailsToStoredTickets } from './ticket-updates';

/** Routing of a new ticket, given the account it arrived in (its default department is the fallback). */
export type AccountRouter = (account: MailAccount) => MailRouter;

export const defaultRouter: AccountRouter = (account) => () => ({ departmentId: account.defaultDepartmentId });

/** Where a mail without a usable From goes: an address that cannot exist (RFC 2606), and no citizen. */
export const UNKNOWN_SENDER = 'remitente-desconocido@sin-remitente.invalid';

export type IngesterOptions = {
  db: RxDatabase<Collections>;
  spool: MailSpool;
  blobs: BlobWriter;
  /** Citizens by e-mail address, for joining a sender to a card a clerk made (the workstation's contact index). */
  citizens: CitizenDirectory;
  account(id: string): MailAccount | undefined;
  route?: AccountRouter;
  /**
   * The council's departments and calendars, for moving the due date of a ticket a citizen's mail
   * takes out of waiting (core/routing/pause.ts); without them the due date stays.
   */
  deadlines?: () => PauseContext;
  /** The council's own addresses: mail from them is automatic, never a citizen. */
  ownAddresses?: () => readonly string[];
  /** Parses a raw file (default: in this thread; a pool of worker threads can stand in). */
  parse?: (file: string) => Promise<ParsedInbound>;
  log?: (line: string) => void;
};

export type BatchReport = { done: number; duplicates: number; quarantined: number; failed: number };

/**
 * Messages parsed at once: enough to keep a pool of parser threads busy, few enough that a batch
 * of large messages (each parse holds its attachments) does not pile up in memory.
 */
const PARSE_CONCURRENCY = 8;

/** At most `size` tasks at a time; the others wait their turn, in order. */
class Semaphore {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

const sha256 = (text: string): Uint8Array => createHash('sha256').update(text, 'utf8').digest();

type Planned = {
  entry: SpoolEntry;
  mail: ReceivedMail;
  decision: ThreadDecision;
  ticketId: string;
  citizenId: string;
};

export class MailIngester {
  private readonly route: AccountRouter;

  constructor(private readonly options: IngesterOptions) {
    this.route = options.route ?? defaultRouter;
  }

  /** Processes up to `limit` spooled messages; resolves with what became of them. */
  async processBatch(limit = 100): Promise<BatchReport> {
    const { spool } = this.options;
    const window = spool.pending(limit * 2);
    const entries = window.slice(0, limit);
    const report: BatchReport = { done: 0, duplicates: 0, quarantined: 0, failed: 0 };
    if (entries.length === 0) return report;

    const parsed: { entry: SpoolEntry; inbound: ParsedInbound }[] = [];
    const parsing = entries.map((entry) => this.parseOf(entry));
    // Parse the next batch while this one is threaded and written: the parser threads and the
    // database's fsyncs then overlap instead of waiting for each other. One read of the spool
    // gives both batches. A parse started for an entry that is no longer next (new mail went
    // ahead of a back-fill) is let go, and the entry parsed again when its turn comes: the map
    // holds the next batch only, never parses no batch will take.
    const next = new Map<number, Promise<ParsedInbound>>();
    for (const entry of window.slice(entries.length)) next.set(entry.id, this.parseOf(entry));
    this.ahead = next;
    const results = await Promise.allSettled(parsing);
    results.forEach((result, index) => {
      const entry = entries[index]!;
      if (result.status === 'fulfilled') return parsed.push({ entry, inbound: result.value });
      const error = result.reason as Error;
      if (error instanceof UnparseableMail || (error as NodeJS.ErrnoException).code === 'ENOENT' || spool.failedAttempt(entry.id) >= MAX_ATTEMPTS) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `el mensaje en bruto no está en el disco (${entry.rawFile})` : error.message;
        spool.quarantine(entry.id, reason);
        this.options.log?.(`mail ${entry.accountId}/${entry.folder} UID ${entry.uid} quarantined: ${reason}`);
        report.quarantined++;
      } else {
        report.failed++;
      }
    });

    const planned = await this.plan(parsed);
    const refused = await this.write(planned);
    for (const [spoolId, reason] of refused) {
      spool.quarantine(spoolId, reason);
      report.quarantined++;
    }
    const plans = planned.filter((plan) => !refused.has(plan.entry.id));
    spool.finish(
      plans.map((plan) => ({
        id: plan.entry.id,
        state: plan.decision.kind === 'duplicate' ? ('duplicate' as const) : ('done' as const),
        messageDocId: plan.mail.messageDocId,
        ticketId: plan.ticketId,
      })),
    );
    for (const plan of plans) {
      if (plan.decision.kind === 'duplicate') report.duplicates++;
      else report.done++;
    }
    return report;
  }

  /** Parses started ahead of their batch (the next batch's entries), by spool id. */
  private ahead = new Map<number, Promise<ParsedInbound>>();
  private readonly parseSlots = new Semaphore(PARSE_CONCURRENCY);

  private parseOf(entry: SpoolEntry): Promise<ParsedInbound> {
    const started = this.ahead.get(entry.id);
    if (started) return started;
    const parse = this.options.parse ?? ((file: string) => parseRawMail(file, this.options.blobs));
    const promise = this.parseSlots.run(() => parse(entry.rawFile));
    // Its batch handles a failure; until then it must not count as unhandled.
    promise.catch(() => undefined);
    return promise;
  }

  // ── planning: threading and the documents, nothing written yet ──────────────────────────

  private batchMessages = new Map<string, KnownMessage>();
  private batchTickets = new Map<string, Ticket>();
  private batchCitizens = new Map<string, Citizen>();
  private newTicketIds = new Set<string>();
  private prefetchedMessages = new Map<string, Message>();
  private prefetchedTickets = new Map<string, Ticket>();
  private prefetchedCitizens = new Set<string>();
  /** The ids those reads asked for: one asked and not found is not stored, and is not asked for again alone. */
  private askedMessages = new Set<string>();
  private askedTickets = new Set<string>();
  private askedCitizens = new Set<string>();
  /** The directory's answers in this batch: the clerk's citizen listing an address, if any. */
  private batchListed = new Map<string, string | undefined>();

  private async plan(parsed: { entry: SpoolEntry; inbound: ParsedInbound }[]): Promise<Planned[]> {
    const { db } = this.options;
    this.batchMessages = new Map();
    this.batchTickets = new Map();
    this.batchCitizens = new Map();
    this.batchListed = new Map();
    this.newTicketIds = new Set();
    // One read for every message any mail of the batch names: its own, In-Reply-To, References.
    const named = new Set<string>();
    for (const { inbound } of parsed) for (const id of [inbound.messageId, inbound.inReplyTo, ...inbound.references]) if (id) named.add(messageDocumentId(sha256(messageIdentity(id))));
    this.askedMessages = named;
    const found = await db.messages.findByIds([...named]).exec();
    this.prefetchedMessages = new Map([...found].map(([id, document]) => [id, document.toJSON() as Message]));
    // And every ticket and citizen they may need: the tickets of those messages and of the
    // mails' thread roots, the citizens derived from the senders' addresses.
    const ticketIds = new Set([...this.prefetchedMessages.values()].map((message) => message.ticketId));
    const citizenIds = new Set<string>();
    for (const { inbound } of parsed) {
      ticketIds.add(ticketDocumentId(sha256(messageIdentity(inbound.references[0] ?? inbound.inReplyTo ?? inbound.messageId))));
      if (inbound.from) citizenIds.add(citizenDocumentId(sha256(citizenIdentity(inbound.from.address))));
    }
    this.askedTickets = ticketIds;
    this.askedCitizens = citizenIds;
    const [tickets, citizens] = await Promise.all([db.tickets.findByIds([...ticketIds]).exec(), db.citizens.findByIds([...citizenIds]).exec()]);
    this.prefetchedTickets = new Map([...tickets].map(([id, document]) => [id, document.toJSON() as Ticket]));
    this.prefetchedCitizens = new Set(citizens.keys());

    const plans: Planned[] = [];
    for (const { entry, inbound } of parsed) {
      const account = this.options.account(entry.accountId);
      if (!account) {
        this.options.spool.quarantine(entry.id, `la cuenta de correo ${entry.accountId} ya no existe`);
        continue;
      }
      plans.push(await this.planOne(entry, inbound, account));
    }
    return plans;
  }

  private async messageByMessageId(messageId: string): Promise<KnownMessage | undefined> {
    const inBatch = this.batchMessages.get(messageId);
    if (inBatch) return inBatch;
    const id = messageDocumentId(sha256(messageIdentity(messageId)));
    const found = this.prefetchedMessages.get(id) ?? (this.askedMessages.has(id) ? undefined : (await this.options.db.messages.findOne(id).exec())?.toJSON());
    if (found && found.email?.messageId === messageId) return { messageDocId: found.id, ticketId: found.ticketId };
    // One of ours (main/mail/outbox): its Message-ID names its document directly.
    const at = messageId.lastIndexOf('@');
    const own = at > 0 ? ownMessageDocumentId(messageId, messageId.slice(at + 1)) : undefined;
    if (own) {
      const sent = (await this.options.db.messages.findOne(own).exec())?.toJSON();
      if (sent && sent.kind === 'email_out') return { messageDocId: sent.id, ticketId: sent.ticketId };
    }
    return undefined;
  }

  private async ticket(id: string): Promise<Ticket | undefined> {
    if (this.batchTickets.has(id) || this.prefetchedTickets.has(id) || this.askedTickets.has(id)) return this.batchTickets.get(id) ?? this.prefetchedTickets.get(id);
    return (await this.options.db.tickets.findOne(id).exec())?.toJSON() as Ticket | undefined;
  }

  /**
   * The citizen of a sender: the one made from the address, else one a clerk gave it, else a new
   * one (unless `create` is false). The derived id is asked first, by primary key, in this batch
   * and in the database: a citizen made from an earlier mail is found there at once, before the
   * contact index has caught up with it, so a sender never gets two citizens; and a new sender
   * gets the same id on every workstation, offline or not.
   */
  private async citizenOf(address: string, name: string | undefined, at: number, create: boolean): Promise<string> {
    if (address === UNKNOWN_SENDER) return NO_CITIZEN;
    const derived = citizenDocumentId(sha256(citizenIdentity(address)));
    if (this.batchCitizens.has(derived) || this.prefetchedCitizens.has(derived)) return derived;
    if (!this.askedCitizens.has(derived) && (await this.options.db.citizens.findOne(derived).exec())) return derived;
    // Asked once per address and batch (a new sender's mail asks before threading and again to create).
    let listed = this.batchListed.get(address);
    if (!this.batchListed.has(address)) {
      listed = (await this.options.citizens.citizensWithEmail(address))[0];
      this.batchListed.set(address, listed);
    }
    if (listed !== undefined) return listed;
    if (!create) return NO_CITIZEN;
    this.batchCitizens.set(derived, citizenFromSender(derived, { address, ...(name && { name }) }, at));
    return derived;
  }

  private async planOne(entry: SpoolEntry, inbound: ParsedInbound, account: MailAccount): Promise<Planned> {
    const from = inbound.from ?? { address: UNKNOWN_SENDER };
    const own = this.options.ownAddresses?.() ?? [];
    const report = reportKindOf(inbound.headers, from.address, inbound.subject);
    const auto = report !== undefined || automaticMail(inbound.headers, { ownAddresses: [...own, account.address] }).automatic;
    const mail: ReceivedMail = {
      messageDocId: messageDocumentId(sha256(messageIdentity(inbound.messageId))),
      email: {
        messageId: inbound.messageId,
        ...(inbound.inReplyTo !== undefined && { inReplyTo: inbound.inReplyTo }),
        references: inbound.references,
        from,
        to: inbound.to,
        cc: inbound.cc,
        ...(inbound.replyTo.length > 0 && { replyTo: inbound.replyTo }),
        mailbox: account.address,
        ...(inbound.sentAt !== undefined && { sentAt: inbound.sentAt }),
      },
      subject: inbound.subject,
      text: inbound.text,
      ...(inbound.html !== undefined && { html: inbound.html }),
      attachments: inbound.attachments,
      receivedAt: entry.internalDate,
      auto,
    };
    const senderCitizen = await this.citizenOf(from.address, from.name, entry.internalDate, false);
    const decision = await resolveThread(
      {
        messageId: inbound.messageId,
        ...(inbound.inReplyTo !== undefined && { inReplyTo: inbound.inReplyTo }),
        references: inbound.references,
        subject: inbound.subject,
        ...(report && { report: { kind: report, returned: returnedMessageIds(inbound.reportTexts).filter((id) => id !== inbound.messageId) } }),
      },
      {
        messageByMessageId: (id) => this.messageByMessageId(id),
        ticketOfSenderByReference: async (reference) => {
          if (senderCitizen === NO_CITIZEN) return undefined;
          const inBatch = [...this.batchTickets.values()].find((ticket) => ticket.reference === reference && ticket.citizenId === senderCitizen);
          if (inBatch) return inBatch.id;
          const found = await this.options.db.tickets.find({ selector: { reference } }).exec();
          return found.find((ticket) => ticket.citizenId === senderCitizen)?.id;
        },
      },
    );

    if (decision.kind === 'duplicate') return { entry, mail, decision, ticketId: decision.ticketId, citizenId: senderCitizen };

    let ticketId: string;
    let citizenId: string;
    if (decision.kind === 'existing') {
      ticketId = decision.ticketId;
      const ticket = await this.ticket(ticketId);
      // Machine mail (a bounce, an out-of-office) is nobody's word: it makes no citizen, and stays
      // off the citizen card of the ticket's citizen too.
      citizenId = senderCitizen !== NO_CITIZEN || auto ? senderCitizen : await this.citizenOf(from.address, from.name, entry.internalDate, true);
      if (ticket) this.batchTickets.set(ticketId, ticketAfterMail(ticket, mail));
    } else {
      citizenId = senderCitizen !== NO_CITIZEN || auto ? senderCitizen : await this.citizenOf(from.address, from.name, entry.internalDate, true);
      const rootDigest = sha256(messageIdentity(decision.rootMessageId));
      ticketId = ticketDocumentId(rootDigest);
      const existing = await this.ticket(ticketId);
      if (existing) {
        this.batchTickets.set(ticketId, ticketAfterMail(existing, mail));
      } else {
        // Rules may look at the citizen: the one this mail made, or the one already on record.
        const citizen = this.batchCitizens.get(citizenId) ?? (citizenId !== NO_CITIZEN ? ((await this.options.db.citizens.findOne(citizenId).exec())?.toJSON() as Citizen | undefined) : undefined);
        const route = this.route(account)(ticketDraftOf(mail, citizenId, citizen));
        this.batchTickets.set(ticketId, ticketFromMail(mail, rootDigest, citizenId, route));
        this.newTicketIds.add(ticketId);
      }
    }
    this.batchMessages.set(inbound.messageId, { messageDocId: mail.messageDocId, ticketId });
    return { entry, mail, decision, ticketId, citizenId };
  }

  // ── writing ─────────────────────────────────────────────────────────────────────────────

  /**
   * Writes the batch's documents; returns the spool entries whose documents the database refused
   * (a document its schema rejects), with the reason, to be quarantined instead of retried forever.
   */
  private async write(plans: Planned[]): Promise<Map<number, string>> {
    const { db } = this.options;
    const refused = new Map<number, string>();
    const fresh = plans.filter((plan) => plan.decision.kind !== 'duplicate');
    if (fresh.length === 0) return refused;
    const refuse = (collection: string, result: BulkResult, entriesOf: (documentId: string) => Planned[]) => {
      for (const error of result.error) {
        if (error.status === 409) continue;
        const reason = `la base de datos rechazó ${collection} ${String(error.documentId)} (estado ${error.status}): ${JSON.stringify(error.validationErrors ?? error).slice(0, 500)}`;
        for (const plan of entriesOf(String(error.documentId))) refused.set(plan.entry.id, reason);
      }
    };

    const citizens = [...this.batchCitizens.values()];
    if (citizens.length > 0) refuse('el ciudadano', await db.citizens.bulkInsert(citizens), (id) => fresh.filter((plan) => plan.citizenId === id));

    const created = [...this.newTicketIds].map((id) => this.batchTickets.get(id)!);
    const insertResult: BulkResult = created.length > 0 ? await db.tickets.bulkInsert(created) : { error: [] };
    refuse('el caso', insertResult, (id) => fresh.filter((plan) => plan.ticketId === id));
    // Tickets that already existed (a replay, or another workstation's copy arrived by sync) get
    // the mails' updates applied to what is stored now, never overwritten with our copy.
    const toUpdate = new Set([...this.batchTickets.keys()].filter((id) => !this.newTicketIds.has(id)));
    for (const conflict of insertResult.error) if (conflict.status === 409) toUpdate.add(String(conflict.documentId));
    await applyMailsToStoredTickets(db, toUpdate, (id) => fresh.filter((plan) => plan.ticketId === id).map((plan) => plan.mail), {
      ...(this.options.deadlines && { deadlines: this.options.deadlines() }),
      ...(this.options.log && { log: this.options.log }),
    });

    const messages = fresh
      .filter((plan) => !refused.has(plan.entry.id))
      .map((plan) => {
        const reportOf = plan.decision.kind === 'existing' && plan.decision.by === 'report' ? plan.decision.reportOf : undefined;
        return messageFromMail(plan.mail, plan.ticketId, plan.citizenId, reportOf);
      });
    if (messages.length > 0) refuse('el mensaje', await db.messages.bulkInsert(messages), (id) => fresh.filter((plan) => plan.mail.messageDocId === id));
    return refused;
  }
}

/** What a bulk insert reports: a 409 is a document already there (a replay, a sync); anything else a refusal. */
type BulkResult = { error: { status: number; documentId: unknown; validationErrors?: unknown }[] };
