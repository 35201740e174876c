// Escalation to a signed-in supervisor: tickets of their departments that become near due or
// overdue (core/routing/escalation.ts decides which and what to say). Time passing, not a write,
// makes a ticket overdue, so the replica is checked on a timer as well as after changes. What was
// already said is kept in a small file in the service's data folder, so a restart, a first
// replica or a week offline does not ring again for every ticket.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Subscription } from 'rxjs';
import type { RxDatabase } from 'rxdb';
import type { TicketEscalation } from '../../core/app-api';
import type { WorkingCalendar } from '../../core/calendar';
import {
  ESCALATION_STATUSES,
  departmentWorkingCalendar,
  emptyEscalationMemory,
  escalatedTickets,
  escalationQuery,
  nearDueBound,
  parseEscalationMemory,
  planEscalationNotices,
  type EscalatedTicket,
  type EscalationMemory,
} from '../../core/routing';
import type { Calendar, Collections, Department, Ticket } from '../../core/schemas';

/** How often the replica is checked when nothing is written: overdue starts at midnight. */
export const ESCALATION_CHECK_MS = 5 * 60_000;
/** A check after a burst of writes (a replication batch), not one per written ticket. */
export const ESCALATION_SETTLE_MS = 3_000;

export type EscalationWatchOptions = {
  db: RxDatabase<Collections>;
  /** The supervisor's departments. */
  departmentIds: readonly string[];
  /** Where what was already notified is kept (one file per supervisor). */
  stateFile: string;
  notify(escalation: TicketEscalation): void;
  now?: () => number;
  checkEveryMs?: number;
  settleMs?: number;
  log?: (line: string) => void;
};

/** The file name of a supervisor's escalation memory in a data folder. */
export function escalationStateFile(dataDir: string, userId: string): string {
  return path.join(dataDir, 'escalations', `${encodeURIComponent(userId)}.json`);
}

function readMemory(file: string, log: (line: string) => void): EscalationMemory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return emptyEscalationMemory();
  }
  try {
    return parseEscalationMemory(JSON.parse(text));
  } catch (error) {
    // Starting afresh costs at most one summary per department; refusing to start would cost all.
    log(`escalations: ${file} is damaged (${(error as Error).message}); starting afresh`);
    return emptyEscalationMemory();
  }
}

function writeMemory(file: string, memory: EscalationMemory): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(memory));
  renameSync(`${file}.tmp`, file);
}

export class EscalationWatch {
  private memory: EscalationMemory;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Departments whose missing calendar was logged already: once per watch, not every 5 minutes. */
  private readonly reported = new Set<string>();

  private constructor(private readonly options: EscalationWatchOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.memory = readMemory(options.stateFile, this.log);
  }

  /** Starts watching: a check now, after each burst of ticket writes, and on the timer. */
  static start(options: EscalationWatchOptions): EscalationWatch {
    const watch = new EscalationWatch(options);
    const settleMs = options.settleMs ?? ESCALATION_SETTLE_MS;
    watch.subscription = options.db.tickets.$.subscribe(() => {
      if (watch.settle || watch.stopped) return;
      watch.settle = setTimeout(() => {
        watch.settle = undefined;
        void watch.check();
      }, settleMs);
    });
    watch.timer = setInterval(() => void watch.check(), options.checkEveryMs ?? ESCALATION_CHECK_MS);
    void watch.check();
    return watch;
  }

  /** One check now (after the one running, if any); resolves when done. Failures are logged, never thrown. */
  async check(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.checkOnce();
        } catch (error) {
          if (!this.stopped) this.log(`escalations: check failed: ${(error as Error).message}`);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the timer and the subscription; a check under way finishes without notifying. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe();
    clearInterval(this.timer);
    clearTimeout(this.settle);
    await this.running;
  }

  private async checkOnce(): Promise<void> {
    const { db, departmentIds } = this.options;
    const [departmentDocs, calendarDocs] = await Promise.all([db.departments.find().exec(), db.calendars.find().exec()]);
    const departments = departmentDocs.map((doc) => doc.toJSON() as Department);
    const calendars = calendarDocs.map((doc) => doc.toJSON() as Calendar);
    const now = this.now();
    const current: EscalatedTicket[] = [];
    for (const departmentId of departmentIds) {
      const calendar = this.calendarOf(departmentId, departments, calendars);
      const bound = nearDueBound(calendar, now);
      // Index ranges of [departmentId, status, dueAt]: the tickets due up to the bound, no more.
      const found = await Promise.all(ESCALATION_STATUSES.map((status) => db.tickets.find(escalationQuery(departmentId, status, bound)).exec()));
      current.push(...escalatedTickets(found.flat().map((doc) => doc.toJSON() as Ticket), calendar, now));
    }
    if (this.stopped) return;
    const { notices, memory } = planEscalationNotices(current, this.memory, now);
    const changed = JSON.stringify(memory) !== JSON.stringify(this.memory);
    this.memory = memory;
    // Remembered before it is said: a crash in between loses a notice, never repeats a flood.
    if (changed) writeMemory(this.options.stateFile, memory);
    const names = new Map(departments.map((department) => [department.id, department.name]));
    for (const notice of notices) {
      this.options.notify({
        level: notice.level,
        departmentId: notice.departmentId,
        departmentName: names.get(notice.departmentId) ?? notice.departmentId,
        count: notice.count,
        ...(notice.ticket && { ticket: { ticketId: notice.ticket.id, reference: notice.ticket.reference, subject: notice.ticket.subject, dueAt: notice.ticket.dueAt } }),
      });
    }
  }

  /** The department's calendar; without a usable one only overdue tickets are escalated (logged once, when the replica has calendars). */
  private calendarOf(departmentId: string, departments: readonly Department[], calendars: readonly Calendar[]): WorkingCalendar | undefined {
    // No calendar at all: a first replica that has not pulled them yet, not a council's mistake.
    if (calendars.length === 0) return undefined;
    return departmentWorkingCalendar(departmentId, departments, calendars, (reason) => {
      if (!this.reported.has(departmentId)) this.log(`escalations: ${reason}; only overdue tickets of "${departmentId}" are escalated`);
      this.reported.add(departmentId);
    });
  }
}
