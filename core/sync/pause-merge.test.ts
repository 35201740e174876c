// A pause ended twice offline: the merge keeps the earlier resume (Ley 39/2015 art. 22.1.a).
// The resumes are computed as the screens and the mail ingestion compute them
// (core/routing/pause.ts, core/mail/documents.ts), on Madrid's calendar in días hábiles.
import { describe, expect, it } from 'vitest';
import type { WithDeleted } from 'rxdb';
import { endOfDay } from '../calendar';
import { calendarDoc, localTime, madridCityCalendar as city } from '../calendar/test-calendars';
import { mulberry32 } from '../demo/random';
import { applyMail, type ReceivedMail } from '../mail/documents';
import { comparePauseNotes, dueDateMoved, pauseNote, resumeOnStatusChange, type PauseContext } from '../routing/pause';
import { intakeTicket } from '../schemas/test-fixtures';
import { TICKET_STATUSES, type Ticket, type TicketStatus } from '../schemas/tickets';
import { canonicalJson } from './json-value';
import { pauseEndSince, settlePauseEnds } from './pause-merge';
import { DOCUMENT_STATE_CHECKS } from './replication-protocol';
import { mergeTickets, stampTicketEdit } from './ticket-merge';

type TicketState = WithDeleted<Ticket>;

const at = (text: string) => localTime(city, text);
const endOf = (date: string) => endOfDay(city, city.zone.dayOf(at(`${date} 12:00`)));

const deadlines: PauseContext = {
  departments: [{ id: 'urbanismo', calendarId: 'cal-madrid', active: true, sla: { resolution: { amount: 10, unit: 'working_days' } } }],
  calendars: [calendarDoc()],
};

/** Waiting for the citizen since Friday 7 March 2025 at 10:00 (Ana asked for a plan), due Wednesday 12 March. */
const waiting: TicketState = {
  ...intakeTicket(at('2025-03-03 09:00'), { status: 'pending', departmentId: 'urbanismo', assigneeId: 'usr-ana', dueAt: endOf('2025-03-12') }),
  fieldClock: { status: at('2025-03-07 10:00'), dueAt: at('2025-03-03 09:00') },
  fieldBy: { status: 'usr-ana' },
  updatedAt: at('2025-03-07 10:00'),
  _deleted: false,
};

/** A clerk changes the status, as the ticket screen does (renderer/data/ticket-actions.ts): the due date moves when it leaves `pending`. */
function clerkSets<T extends Ticket>(ticket: T, status: TicketStatus, now: number, by = 'usr-luis'): T {
  const resume = resumeOnStatusChange(ticket, status, now, deadlines);
  return stampTicketEdit(ticket, { status, ...(dueDateMoved(resume) && { dueAt: resume.dueAt }) }, now, by);
}

/** The citizen's answer arrives, as the mail ingestion applies it (core/mail/documents.ts applyMail). */
function citizenAnswers<T extends Ticket>(ticket: T, receivedAt: number): T {
  const mail: ReceivedMail = {
    messageDocId: 'a'.repeat(40),
    email: { messageId: 'respuesta@vecino.es', references: [], from: { address: 'vecino@correo.es' }, to: [{ address: 'urbanismo@ayto.test' }], cc: [], mailbox: 'urbanismo@ayto.test' },
    subject: 'RE: Licencia de obra menor',
    text: 'Adjunto el plano que me pedían.',
    attachments: [],
    receivedAt,
    auto: false,
  };
  return applyMail(ticket, mail, deadlines).ticket as T;
}

/** Both orders of the sides give the same ticket, and it is returned. */
function merged(a: TicketState, b: TicketState, base: TicketState | null = waiting): TicketState {
  const one = mergeTickets(a, b, base ?? undefined);
  expect(canonicalJson(mergeTickets(b, a, base ?? undefined))).toBe(canonicalJson(one));
  return one;
}

// Monday 10 March at 09:30 the due date moves to the 13th; Tuesday 11 March at 12:00 to the 14th.
const MONDAY = at('2025-03-10 09:30');
const TUESDAY = at('2025-03-11 12:00');

describe('a pause that both workstations ended offline', () => {
  it('keeps the due date of the earlier resume, the clerk\'s, when the citizen\'s answer came later', () => {
    const byClerk = clerkSets(waiting, 'open', MONDAY);
    const byMail = citizenAnswers(waiting, TUESDAY);
    expect([byClerk.dueAt, byMail.dueAt]).toEqual([endOf('2025-03-13'), endOf('2025-03-14')]);
    const ticket = merged(byClerk, byMail);
    expect(ticket).toMatchObject({ status: 'open', dueAt: endOf('2025-03-13'), fieldClock: { status: MONDAY, dueAt: MONDAY }, fieldBy: { status: 'usr-luis', dueAt: 'usr-luis' } });
  });

  it('keeps the due date of the earlier resume, the citizen\'s answer, when the clerk came later', () => {
    const byMail = citizenAnswers(waiting, MONDAY);
    const byClerk = clerkSets(waiting, 'open', TUESDAY);
    const ticket = merged(byMail, byClerk);
    expect(ticket).toMatchObject({ status: 'open', dueAt: endOf('2025-03-13'), fieldClock: { status: MONDAY, dueAt: MONDAY } });
    // The mail stamps no author: the status and due date are nobody's, not the later clerk's.
    expect(ticket.fieldBy?.status).toBeUndefined();
    expect(ticket.fieldBy?.dueAt).toBeUndefined();
  });

  it('writes the later resume\'s due date in the history, overwritten by the earlier resume\'s, so nothing is lost', () => {
    const ticket = merged(clerkSets(waiting, 'open', MONDAY), citizenAnswers(waiting, TUESDAY));
    expect(ticket.history).toEqual([{ field: 'dueAt', value: endOf('2025-03-14'), clock: TUESDAY, overwrittenAt: MONDAY }]);
  });

  it('keeps the due date the ticket had when the earlier resume moved none (it ended the same day it began) and the later one did', () => {
    const sameDay = { ...waiting, fieldClock: { ...waiting.fieldClock, status: at('2025-03-10 08:00') } };
    const byClerk = clerkSets(sameDay, 'open', MONDAY);
    expect(byClerk.dueAt).toBe(sameDay.dueAt);
    const byMail = citizenAnswers(sameDay, TUESDAY);
    expect(byMail.dueAt).toBe(endOf('2025-03-13'));
    const ticket = merged(byClerk, byMail, sameDay);
    // The due date stays, stamped by the resume that kept it: the ticket still says when the pause ended.
    expect(ticket).toMatchObject({ status: 'open', dueAt: endOf('2025-03-12'), fieldClock: { status: MONDAY, dueAt: MONDAY }, fieldBy: { status: 'usr-luis', dueAt: 'usr-luis' } });
  });

  it('keeps the status of the later edit when the later resume set another one (the citizen reopened what the clerk had resolved), with the earlier due date', () => {
    const byClerk = clerkSets(waiting, 'resolved', MONDAY);
    const byMail = citizenAnswers(waiting, TUESDAY);
    const ticket = merged(byClerk, byMail);
    expect(ticket).toMatchObject({ status: 'open', dueAt: endOf('2025-03-13'), fieldClock: { status: TUESDAY, dueAt: MONDAY } });
    expect(ticket.history).toContainEqual({ field: 'status', value: 'resolved', clock: MONDAY, by: 'usr-luis', overwrittenAt: TUESDAY });
  });

  it('keeps a new pause begun after the earlier resume, with the earlier resume\'s due date', () => {
    // Luis resumes on Monday and asks the citizen for another document on Wednesday: a new pause.
    const pausedAgain = clerkSets(clerkSets(waiting, 'open', MONDAY), 'pending', at('2025-03-12 10:00'));
    const byMail = citizenAnswers(waiting, TUESDAY);
    const ticket = merged(pausedAgain, byMail);
    expect(ticket).toMatchObject({ status: 'pending', dueAt: endOf('2025-03-13'), fieldClock: { status: at('2025-03-12 10:00'), dueAt: MONDAY } });
  });

  it('keeps a new pause begun after the later resume, with the earlier resume\'s due date', () => {
    const byMail = citizenAnswers(waiting, MONDAY);
    const pausedAgain = clerkSets(clerkSets(waiting, 'open', TUESDAY), 'pending', at('2025-03-12 10:00'));
    const ticket = merged(byMail, pausedAgain);
    expect(ticket).toMatchObject({ status: 'pending', dueAt: endOf('2025-03-13'), fieldClock: { status: at('2025-03-12 10:00'), dueAt: MONDAY } });
  });

  it('keeps a due date a supervisor set after the later resume: an edit, not the resume\'s', () => {
    const byClerk = clerkSets(waiting, 'open', MONDAY);
    const thenSupervisor = stampTicketEdit(citizenAnswers(waiting, TUESDAY), { dueAt: endOf('2025-03-20') }, at('2025-03-11 13:00'), 'usr-eva');
    const ticket = merged(byClerk, thenSupervisor);
    expect(ticket).toMatchObject({ status: 'open', dueAt: endOf('2025-03-20'), fieldBy: { dueAt: 'usr-eva' } });
  });

  it('breaks a tie between two resumes in the same millisecond by the earlier due date, whichever side is mine', () => {
    const byClerk = clerkSets(waiting, 'open', MONDAY);
    // Another due date at the same instant: the other workstation counted on another calendar.
    const byMail = stampTicketEdit(waiting, { status: 'open', dueAt: endOf('2025-03-17') }, MONDAY);
    const ticket = merged(byClerk, byMail);
    expect(ticket.dueAt).toBe(endOf('2025-03-13'));
  });

  it('keeps, of two resumes in the same millisecond with the same due date, the clerk\'s — as the note of the pause does', () => {
    const byClerk = clerkSets(waiting, 'open', MONDAY);
    const ticket = merged(byClerk, citizenAnswers(waiting, MONDAY));
    expect(ticket).toMatchObject({ dueAt: endOf('2025-03-13'), fieldBy: { status: 'usr-luis', dueAt: 'usr-luis' } });
    const resume = resumeOnStatusChange(waiting, 'open', MONDAY, deadlines)!;
    const [clerkNote, mailNote] = [pauseNote(resume, { ticketId: waiting.id, authorId: 'usr-luis' }), pauseNote(resume, { ticketId: waiting.id })];
    expect(comparePauseNotes(clerkNote, mailNote)).toBeGreaterThan(0);
  });

  it('changes nothing when the merged ticket is merged again with either side', () => {
    const byClerk = clerkSets(waiting, 'resolved', MONDAY);
    const byMail = citizenAnswers(waiting, TUESDAY);
    const ticket = merged(byClerk, byMail);
    for (const side of [byClerk, byMail, ticket]) expect(canonicalJson(merged(ticket, side))).toBe(canonicalJson(ticket));
  });
});

describe('what is not one pause ended twice: the usual rules', () => {
  it('keeps the resume when only one side ended the pause and the other edited something else', () => {
    const byMail = citizenAnswers(waiting, TUESDAY);
    const stillWaiting = stampTicketEdit(waiting, { priority: 'high' }, at('2025-03-12 09:00'), 'usr-eva');
    expect(merged(byMail, stillWaiting)).toMatchObject({ status: 'open', priority: 'high', dueAt: endOf('2025-03-14'), fieldClock: { dueAt: TUESDAY } });
  });

  it('lets the later clock win between a resume and a supervisor\'s due date on a ticket still waiting', () => {
    const byClerk = clerkSets(waiting, 'open', MONDAY);
    const supervisorLater = stampTicketEdit(waiting, { dueAt: endOf('2025-03-25') }, TUESDAY, 'usr-eva');
    expect(merged(byClerk, supervisorLater)).toMatchObject({ status: 'open', dueAt: endOf('2025-03-25') });
    const supervisorEarlier = stampTicketEdit(waiting, { dueAt: endOf('2025-03-25') }, at('2025-03-08 10:00'), 'usr-eva');
    expect(merged(clerkSets(waiting, 'open', TUESDAY), supervisorEarlier)).toMatchObject({ status: 'open', dueAt: endOf('2025-03-14') });
  });

  it('lets the later clock win without the base: nothing says both sides ended the same pause', () => {
    const ticket = merged(clerkSets(waiting, 'open', MONDAY), citizenAnswers(waiting, TUESDAY), null);
    expect(ticket.dueAt).toBe(endOf('2025-03-14'));
  });

  it('does not apply to a base that was not waiting for the citizen', () => {
    const open = { ...waiting, status: 'open' as const };
    const a = stampTicketEdit(open, { status: 'resolved', dueAt: endOf('2025-03-13') }, MONDAY, 'usr-ana');
    const b = stampTicketEdit(open, { status: 'resolved', dueAt: endOf('2025-03-14') }, TUESDAY, 'usr-luis');
    expect(merged(a, b, open)).toMatchObject({ dueAt: endOf('2025-03-14'), fieldClock: { status: TUESDAY } });
    expect(pauseEndSince(a, open)).toBeUndefined();
  });

  it('leaves both sides as they are when they ended the pause alike', () => {
    const byClerk = clerkSets(waiting, 'open', MONDAY);
    const settled = settlePauseEnds(byClerk, { ...byClerk }, waiting);
    expect(settled.dropped).toBeUndefined();
    expect(settled.b).toEqual(byClerk);
  });
});

describe('reading a resume from the clocks', () => {
  it('reads the resume from the due date\'s clock when the status changed again after it', () => {
    const resolvedLater = clerkSets(clerkSets(waiting, 'open', MONDAY), 'resolved', TUESDAY);
    expect(pauseEndSince(resolvedLater, waiting)).toEqual({ at: MONDAY, dueAtByResume: true, statusByResume: false, by: 'usr-luis' });
  });

  it('reads it from the status clock when the resume moved no due date, or a later edit did', () => {
    const thenSupervisor = stampTicketEdit(clerkSets(waiting, 'open', MONDAY), { dueAt: endOf('2025-03-20') }, TUESDAY, 'usr-eva');
    expect(pauseEndSince(thenSupervisor, waiting)).toEqual({ at: MONDAY, dueAtByResume: false, statusByResume: true, by: 'usr-luis' });
  });

  it('cannot date a resume that moved no due date once the status changed again: the other resume\'s due date stays (a known limit)', () => {
    const sameDay = { ...waiting, fieldClock: { ...waiting.fieldClock, status: at('2025-03-10 08:00') } };
    const keptThenResolved = clerkSets(clerkSets(sameDay, 'open', MONDAY), 'resolved', at('2025-03-12 10:00'));
    expect(pauseEndSince(keptThenResolved, sameDay)?.at).toBe(at('2025-03-12 10:00'));
    const ticket = merged(keptThenResolved, citizenAnswers(sameDay, TUESDAY), sameDay);
    expect(ticket).toMatchObject({ status: 'resolved', dueAt: endOf('2025-03-13') });
  });

  it('reads a due date set by hand in the resuming edit as the resume\'s: on the later side it gives way, kept in the history (a known limit)', () => {
    const byMail = citizenAnswers(waiting, MONDAY);
    const byHand = stampTicketEdit(waiting, { status: 'open', dueAt: endOf('2025-03-31') }, TUESDAY, 'usr-luis');
    const ticket = merged(byMail, byHand);
    expect(ticket.dueAt).toBe(endOf('2025-03-13'));
    expect(ticket.history).toContainEqual({ field: 'dueAt', value: endOf('2025-03-31'), clock: TUESDAY, by: 'usr-luis', overwrittenAt: MONDAY });
  });

  it('finds no resume on a side still waiting, or changed by a writer that stamps no clock', () => {
    expect(pauseEndSince(waiting, waiting)).toBeUndefined();
    expect(pauseEndSince({ ...waiting, status: 'open' }, waiting)).toBeUndefined();
  });
});

describe('two resumes of one pause, over 2,000 random histories', () => {
  const STATUSES = TICKET_STATUSES.filter((status) => status !== 'pending');
  const DAYS = ['2025-03-07', '2025-03-10', '2025-03-11', '2025-03-12', '2025-03-13'];

  /**
   * A resume by a clerk or a mail at a random time, then maybe a change of status, a new pause or
   * (with `supervisor`) a due date a supervisor sets.
   */
  function randomSide(random: () => number, supervisor: boolean): TicketState {
    const instant = at(`${DAYS[Math.floor(random() * DAYS.length)]!} ${10 + Math.floor(random() * 8)}:${random() < 0.5 ? '00' : '30'}`);
    let side = random() < 0.5 ? citizenAnswers(waiting, instant) : clerkSets(waiting, STATUSES[Math.floor(random() * STATUSES.length)]!, instant, random() < 0.5 ? 'usr-ana' : 'usr-luis');
    const then = instant + (1 + Math.floor(random() * 3)) * 60 * 60_000;
    const next = random();
    if (next < 0.2) side = clerkSets(side, STATUSES[Math.floor(random() * STATUSES.length)]!, then);
    else if (next < 0.35) side = clerkSets(side, 'pending', then);
    else if (next < 0.5 && supervisor) side = stampTicketEdit(side, { dueAt: endOf('2025-03-28') }, then, 'usr-eva');
    return side;
  }

  it('converges whichever side is mine, to a valid ticket that loses no due date, with supervisors\' due dates too', () => {
    const random = mulberry32(20250307);
    for (let run = 0; run < 2000; run++) {
      const [a, b] = [randomSide(random, true), randomSide(random, true)];
      const ticket = merged(a, b);
      expect(DOCUMENT_STATE_CHECKS.tickets(ticket).ok).toBe(true);
      for (const side of [a, b]) {
        if (side.dueAt === ticket.dueAt || side.dueAt === waiting.dueAt) continue;
        expect(ticket.history?.some((entry) => entry.field === 'dueAt' && entry.value === side.dueAt)).toBe(true);
      }
    }
  });

  it('changes nothing when the merged ticket is merged again with either side, after resumes, changes of status and new pauses', () => {
    // Not with a supervisor's due date after a resume: see pause-merge.ts on reading a merged ticket.
    const random = mulberry32(4242);
    for (let run = 0; run < 2000; run++) {
      const [a, b] = [randomSide(random, false), randomSide(random, false)];
      const ticket = merged(a, b);
      for (const side of [a, b, ticket]) expect(canonicalJson(merged(ticket, side))).toBe(canonicalJson(ticket));
    }
  });

  it('keeps the earlier resume\'s due date whenever neither side did anything after its resume', () => {
    const random = mulberry32(22);
    for (let run = 0; run < 2000; run++) {
      const instants = [0, 1].map(() => at(`${DAYS[Math.floor(random() * DAYS.length)]!} ${10 + Math.floor(random() * 8)}:00`));
      const [a, b] = [citizenAnswers(waiting, instants[0]!), clerkSets(waiting, 'open', instants[1]!)];
      const earlier = instants[0]! <= instants[1]! ? a : b;
      expect(merged(a, b).dueAt).toBe(earlier.dueAt);
    }
  });
});
