// One pause, one note (routing, issue 6): a ticket waits for the citizen; offline, a clerk takes
// it out of waiting on one workstation while the citizen's answer is ingested on another. Both
// move the due date and both record it, through the same core function (core/routing/pause.ts
// pauseNote), so both notes carry the pause's id. Against real processes on loopback (the central
// server and two headless workstations): after the sync every replica holds the earlier resume's
// due date — the suspension ended when the citizen answered or the clerk resumed, whichever came
// first (Ley 39/2015 art. 22.1.a; core/sync/pause-merge.ts) — and one note for the pause, telling
// that due date, whichever workstation pushed first.
import { describe, expect, it } from 'vitest';
import { endOfDay } from '../../core/calendar';
import { calendarDoc, localTime, madridCityCalendar as city } from '../../core/calendar/test-calendars';
import { ticketAfterMails, type ReceivedMail } from '../../core/mail';
import { pauseNote, pauseNoteId, resumeOnStatusChange, type PauseContext } from '../../core/routing/pause';
import type { Message, Ticket } from '../../core/schemas';
import { serverDocuments } from './test-support/central-server';
import { ADMIN, ANA, LUIS, ticket } from './test-support/council';
import type { Workstation } from './test-support/workstation-process';
import { useSyncFixture } from './test-support/sync-fixture';

const fixture = useSyncFixture('ventanilla-pause-convergence-');
const workstation = (name: string, credentials: { email: string; password: string }) => fixture.workstation(name, credentials, { online: true });
const online = (status: { state: string; pendingPushes: number; liveUpdates: boolean }) => status.state === 'online' && status.pendingPushes === 0 && status.liveUpdates;

const at = (text: string) => localTime(city, text);
const endOf = (date: string) => endOfDay(city, city.zone.dayOf(at(`${date} 12:00`)));

/** Urbanismo counts its periods in días hábiles on Madrid's calendar (the council's replicated data). */
const deadlines: PauseContext = {
  departments: [{ id: 'urbanismo', calendarId: 'cal-madrid', active: true, sla: { resolution: { amount: 10, unit: 'working_days' } } }],
  calendars: [calendarDoc()],
};

/** Waiting for the citizen since Friday 7 March 2025 at 10:00, due Wednesday 12 March. */
const waiting: Ticket = ticket('t-waiting', at('2025-03-07 10:00'), { status: 'pending', dueAt: endOf('2025-03-12'), fieldClock: { status: at('2025-03-07 10:00') } });

function citizenAnswer(receivedAt: number): ReceivedMail {
  return {
    messageDocId: 'a'.repeat(40),
    email: { messageId: 'respuesta@vecino.es', references: [], from: { address: 'vecino@correo.es', name: 'Vecino' }, to: [{ address: 'urbanismo@ayto.test' }], cc: [], mailbox: 'urbanismo@ayto.test' },
    subject: `RE: ${waiting.subject}`,
    text: 'Adjunto el plano que me pedían.',
    attachments: [],
    receivedAt,
    auto: false,
  };
}

/** The clerk's resume, as the ticket screen writes it (renderer/data/ticket-actions.ts): the stamped edit, then the note. */
async function clerkResumes(station: Workstation, now: number): Promise<Message> {
  const resume = resumeOnStatusChange(waiting, 'open', now, deadlines);
  if (resume === undefined || resume.kept !== undefined) throw new Error('the clerk\'s resume should move the due date');
  const note = pauseNote(resume, { ticketId: waiting.id, authorId: station.userId });
  await station.editTicket(waiting.id, { status: 'open', dueAt: resume.dueAt }, now, station.userId);
  await station.insert('messages', [note]);
  return note;
}

/** The ingestion of the citizen's answer (main/mail/ticket-updates.ts): the note, then the ticket core computed. */
async function mailResumes(station: Workstation, receivedAt: number): Promise<Message> {
  const { ticket: next, notes } = ticketAfterMails(waiting, [citizenAnswer(receivedAt)], deadlines);
  expect(notes).toHaveLength(1);
  await station.insert('messages', notes);
  const { status, dueAt, fieldClock, fieldBy, updatedAt, lastActivityAt } = next;
  await station.patch('tickets', waiting.id, { status, dueAt, fieldClock, fieldBy: fieldBy ?? null, updatedAt, lastActivityAt });
  return notes[0]!;
}

/** Waits until both workstations and the server hold the same ticket and the same notes of it. */
async function converged(stations: Workstation[], timeoutMs = 30_000): Promise<{ ticket: Ticket; notes: Message[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all([
      ...stations.map(async (station) => ({ tickets: await station.dump<Ticket>('tickets'), messages: await station.dump<Message>('messages') })),
      (async () => ({
        tickets: (await serverDocuments(fixture.server.url, ADMIN, 'tickets')).map(({ _deleted: _, ...body }) => body as unknown as Ticket),
        messages: (await serverDocuments(fixture.server.url, ADMIN, 'messages')).filter((row) => row._deleted !== true).map(({ _deleted: _, ...body }) => body as unknown as Message),
      }))(),
    ]);
    const texts = states.map((state) =>
      JSON.stringify({ ticket: sortKeys(state.tickets.find((t) => t.id === waiting.id)), notes: sortKeys(state.messages.filter((m) => m.ticketId === waiting.id).sort((a, b) => (a.id < b.id ? -1 : 1))) }),
    );
    if (texts.every((text) => text === texts[0])) return JSON.parse(texts[0]!) as { ticket: Ticket; notes: Message[] };
    if (Date.now() > deadline) throw new Error(`no convergence within ${timeoutMs} ms:\n${texts.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}

describe('a pause ended twice while offline', () => {
  // Monday 10 March at 09:30 the due date moves to the 13th; Tuesday 11 March at 12:00 to the 14th.
  const MONDAY = at('2025-03-10 09:30');
  const TUESDAY = at('2025-03-11 12:00');
  const cases = [
    { name: 'the clerk on Monday, the citizen\'s answer on Tuesday; the clerk\'s copy pushed first', clerkAt: MONDAY, mailAt: TUESDAY, pushedFirst: 'earlier' },
    { name: 'the clerk on Monday, the citizen\'s answer on Tuesday; the answer\'s copy pushed first', clerkAt: MONDAY, mailAt: TUESDAY, pushedFirst: 'later' },
    { name: 'the citizen\'s answer on Monday, the clerk on Tuesday; the answer\'s copy pushed first', clerkAt: TUESDAY, mailAt: MONDAY, pushedFirst: 'earlier' },
    { name: 'the citizen\'s answer on Monday, the clerk on Tuesday; the clerk\'s copy pushed first', clerkAt: TUESDAY, mailAt: MONDAY, pushedFirst: 'later' },
  ] as const;

  for (const { name, clerkAt, mailAt, pushedFirst } of cases) {
    it(`keeps the earlier resume's due date and its one note of the pause on every replica (${name})`, async () => {
      const ana = await workstation('ana', ANA);
      const luis = await workstation('luis', LUIS);
      await ana.insert('tickets', [waiting]);
      await converged([ana, luis]);

      await fixture.server.stop();
      await Promise.all([ana, luis].map((station) => station.waitForStatus((status) => status.state === 'offline', 20_000, 'offline')));
      const byClerk = await clerkResumes(ana, clerkAt);
      const byMail = await mailResumes(luis, mailAt);
      // The same document, written twice with different content.
      expect(byClerk.id).toBe(byMail.id);
      expect(byClerk.id).toBe(pauseNoteId(waiting.id, at('2025-03-07 10:00')));
      expect(byClerk.text).not.toBe(byMail.text);

      // One resume reaches the server first; the other workstation is shut down meanwhile, and
      // comes back once it has pushed, so its ticket and note meet the server's as conflicts
      // (the merge runs on the workstation that pushes second, with the pause as the base).
      const earlier = clerkAt < mailAt ? 'clerk' : 'mail';
      const firstWriter = pushedFirst === 'earlier' ? earlier : earlier === 'clerk' ? 'mail' : 'clerk';
      const [first, second] = firstWriter === 'clerk' ? [ana, luis] : [luis, ana];
      const [secondName, secondUser] = firstWriter === 'clerk' ? ['luis', LUIS] : ['ana', ANA];
      await second.stop();
      await fixture.server.restart();
      await first.waitForStatus(online, 30_000, 'the first writer back online with nothing waiting');
      await first.awaitPushed('messages', [byClerk.id]);
      const again = await workstation(secondName, secondUser);
      await again.waitForStatus(online, 30_000, 'the second writer back online with nothing waiting');
      const { ticket: kept, notes } = await converged([first, again]);

      // Monday's resume: due Thursday 13 March, not Tuesday's Friday 14th.
      expect(kept).toMatchObject({ status: 'open', dueAt: endOf('2025-03-13'), fieldClock: { dueAt: MONDAY, status: MONDAY } });
      expect(kept.history).toContainEqual(expect.objectContaining({ field: 'dueAt', value: endOf('2025-03-14'), clock: TUESDAY }));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toEqual(earlier === 'clerk' ? byClerk : byMail);
      expect(notes[0]!.text).toContain('al 13 de marzo de 2025.');
    }, 120_000);
  }
});
