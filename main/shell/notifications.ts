// A native notification when a ticket is assigned to the clerk by someone else (the service emits
// `ticket:assigned`, main/host/assignment-watch.ts). Clicking it brings the window forward on
// that ticket. The text is short and holds no citizen data beyond the subject the clerk will see.
import type { TicketAssigned } from '../../core/app-api';

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
