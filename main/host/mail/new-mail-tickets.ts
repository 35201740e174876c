/**
 * What happens after the mail channel has written a mail this workstation ingested: its
 * attachments join the upload queue, and when the mail opened a ticket, the ticket is assigned
 * (the department's assignment mode) and the citizen gets the department's automatic answer
 * (issues 5 and 6). Reads the spool's finished rows in the order they finished, from a cursor
 * kept in `<dataDir>/mail/after-ingest.json`; everything it does is idempotent (the
 * acknowledgement's id derives from the mail's, an assignment is made only on an unassigned
 * ticket), so a crash replays the last rows harmlessly.
 *
 * Only mail that arrived after this workstation started ingesting its account, and at most
 * ACKNOWLEDGE_WITHIN_MS old, is acknowledged: a new account back-filling years of mail, or a
 * workstation back from a week offline, must not answer citizens about old letters.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { RxDatabase } from 'rxdb';
import { workingCalendar } from '../../../core/calendar';
import { assignmentCandidates, clerkLoads, departmentCalendar, planNewTicket, type AutoReplyPlan, type NewTicketPlan } from '../../../core/routing';
import { pickTemplate, renderTemplate, standardValues } from '../../../core/templates';
import { parseHeaderBlock, type InboundHeaders } from '../../../core/mail/loops';
import { INTAKE_DEPARTMENT_ID, NO_CITIZEN, UNASSIGNED, type Citizen, type Collections, type Message, type Ticket } from '../../../core/schemas';
import { stampTicketEdit } from '../../../core/sync/ticket-merge';
import type { FinishedCursor, FinishedEntry, MailChannel } from '../../mail';
import type { AcknowledgementOutcome, Outbox } from '../../mail/outbox';
import { routingTicketOf, type CouncilRouting } from './council-routing';

export const ACKNOWLEDGE_WITHIN_MS = 3 * 24 * 60 * 60 * 1000;
/** The header section is read from the raw mail up to this size (headers past it are ignored). */
const HEADER_READ_LIMIT = 256 * 1024;

type Cursor = { finishedAt: number; id: number; acknowledgeSince: Record<string, number> };

export type AfterIngestOptions = {
  db: RxDatabase<Collections>;
  mail: MailChannel;
  outbox: Outbox;
  routing: CouncilRouting;
  dataDir: string;
  councilName: () => string;
  /** Attachments to upload to the central server (absent in a local-only office). */
  enqueueBlob?: (sha256: string) => void;
  /** Whether a clerk counts as working (signed in, not away) for assignment. */
  isWorking: (userId: string) => boolean;
  log: (line: string) => void;
  clock?: () => number;
};

export type AfterIngestReport = { acknowledged: AcknowledgementOutcome[]; assigned: string[] };

/** Reads the header section of a raw message (up to the first empty line). */
export async function readHeaders(file: string): Promise<InboundHeaders> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_READ_LIMIT);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_READ_LIMIT, 0);
    // latin1 keeps every byte: header names and the values loop detection reads are ASCII.
    return parseHeaderBlock(buffer.subarray(0, bytesRead).toString('latin1'));
  } finally {
    await handle.close();
  }
}

export class AfterIngest {
  private readonly cursorFile: string;
  private cursor: Cursor;
  /** The cursor as last written to disk (a crash resumes from there, so that is what is still needed after). */
  private written: FinishedCursor;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly clock: () => number;
  private readonly unsubscribe: () => void;
  private readonly listeners = new Set<(report: AfterIngestReport) => void>();
  /** The citizen of the mail being handled (one at a time), for re-rendered answers. */
  private citizenName: string | undefined;

  constructor(private readonly options: AfterIngestOptions) {
    this.clock = options.clock ?? Date.now;
    this.cursorFile = path.join(options.dataDir, 'mail', 'after-ingest.json');
    this.cursor = this.readCursor();
    this.written = { finishedAt: this.cursor.finishedAt, id: this.cursor.id };
    this.noteAccounts();
    // The channel publishes its status after every processed batch.
    this.unsubscribe = options.mail.onStatus(() => this.kick());
    this.kick();
  }

  /** Called with what each pass did (tests, the log). */
  onPass(listener: (report: AfterIngestReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Accounts seen for the first time start being acknowledged from now on. */
  noteAccounts(): void {
    let changed = false;
    for (const account of this.options.mail.accounts.list()) {
      if (this.cursor.acknowledgeSince[account.id] === undefined) {
        // A minute of slack: INTERNALDATE has whole seconds, and mail delivered while the account was being set up is new mail.
        this.cursor.acknowledgeSince[account.id] = this.clock() - 60_000;
        changed = true;
      }
    }
    if (changed) this.writeCursor();
  }

  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (error) {
          this.options.log(`after ingest: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
  }

  /**
   * The last finished mail handled (and written to the cursor file): raw files after it are still
   * to be read, so the spool's pruner keeps them (main/mail/raw-retention.ts).
   */
  get position(): FinishedCursor {
    return { ...this.written };
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.unsubscribe();
  }

  private async pass(): Promise<void> {
    const spool = this.options.mail.spool;
    if (!spool.open) return;
    const rows = spool.finishedSince(this.cursor, 200);
    if (rows.length === 0) return;
    const report: AfterIngestReport = { acknowledged: [], assigned: [] };
    for (const row of rows) {
      await this.afterMail(row, report);
      this.cursor.finishedAt = row.finishedAt;
      this.cursor.id = row.id;
    }
    this.writeCursor();
    for (const listener of this.listeners) listener(report);
    if (rows.length === 200) this.again = true;
  }

  private async afterMail(row: FinishedEntry, report: AfterIngestReport): Promise<void> {
    const { db } = this.options;
    const messageDoc = await db.messages.findOne(row.messageDocId).exec();
    if (!messageDoc) return;
    const message = messageDoc.toMutableJSON();
    for (const attachment of message.attachments) this.options.enqueueBlob?.(attachment.sha256);
    const ticketDoc = await db.tickets.findOne(row.ticketId).exec();
    if (!ticketDoc || message.kind !== 'email_in' || !message.email) return;
    const ticket = ticketDoc.toMutableJSON();
    // The mail opened the ticket: ticketFromMail dates a ticket by its first mail.
    if (ticket.channel !== 'email' || ticket.createdAt !== message.createdAt) return;
    const plan = await this.plan(ticket, message);
    if (!plan) return;
    if (ticket.assigneeId === UNASSIGNED && plan.assigneeId !== UNASSIGNED && plan.department?.id === ticket.departmentId) {
      const assigneeId = plan.assigneeId;
      await ticketDoc.incrementalModify((current) => (current.assigneeId === UNASSIGNED ? stampTicketEdit(current as Ticket, { assigneeId }, Math.max(this.clock(), current.updatedAt + 1)) : current));
      report.assigned.push(ticket.id);
    }
    const since = this.cursor.acknowledgeSince[row.accountId] ?? this.clock();
    if (message.auto || row.internalDate < since || row.internalDate < this.clock() - ACKNOWLEDGE_WITHIN_MS) return;
    await this.acknowledge(ticket, message, plan, row, report);
  }

  private async plan(ticket: Ticket, message: Message): Promise<NewTicketPlan | undefined> {
    const { db, routing } = this.options;
    const council = routing.current;
    const citizen = message.citizenId !== NO_CITIZEN ? await db.citizens.findOne(message.citizenId).exec() : null;
    this.citizenName = citizen?.name || undefined;
    const openTickets = async (departmentId: string) => (await db.tickets.find({ selector: { departmentId, status: { $in: ['new', 'open', 'pending'] } } }).exec()).map((doc) => doc.toJSON() as Ticket);
    const departmentTickets = ticket.departmentId ? await openTickets(ticket.departmentId) : [];
    const loads = clerkLoads(departmentTickets.filter((other) => other.id !== ticket.id), ticket.departmentId);
    try {
      return planNewTicket({
        ticket: { ...routingTicketOf({ subject: ticket.subject, text: message.text, from: message.email!.from, to: message.email!.to, cc: message.email!.cc, mailbox: message.email!.mailbox, citizenId: message.citizenId, auto: message.auto ?? false, attachmentCount: message.attachments.length, receivedAt: message.createdAt, ...(citizen && { citizen: citizen.toJSON() as Citizen }) }), id: ticket.id, reference: ticket.reference, tags: ticket.tags },
        language: citizen?.preferredLanguage ?? 'es',
        ...(citizen?.name ? { citizen: { name: citizen.name } } : {}),
        rules: council.rules,
        departments: council.departments,
        calendars: council.calendars,
        defaultCalendarId: council.defaultCalendarId ?? '',
        templates: council.templates,
        council: { name: this.options.councilName() },
        candidatesFor: (departmentId) => (departmentId === ticket.departmentId ? assignmentCandidates({ id: departmentId }, council.users, this.options.isWorking, loads) : []),
      });
    } catch (error) {
      // A department without a calendar: no plan, the ticket stays as routed. The rules screen shows why.
      this.options.log(`no plan for the new ticket ${ticket.reference}: ${(error as Error).message}`);
      return undefined;
    }
  }

  private async acknowledge(ticket: Ticket, inbound: Message, plan: NewTicketPlan, row: FinishedEntry, report: AfterIngestReport): Promise<void> {
    const email = inbound.email!;
    const mailbox = email.mailbox;
    const department = plan.department;
    let headers: InboundHeaders;
    try {
      headers = await readHeaders(row.rawFile);
    } catch (error) {
      // Without its headers nothing says the mail is not automatic: no answer rather than a loop.
      this.options.log(`no automatic answer to ${email.messageId}: its raw mail cannot be read (${(error as Error).message})`);
      return;
    }
    const assigneeId = plan.assigneeId !== UNASSIGNED ? plan.assigneeId : ticket.assigneeId;
    const assignee = this.options.routing.current.users.find((user) => user.id === assigneeId);
    // Nobody assigned (manual mode, nobody working): the answer is signed by the department's
    // team (templates put the department's name under the signature already).
    const signer = (language: string) => assignee?.name ?? (department ? (language === 'en' ? `The ${department.name} team` : `Equipo de ${department.name}`) : undefined);
    for (const planned of plan.autoReplies) {
      const reply = planned.ok || (!assignee && !department) ? planned : this.signedBy(planned.templateKey, plan, ticket, signer);
      if (!reply.ok) {
        this.options.log(`no automatic answer "${reply.templateKey}" for ${ticket.reference}: ${reply.error.message}`);
        continue;
      }
      const outcome = await this.options.outbox.queueAcknowledgement({
        inbound,
        headers,
        ticket: { id: ticket.id, reference: ticket.reference, citizenId: ticket.citizenId, subject: ticket.subject },
        from: { address: mailbox, ...(department && { name: department.name }) },
        mailDomain: mailbox.slice(mailbox.lastIndexOf('@') + 1),
        text: reply.rendered.text,
        ownAddresses: [...this.options.routing.mailAliases(), ...this.options.mail.accounts.list().map((account) => account.address)],
      });
      report.acknowledged.push(outcome);
      if (!outcome.queued) this.options.log(`no automatic answer for ${ticket.reference}: ${outcome.detail}`);
      // One acknowledgement per mail: its id derives from the mail's, so a second template would be the same document.
      break;
    }
  }

  /**
   * An automatic answer whose template signs with the clerk ({{clerk.name}}), rendered again
   * with the clerk the ticket was just assigned to (planNewTicket renders before anyone is
   * assigned), or with the department's name when nobody was.
   */
  private signedBy(templateKey: string, plan: NewTicketPlan, ticket: Ticket, signer: (language: string) => string | undefined): AutoReplyPlan {
    const council = this.options.routing.current;
    const department = plan.department;
    const language = plan.autoReplies.find((reply) => reply.ok)?.template.language ?? 'es';
    const template = pickTemplate(council.templates, templateKey, { ...(department && { departmentId: department.id }), language });
    if (!template) return { ok: false, templateKey, error: { code: 'no_template', message: `no active template "${templateKey}"` } };
    let zone;
    try {
      zone = workingCalendar(departmentCalendar(department ?? { id: INTAKE_DEPARTMENT_ID }, council.calendars, council.defaultCalendarId)).zone;
    } catch (error) {
      return { ok: false, templateKey, error: { code: 'missing_values', message: (error as Error).message } };
    }
    const values = standardValues({
      language: template.language,
      zone,
      ticket: { reference: ticket.reference, subject: ticket.subject, dueAt: plan.dueAt, responseDueAt: plan.responseDueAt },
      ...(department && { department: { name: department.name } }),
      clerk: { name: signer(template.language) ?? '' },
      council: { name: this.options.councilName() },
      ...(this.citizenName && { citizen: { name: this.citizenName } }),
    });
    const rendered = renderTemplate(template, values);
    return rendered.ok ? { ok: true, templateKey, template, rendered: rendered.value } : { ok: false, templateKey, error: { code: rendered.error.code, message: rendered.error.message } };
  }

  private readCursor(): Cursor {
    try {
      const parsed = JSON.parse(readFileSync(this.cursorFile, 'utf8')) as Partial<Cursor>;
      return { finishedAt: Number(parsed.finishedAt) || 0, id: Number(parsed.id) || 0, acknowledgeSince: { ...parsed.acknowledgeSince } };
    } catch {
      // First start: acknowledge nothing of the mail already in the spool.
      const last = this.options.mail.spool.lastFinished();
      return { finishedAt: last?.finishedAt ?? 0, id: last?.id ?? 0, acknowledgeSince: {} };
    }
  }

  private writeCursor(): void {
    writeFileSync(`${this.cursorFile}.tmp`, JSON.stringify(this.cursor));
    renameSync(`${this.cursorFile}.tmp`, this.cursorFile);
    this.written = { finishedAt: this.cursor.finishedAt, id: this.cursor.id };
  }
}
