// Native notifications: a ticket assigned to the clerk by someone else (the service emits
// `ticket:assigned`, main/host/assignment-watch.ts), and, for a supervisor, tickets of their
// departments near or past due (`ticket:escalated`, main/host/escalation-watch.ts). Clicking one
// brings the window forward on that ticket (a summary: on the supervisor's queues). The text is
// short and holds no citizen data beyond the subject the clerk will see, in the clerk's language.
// `wireNotifications` joins them to the service's events; main/index.ts only supplies Electron's
// Notification and the window.
import type { Language, TicketAssigned, TicketEscalation } from '../../core/app-api';
import type { ShellServiceClient } from './service-port-client';

export type NotificationLike = { show(): void; on(event: 'click', listener: () => void): unknown };
export type NotificationFactory = (options: { title: string; body: string; silent: boolean }) => NotificationLike;

export function assignmentNotification(assigned: TicketAssigned, language: 'es' | 'en' = 'es'): { title: string; body: string; silent: boolean } {
  const subject = assigned.subject.length > 120 ? `${assigned.subject.slice(0, 117)}…` : assigned.subject;
  return language === 'en'
    ? { title: `Ticket ${assigned.reference} assigned to you`, body: subject || '(no subject)', silent: false }
    : { title: `Se le ha asignado el expediente ${assigned.reference}`, body: subject || '(sin asunto)', silent: false };
}

export function notifyAssigned(create: NotificationFactory, assigned: TicketAssigned, onClick: (ticketId: string) => void, language: 'es' | 'en' = 'es'): void {
  const notification = create(assignmentNotification(assigned, language));
  notification.on('click', () => onClick(assigned.ticketId));
  notification.show();
}

export function escalationNotification(notice: TicketEscalation, language: 'es' | 'en' = 'es'): { title: string; body: string; silent: boolean } {
  const overdue = notice.level === 'overdue';
  const subject = notice.ticket ? (notice.ticket.subject.length > 120 ? `${notice.ticket.subject.slice(0, 117)}…` : notice.ticket.subject) : '';
  if (language === 'en') {
    const title = notice.ticket
      ? `Ticket ${notice.ticket.reference} ${overdue ? 'is overdue' : 'is due soon'} (${notice.departmentName})`
      : `${notice.count} tickets ${overdue ? 'overdue' : 'due soon'} in ${notice.departmentName}`;
    return { title, body: notice.ticket ? subject || '(no subject)' : 'Open the queues to see them.', silent: false };
  }
  const title = notice.ticket
    ? `Expediente ${notice.ticket.reference} ${overdue ? 'vencido' : 'a punto de vencer'} (${notice.departmentName})`
    : `${notice.count} expedientes ${overdue ? 'vencidos' : 'a punto de vencer'} en ${notice.departmentName}`;
  return { title, body: notice.ticket ? subject || '(sin asunto)' : 'Abra la supervisión para verlos.', silent: false };
}

/** Shows an escalation; `onClick` gets the ticket's id, or undefined for a summary. */
export function notifyEscalated(create: NotificationFactory, notice: TicketEscalation, onClick: (ticketId: string | undefined) => void, language: 'es' | 'en' = 'es'): void {
  const notification = create(escalationNotification(notice, language));
  notification.on('click', () => onClick(notice.ticket?.ticketId));
  notification.show();
}

/** What the notifications need of the service: its events, and the clerk's settings (their language). */
export type NotificationSource = Pick<ShellServiceClient, 'onEvent' | 'call'>;

export type NotificationWiring = {
  create: NotificationFactory;
  /** False where the OS shows none (a Linux desktop without a notification daemon). */
  isSupported: () => boolean;
  /** Brings the window forward on a route: `ticket/<id>`, or `supervisor` for a summary. */
  open: (route: string) => void;
  log?: (line: string) => void;
};

/** The clerk's language for the text (their setting; Spanish if the service cannot say). */
async function languageOf(source: NotificationSource): Promise<Language> {
  const answer = await source.call('settings:get', {});
  return answer.ok ? answer.value.language : 'es';
}

/**
 * Shows a native notification for a ticket assigned to the clerk by someone else and for every
 * escalation the service announces to a supervisor, in the clerk's language; clicking one opens
 * the ticket (a summary: the supervisor's queues). Returns the function that stops listening.
 */
export function wireNotifications(source: NotificationSource, wiring: NotificationWiring): () => void {
  const show = (what: string, run: (language: Language) => void) => {
    if (!wiring.isSupported()) return;
    void languageOf(source)
      .then(run)
      .catch((error: unknown) => wiring.log?.(`the ${what} notification could not be shown: ${error instanceof Error ? error.message : String(error)}`));
  };
  const stops = [
    source.onEvent('ticket:assigned', (assigned) => show('assignment', (language) => notifyAssigned(wiring.create, assigned, (ticketId) => wiring.open(`ticket/${encodeURIComponent(ticketId)}`), language))),
    source.onEvent('ticket:escalated', (notice) =>
      show('escalation', (language) => notifyEscalated(wiring.create, notice, (ticketId) => wiring.open(ticketId ? `ticket/${encodeURIComponent(ticketId)}` : 'supervisor'), language)),
    ),
  ];
  return () => stops.forEach((stop) => stop());
}
