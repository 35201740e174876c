import { endOfDay } from '../calendar';
import { calendarDoc, localTime, madridCityCalendar as city } from '../calendar/test-calendars';
import { NO_DUE_DATE } from '../schemas/fields';
import { intakeTicket } from '../schemas/test-fixtures';
import { pauseNote, pauseNoteId } from '../routing/pause';
import { applyMail, messageFromMail, ticketAfterMail, ticketAfterMails, ticketFromMail, type ReceivedMail } from './documents';

const AT = Date.UTC(2026, 0, 1, 0, 30); // 01:30 in Madrid on New Year's Day: the year is 2026 there.

function received(overrides: Partial<ReceivedMail> = {}): ReceivedMail {
  return {
    messageDocId: 'm'.repeat(40),
    email: { messageId: 'a@x', references: [], from: { address: 'ana@x.es', name: 'Ana' }, to: [{ address: 'registro@ayto.es' }], cc: [], mailbox: 'registro@ayto.es' },
    subject: 'RE: [#2025-0000-0001] Vado permanente',
    text: 'Buenos días',
    attachments: [],
    receivedAt: AT,
    auto: false,
    ...overrides,
  };
}

const digest = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);

describe('documents of a received mail', () => {
  it('open a ticket named by the thread root, routed, with the reference of the council’s year', () => {
    const ticket = ticketFromMail(received(), digest, 'cit', { departmentId: 'urbanismo', tags: ['obras', 'obras'] });
    expect(ticket).toMatchObject({ status: 'new', channel: 'email', departmentId: 'urbanismo', citizenId: 'cit', subject: 'Vado permanente', createdAt: AT, lastActivityAt: AT, dueAt: NO_DUE_DATE, tags: ['obras'], priority: 'normal', assigneeId: '' });
    expect(ticket.reference).toMatch(/^2026-/);
    expect(ticketFromMail(received(), digest, 'cit', { departmentId: 'urbanismo' })).toEqual({ ...ticket, tags: [] });
  });

  it('make an immutable email_in message dated by the server’s receipt, cut to the schema’s sizes', () => {
    const message = messageFromMail(received({ text: 'x'.repeat(1_000_010) }), 't1', 'cit', 'out1');
    expect(message).toMatchObject({ id: 'm'.repeat(40), kind: 'email_in', ticketId: 't1', citizenId: 'cit', createdAt: AT, auto: false, bounceOf: 'out1' });
    expect(message.text).toHaveLength(1_000_000);
    expect(message).not.toHaveProperty('html');
  });

  it('reopen a resolved ticket when its citizen writes, stamped with the mail’s time', () => {
    const ticket = intakeTicket(AT - 1000, { status: 'resolved' });
    const after = ticketAfterMail(ticket, received());
    expect(after).toMatchObject({ status: 'open', lastActivityAt: AT, updatedAt: AT, fieldClock: { status: AT } });
    expect(ticketAfterMail(after, received())).toBe(after);
  });

  it('leave a closed ticket closed, and let automatic mail reopen nothing', () => {
    expect(ticketAfterMail(intakeTicket(AT - 1000, { status: 'closed' }), received()).status).toBe('closed');
    expect(ticketAfterMail(intakeTicket(AT - 1000, { status: 'resolved' }), received({ auto: true })).status).toBe('resolved');
  });

  it('never move a ticket’s activity back for an older mail', () => {
    const ticket = intakeTicket(AT + 5000);
    expect(ticketAfterMail(ticket, received())).toBe(ticket);
  });

  describe('a citizen\'s answer to a ticket waiting for them', () => {
    const at = (text: string) => localTime(city, text);
    const endOf = (date: string) => endOfDay(city, city.zone.dayOf(at(`${date} 12:00`)));
    const deadlines = {
      departments: [{ id: 'urbanismo', calendarId: 'cal-madrid', active: true, sla: { resolution: { amount: 10, unit: 'working_days' as const } } }],
      calendars: [calendarDoc()],
    };
    const waiting = intakeTicket(at('2025-03-01 10:00'), { status: 'pending', departmentId: 'urbanismo', dueAt: endOf('2025-03-12'), updatedAt: at('2025-03-07 10:00'), lastActivityAt: at('2025-03-07 10:00'), fieldClock: { status: at('2025-03-07 10:00') } });
    const answer = received({ receivedAt: at('2025-03-10 09:30') });

    it('reopens it and moves its due date by the working days it waited, stamped with the mail\'s time', () => {
      const update = applyMail(waiting, answer, deadlines);
      expect(update.ticket).toMatchObject({ status: 'open', dueAt: endOf('2025-03-13'), fieldClock: { status: answer.receivedAt, dueAt: answer.receivedAt } });
      expect(update.resumed).toMatchObject({ pausedFrom: at('2025-03-07 10:00'), resumedAt: answer.receivedAt, previousDueAt: endOf('2025-03-12') });
      // A replay finds it open: the due date moves once.
      expect(applyMail(update.ticket, answer, deadlines)).toEqual({ ticket: update.ticket });
    });

    it('records the move in a note whose id is the pause\'s (as a clerk\'s resume writes it), after the mail in the timeline', () => {
      const { notes } = ticketAfterMails(waiting, [answer], deadlines);
      const note = notes[0]!;
      expect(notes).toHaveLength(1);
      expect(note).toMatchObject({ id: pauseNoteId(waiting.id, at('2025-03-07 10:00')), kind: 'note', ticketId: waiting.id, citizenId: '', auto: true, createdAt: answer.receivedAt + 1 });
      expect(note).toEqual(pauseNote(applyMail(waiting, answer, deadlines).resumed!, { ticketId: waiting.id }));
      expect(note.id.length).toBeLessThanOrEqual(40);
      expect(note).not.toHaveProperty('authorId');
      expect(note.text).toContain('El vencimiento pasa del 12 de marzo de 2025 al 13 de marzo de 2025');
    });

    it('gives, for a batch of mails, the ticket after all of them and one note for the one that ended the wait', () => {
      const second = received({ messageDocId: 'n'.repeat(40), receivedAt: at('2025-03-10 11:00') });
      const { ticket, notes } = ticketAfterMails(waiting, [answer, second], deadlines);
      expect(ticket).toMatchObject({ status: 'open', dueAt: endOf('2025-03-13'), lastActivityAt: second.receivedAt });
      expect(notes.map((note) => note.id)).toEqual([pauseNoteId(waiting.id, at('2025-03-07 10:00'))]);
    });

    it('moves nothing for an automatic reply, a resolved ticket, or without the council\'s calendars', () => {
      expect(applyMail(waiting, received({ receivedAt: answer.receivedAt, auto: true }), deadlines).ticket.dueAt).toBe(waiting.dueAt);
      expect(applyMail({ ...waiting, status: 'resolved' }, answer, deadlines)).not.toHaveProperty('resumed');
      expect(ticketAfterMail(waiting, answer)).toMatchObject({ status: 'open', dueAt: waiting.dueAt });
    });
  });
});
