import { NO_DUE_DATE } from '../schemas/fields';
import { intakeTicket } from '../schemas/test-fixtures';
import { messageFromMail, ticketAfterMail, ticketFromMail, type ReceivedMail } from './documents';

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
});
