// A citizen answers a ticket that waited for them: the mail reopens it, its due date moves by the
// working days it waited (core/routing/pause.ts), and the timeline gets a note saying so — once,
// even when the same mail is ingested again. Against Dovecot, through the real ingester.
import { endOfDay } from '../../core/calendar';
import { calendarDoc, localTime, madridCityCalendar as city } from '../../core/calendar/test-calendars';
import type { PauseContext } from '../../core/routing';
import type { Message, Ticket } from '../../core/schemas';
import { stampTicketEdit } from '../../core/sync/ticket-merge';
import { ingested, useMailWorkstation } from './test-support/mail-fixture';

const at = (text: string) => localTime(city, text);
const endOf = (date: string) => endOfDay(city, city.zone.dayOf(at(`${date} 12:00`)));

const deadlines: PauseContext = {
  departments: [{ id: 'urbanismo', calendarId: 'cal-madrid', active: true, sla: { resolution: { amount: 10, unit: 'working_days' } } }],
  calendars: [calendarDoc()],
};

function mail(headers: Record<string, string>, body: string): string {
  const lines = Object.entries({ From: 'Ana Ruiz <ana.ruiz@correo.test>', To: 'registro@ayto.test', 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=utf-8', ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}\r\n`;
}

const bed = useMailWorkstation({ deadlines: () => deadlines, parseWorkers: 0 });

describe('a citizen answering a ticket that waits for them', () => {
  it('reopens it, moves its due date by the working days it waited, and notes it in the timeline once', async () => {
    const { dovecot, workstation } = bed;
    const { db } = workstation.local;
    await dovecot.append([mail({ Subject: 'Licencia de obra menor', 'Message-ID': '<original-1@correo.test>' }, 'Quiero pedir una licencia.')], { date: new Date(at('2026-03-02 09:00')) });
    await ingested(workstation.mail, 1);
    const opened = (await db.tickets.find().exec())[0]!;
    // A clerk asks for a document on Friday 6 March at 10:00: the ticket waits for the citizen.
    await opened.incrementalModify((ticket) => stampTicketEdit(ticket, { status: 'pending', dueAt: endOf('2026-03-11') }, at('2026-03-06 10:00'), 'u-clerk'));

    // The citizen answers on Monday 9 March at 09:30: one working day (the Monday) was paused.
    const answer = mail({ Subject: 'Re: Licencia de obra menor', 'Message-ID': '<answer-2@correo.test>', 'In-Reply-To': '<original-1@correo.test>', References: '<original-1@correo.test>' }, 'Adjunto el plano.');
    await dovecot.append([answer], { date: new Date(at('2026-03-09 09:30')) });
    await ingested(workstation.mail, 2);

    const ticket = (await db.tickets.findOne(opened.id).exec())!.toJSON() as Ticket;
    expect(ticket).toMatchObject({ status: 'open', dueAt: endOf('2026-03-12'), fieldClock: { status: at('2026-03-09 09:30'), dueAt: at('2026-03-09 09:30') } });
    const notes = (await db.messages.find({ selector: { ticketId: opened.id, kind: 'note' } }).exec()).map((document) => document.toJSON() as Message);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ auto: true, citizenId: '', createdAt: at('2026-03-09 09:30') + 1 });
    expect(notes[0]!.text).toContain('del 6 de marzo de 2026, 10:00 al 9 de marzo de 2026, 09:30 (1 día hábil). El vencimiento pasa del 11 de marzo de 2026 al 12 de marzo de 2026.');

    // The same mail again (another copy in the mailbox): a duplicate, nothing moves twice.
    await dovecot.append([answer], { date: new Date(at('2026-03-09 09:30')) });
    await ingested(workstation.mail, 3);
    expect((await db.tickets.findOne(opened.id).exec())!.dueAt).toBe(endOf('2026-03-12'));
    expect(await db.messages.count({ selector: { ticketId: opened.id, kind: 'note' } }).exec()).toBe(1);
  });
});
