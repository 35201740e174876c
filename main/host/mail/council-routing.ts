/**
 * The council's routing as the mail channel needs it (issue 6): the rules, departments,
 * calendars, templates and users of the replica, compiled once and compiled again when one of
 * those collections changes. `route` is what `startMailChannel` calls for each new ticket: a pure
 * function of the mail's draft and of this snapshot, so two workstations with the same replica
 * route one mail alike (DESIGN.md, Identity and determinism).
 */
import type { Observable, Subscription } from 'rxjs';
import type { RxDatabase } from 'rxdb';
import { compileRules, councilCalendarId, departmentCalendar, departmentDeadlines, routeTicket, type CompiledRules, type RoutingTicket } from '../../../core/routing';
import { INTAKE_DEPARTMENT_ID, type Calendar, type Collections, type Department, type Rule, type Template, type User } from '../../../core/schemas';
import type { MailTicketDraft, RouteDecision } from '../../../core/mail';
import type { AccountRouter, MailAccount } from '../../mail';

export type CouncilSnapshot = {
  rules: CompiledRules;
  departments: readonly Department[];
  calendars: readonly Calendar[];
  templates: readonly Template[];
  users: readonly User[];
  defaultCalendarId: string | undefined;
};


export function compileSnapshot(input: { rules: readonly Rule[]; departments: readonly Department[]; calendars: readonly Calendar[]; templates: readonly Template[]; users: readonly User[] }): CouncilSnapshot {
  // Sorted by id: the order documents come out of the database must not change the outcome.
  const byId = <T extends { id: string }>(list: readonly T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const departments = byId(input.departments);
  const calendars = byId(input.calendars);
  const defaultCalendarId = councilCalendarId(calendars, departments);
  return {
    rules: compileRules(byId(input.rules), { calendars, departments, ...(defaultCalendarId !== undefined && { defaultCalendarId }) }),
    departments,
    calendars,
    templates: byId(input.templates),
    users: byId(input.users),
    defaultCalendarId,
  };
}

/**
 * What the rules see of a mail that opens a ticket, with the citizen the sender became or
 * joined. The id is only a label for the rules' trace.
 */
export function routingTicketOf(draft: MailTicketDraft): RoutingTicket {
  return {
    id: `mail:${draft.from.address}:${draft.receivedAt}`,
    channel: 'email',
    mailbox: draft.mailbox,
    from: draft.from.address,
    subject: draft.subject,
    body: draft.text,
    priority: 'normal',
    receivedAt: draft.receivedAt,
    ...(draft.citizen && { citizen: draft.citizen }),
  };
}

/**
 * Routes a new mail ticket: the rules first; when no rule chose a department, the account's
 * default department (an empty one leaves it in the intake queue). The due date is the
 * department's resolution deadline in días hábiles from when the council received the mail.
 */
export function routeMail(snapshot: CouncilSnapshot, account: Pick<MailAccount, 'defaultDepartmentId'>, draft: MailTicketDraft): RouteDecision {
  const decision = routeTicket(snapshot.rules, routingTicketOf(draft));
  const departmentId = decision.departmentId !== INTAKE_DEPARTMENT_ID ? decision.departmentId : account.defaultDepartmentId;
  const department = snapshot.departments.find((candidate) => candidate.id === departmentId);
  let dueAt: number | undefined;
  if (department) {
    try {
      dueAt = departmentDeadlines(department, departmentCalendar(department, snapshot.calendars, snapshot.defaultCalendarId), draft.receivedAt).resolutionDueAt;
    } catch {
      // A department without a usable calendar has no deadline; the rules screen shows why.
      dueAt = undefined;
    }
  }
  return {
    departmentId: department || departmentId === INTAKE_DEPARTMENT_ID ? departmentId : INTAKE_DEPARTMENT_ID,
    priority: decision.priority,
    tags: decision.tags,
    ...(decision.category !== undefined && { category: decision.category }),
    ...(decision.routedBy !== undefined && decision.departmentId !== INTAKE_DEPARTMENT_ID && { routedBy: decision.routedBy }),
    ...(dueAt !== undefined && { dueAt }),
  };
}

/** The live snapshot of a replica: compiled at start, compiled again after any change to its inputs. */
export class CouncilRouting {
  private snapshot: CouncilSnapshot = compileSnapshot({ rules: [], departments: [], calendars: [], templates: [], users: [] });
  private subscription: Subscription | undefined;
  private reloading: Promise<void> | undefined;
  private stale = false;

  private constructor(private readonly db: RxDatabase<Collections>) {}

  static async start(db: RxDatabase<Collections>): Promise<CouncilRouting> {
    const routing = new CouncilRouting(db);
    await routing.reload();
    const watched = [db.rules, db.departments, db.calendars, db.templates, db.users];
    const subscriptions = watched.map((collection) => (collection.$ as Observable<unknown>).subscribe(() => routing.schedule()));
    routing.subscription = { unsubscribe: () => subscriptions.forEach((subscription) => subscription.unsubscribe()) } as Subscription;
    return routing;
  }

  get current(): CouncilSnapshot {
    return this.snapshot;
  }

  /** The router the mail channel calls, reading the snapshot of the moment. */
  readonly route: AccountRouter = (account) => (draft) => routeMail(this.snapshot, account, draft);

  /** Every mail alias of the council's departments, lower case. */
  mailAliases(): string[] {
    return [...new Set(this.snapshot.departments.flatMap((department) => department.mailAliases.map((alias) => alias.toLowerCase())))];
  }

  /** Resolves once a reload asked for is done (tests). */
  async settled(): Promise<void> {
    while (this.reloading) await this.reloading;
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  private schedule(): void {
    // A replication batch changes many documents at once: one reload after the burst, not one each.
    if (this.reloading) {
      this.stale = true;
      return;
    }
    this.reloading = (async () => {
      do {
        this.stale = false;
        await this.reload();
      } while (this.stale);
    })().finally(() => {
      this.reloading = undefined;
    });
  }

  private async reload(): Promise<void> {
    const [rules, departments, calendars, templates, users] = await Promise.all([
      this.db.rules.find().exec(),
      this.db.departments.find().exec(),
      this.db.calendars.find().exec(),
      this.db.templates.find().exec(),
      this.db.users.find().exec(),
    ]);
    const json = <T>(docs: { toJSON(): unknown }[]) => docs.map((doc) => doc.toJSON() as T);
    this.snapshot = compileSnapshot({
      rules: json<Rule>(rules),
      departments: json<Department>(departments),
      calendars: json<Calendar>(calendars),
      templates: json<Template>(templates),
      users: json<User>(users),
    });
  }
}
