import { afterEach, describe, expect, it, vi } from 'vitest';
import { endOfDay } from '../../core/calendar';
import { calendarDoc, localTime, madridCityCalendar as city } from '../../core/calendar/test-calendars';
import type { Department, Message, Ticket } from '../../core/schemas';
import { intakeTicket } from '../../core/schemas/test-fixtures';
import { pauseNote, pauseNoteId, resumeOnStatusChange } from '../../core/routing/pause';
import { openTestDatabase, type TestDatabase } from '../../core/schemas/test-kit';
import type { ScreenLogEntry } from '../../core/app-api';
import { screenLog } from '../platform/screen-log';
import { addMessage, editTicket } from './ticket-actions';

const at = (text: string) => localTime(city, text);
const endOf = (date: string) => endOfDay(city, city.zone.dayOf(at(`${date} 12:00`)));

const urbanismo: Department = {
  id: 'urbanismo',
  name: 'Urbanismo',
  code: 'URB',
  mailAliases: [],
  calendarId: 'cal-madrid',
  sla: { resolution: { amount: 10, unit: 'working_days' } },
  assignmentMode: 'manual',
  active: true,
  createdAt: 0,
  updatedAt: 0,
};

/** Pending since Friday 7 March 2025 at 10:00, due Wednesday 12 March. */
const waiting: Ticket = intakeTicket(at('2025-03-01 10:00'), {
  status: 'pending',
  departmentId: 'urbanismo',
  dueAt: endOf('2025-03-12'),
  updatedAt: at('2025-03-07 10:00'),
  fieldClock: { status: at('2025-03-07 10:00') },
});

let db: TestDatabase | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

async function council(): Promise<TestDatabase> {
  db = await openTestDatabase(['tickets', 'messages', 'departments', 'calendars']);
  await db.departments.insert(urbanismo);
  await db.calendars.insert(calendarDoc());
  await db.tickets.insert(waiting);
  return db;
}

const notesOf = async (database: TestDatabase) => (await database.messages.find({ selector: { kind: 'note' } }).exec()).map((doc) => doc.toJSON() as Message);

describe('a clerk taking a ticket out of waiting for the citizen', () => {
  it('moves its due date by the working days it waited and notes it in the timeline as the clerk\'s doing', async () => {
    const database = await council();
    await editTicket(database, waiting.id, { status: 'open' }, 'u-ana', at('2025-03-10 09:30'));
    const ticket = (await database.tickets.findOne(waiting.id).exec())!.toJSON() as Ticket;
    expect(ticket).toMatchObject({ status: 'open', dueAt: endOf('2025-03-13'), fieldClock: { dueAt: at('2025-03-10 09:30') }, fieldBy: { dueAt: 'u-ana' } });
    const notes = await notesOf(database);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ ticketId: waiting.id, authorId: 'u-ana', auto: true, citizenId: '' });
    expect(notes[0]!.text).toContain('El vencimiento pasa del 12 de marzo de 2025 al 13 de marzo de 2025');
  });

  it('writes the note under the pause\'s id, and adds none when the citizen\'s mail already recorded that pause', async () => {
    const database = await council();
    // The note of the mail that ended the same pause on another workstation arrived by sync
    // before its ticket did (collections replicate apart).
    const byMail = pauseNote(resumeOnStatusChange(waiting, 'open', at('2025-03-10 09:00'), { departments: [urbanismo], calendars: [calendarDoc()] })!, { ticketId: waiting.id });
    await database.messages.insert(byMail);
    await editTicket(database, waiting.id, { status: 'open' }, 'u-ana', at('2025-03-10 09:30'));
    const notes = await notesOf(database);
    expect(notes.map((note) => note.id)).toEqual([pauseNoteId(waiting.id, at('2025-03-07 10:00'))]);
    expect((await database.tickets.findOne(waiting.id).exec())!.dueAt).toBe(endOf('2025-03-13'));
  });

  it('does the same when a reply closes the wait, listing the note after the reply', async () => {
    const database = await council();
    const reply = await addMessage(database, { kind: 'note', ticket: waiting, authorId: 'u-ana', text: 'Recibido el plano.', status: 'resolved' }, at('2025-03-10 09:30'));
    const ticket = (await database.tickets.findOne(waiting.id).exec())!.toJSON() as Ticket;
    expect(ticket).toMatchObject({ status: 'resolved', dueAt: endOf('2025-03-13'), resolvedAt: at('2025-03-10 09:30') });
    const record = (await notesOf(database)).find((note) => note.auto);
    expect(record!.createdAt).toBeGreaterThan(reply.createdAt);
  });

  it('keeps the due date the clerk sets in the same edit, and moves nothing while it stays pending', async () => {
    const database = await council();
    await editTicket(database, waiting.id, { priority: 'high' }, 'u-ana', at('2025-03-10 09:00'));
    await editTicket(database, waiting.id, { status: 'open', dueAt: endOf('2025-03-31') }, 'u-ana', at('2025-03-10 09:30'));
    expect((await database.tickets.findOne(waiting.id).exec())!.dueAt).toBe(endOf('2025-03-31'));
    expect(await notesOf(database)).toEqual([]);
  });

  it('keeps the due date when the department has no usable calendar, and says so in the workstation log', async () => {
    db = await openTestDatabase(['tickets', 'messages', 'departments', 'calendars']);
    await db.departments.insert({ ...urbanismo, calendarId: 'cal-gone' });
    await db.tickets.insert(waiting);
    const logged: ScreenLogEntry[] = [];
    const detach = screenLog.attach((entry) => logged.push(entry));
    // The logger also writes to the console: keep the test's output clean.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await editTicket(db, waiting.id, { status: 'open' }, 'u-ana', at('2025-03-10 09:30'));
    } finally {
      quiet.mockRestore();
      detach();
    }
    expect((await db.tickets.findOne(waiting.id).exec())!.dueAt).toBe(endOf('2025-03-12'));
    expect(logged).toEqual([expect.objectContaining({ level: 'error', source: 'ticket-actions', message: expect.stringContaining('has no usable calendar') })]);
  });
});
