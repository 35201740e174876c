// Native notifications: a ticket assigned to the clerk by someone else (the service emits
// `ticket:assigned`, main/host/assignment-watch.ts), and, for a supervisor, tickets of their
// departments near or past due (`ticket:escalated`, main/host/escalation-watch.ts). Clicking one
// brings the window forward on that ticket (a summary: on the supervisor's queues). The text is
// short and holds no citizen data beyond the subject the clerk will see.
import type { TicketAssigned, TicketEscalation } from '../../core/app-api';

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
