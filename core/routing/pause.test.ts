import { describe, expect, it } from 'vitest';
import { endOfDay, workingCalendar, type WorkingCalendar } from '../calendar';
import { calendarDoc, localTime, madridCityCalendar as city } from '../calendar/test-calendars';
import { mulberry32 } from '../demo/random';
import { NO_DUE_DATE, type Department, type SlaUnit } from '../schemas';
import { intakeTicket } from '../schemas/test-fixtures';
import { ID_MAX_LENGTH } from '../schemas/fields';
import { comparePauseNotes, deadlineClockOf, dueDateMoved, isPauseNote, pauseNote, pauseNoteId, pauseNoteText, pauseStartOf, resumeDueDate, resumeOnStatusChange, type DeadlineClock } from './pause';

const at = (text: string) => localTime(city, text);
const endOf = (date: string) => endOfDay(city, city.zone.dayOf(at(`${date} 12:00`)));
const clock = (unit: SlaUnit, calendar: WorkingCalendar = city): DeadlineClock => ({ calendar, unit });
/** 09:00–14:00 and 16:00–19:00, Madrid holidays. */
const splitDay = workingCalendar(calendarDoc({ id: 'cal-split', workingHours: [{ start: '09:00', end: '14:00' }, { start: '16:00', end: '19:00' }] }));

describe('resuming a period in working days after waiting for the citizen', () => {
  it('skips the weekend: paused Friday, resumed Monday, the due date moves one working day', () => {
    const resume = resumeDueDate(clock('working_days'), endOf('2025-03-12'), at('2025-03-07 10:00'), at('2025-03-10 09:30'));
    expect(resume).toMatchObject({ dueAt: endOf('2025-03-13'), previousDueAt: endOf('2025-03-12'), paused: { amount: 1, unit: 'working_days' }, wholeDay: true });
    expect(resume.kept).toBeUndefined();
  });

  it('does not count Easter: paused the Wednesday before, resumed Easter Monday, three days left stay two after it', () => {
    // Jueves Santo (Comunidad de Madrid) and Viernes Santo (national) are not working days.
    const resume = resumeDueDate(clock('working_days'), endOf('2025-04-22'), at('2025-04-16 11:00'), at('2025-04-21 10:00'));
    expect(resume.paused).toEqual({ amount: 1, unit: 'working_days' });
    expect(resume.dueAt).toBe(endOf('2025-04-23'));
  });

  it('does not count a local holiday (San Isidro in the city of Madrid)', () => {
    const resume = resumeDueDate(clock('working_days'), endOf('2025-05-19'), at('2025-05-14 12:00'), at('2025-05-16 09:00'));
    expect(resume.paused.amount).toBe(1);
    expect(resume.dueAt).toBe(endOf('2025-05-20'));
  });

  it('moves nothing for a pause within one day: the days after it began up to the day it ended are none', () => {
    const resume = resumeDueDate(clock('working_days'), endOf('2025-03-12'), at('2025-03-10 09:30'), at('2025-03-10 13:00'));
    expect(resume).toMatchObject({ dueAt: endOf('2025-03-12'), kept: 'no_working_time' });
    expect(dueDateMoved(resume)).toBe(false);
  });

  it('leaves an overdue ticket overdue: a pause that began after the period ended revives nothing', () => {
    const resume = resumeDueDate(clock('working_days'), endOf('2025-03-10'), at('2025-03-12 10:00'), at('2025-03-20 10:00'));
    expect(resume).toMatchObject({ dueAt: endOf('2025-03-10'), kept: 'already_due' });
  });

  it('keeps the due date when the pause began on the due day itself (that day was already counted)', () => {
    const resume = resumeDueDate(clock('working_days'), endOf('2025-03-10'), at('2025-03-10 10:00'), at('2025-03-12 10:00'));
    expect(resume.kept).toBe('nothing_left');
    expect(resume.dueAt).toBe(endOf('2025-03-10'));
  });

  it('keeps the local time of a due date that is not the end of a day, across the change to summer time', () => {
    const due = at('2025-03-31 12:00');
    const resume = resumeDueDate(clock('working_days'), due, at('2025-03-27 10:00'), at('2025-03-28 10:00'));
    expect(resume.dueAt).toBe(at('2025-04-01 12:00'));
    expect(resume.wholeDay).toBe(false);
  });
});

describe('resuming a period in calendar days or months', () => {
  it('moves the due day by the paused days', () => {
    const resume = resumeDueDate(clock('calendar_days'), endOf('2025-03-10'), at('2025-03-05 10:00'), at('2025-03-08 10:00'));
    expect(resume).toMatchObject({ dueAt: endOf('2025-03-13'), paused: { amount: 3, unit: 'calendar_days' } });
  });

  it('moves a period in months off the weekend it would end on (art. 30.5)', () => {
    const resume = resumeDueDate(clock('months'), endOf('2025-03-14'), at('2025-03-10 10:00'), at('2025-03-12 10:00'));
    expect(resume.dueAt).toBe(endOf('2025-03-17'));
  });
});

describe('resuming a business-hour SLA', () => {
  it('adds back the exact paused working time', () => {
    const resume = resumeDueDate(clock('working_hours'), at('2025-03-11 11:00'), at('2025-03-10 13:00'), at('2025-03-10 13:30'));
    expect(resume).toMatchObject({ dueAt: at('2025-03-11 11:30'), paused: { amount: 30, unit: 'working_minutes' }, wholeDay: false });
  });

  it('counts only the working hours of a pause over a weekend', () => {
    // Friday 13:00–14:00 and Monday 09:00–10:00 were paused: two hours.
    const resume = resumeDueDate(clock('working_hours'), at('2025-03-10 12:00'), at('2025-03-07 13:00'), at('2025-03-10 10:00'));
    expect(resume).toMatchObject({ dueAt: at('2025-03-10 14:00'), paused: { amount: 120, unit: 'working_minutes' } });
  });

  it('skips the afternoon gap of a split working day', () => {
    // Left at 13:00: 1 h until 14:00 and 1 h after 16:00. Resumed at 17:30: 1.5 h today, 0.5 h tomorrow.
    const resume = resumeDueDate(clock('working_hours', splitDay), at('2025-03-10 17:00'), at('2025-03-10 13:00'), at('2025-03-10 17:30'));
    expect(resume.dueAt).toBe(at('2025-03-11 09:30'));
    expect(resume.paused.amount).toBe(150);
  });

  it('moves nothing for a pause outside the working hours', () => {
    const resume = resumeDueDate(clock('working_hours'), at('2025-03-11 11:00'), at('2025-03-10 15:00'), at('2025-03-10 20:00'));
    expect(resume).toMatchObject({ dueAt: at('2025-03-11 11:00'), kept: 'no_working_time' });
  });
});

describe('a resume with nothing to move', () => {
  it('leaves a ticket without a due date without one', () => {
    expect(resumeDueDate(clock('working_days'), NO_DUE_DATE, at('2025-03-07 10:00'), at('2025-03-20 10:00'))).toMatchObject({ dueAt: NO_DUE_DATE, kept: 'no_due_date' });
  });

  it('ignores a resume that is not after the pause began (a clock behind)', () => {
    expect(resumeDueDate(clock('working_days'), endOf('2025-03-20'), at('2025-03-10 10:00'), at('2025-03-09 10:00'))).toMatchObject({ dueAt: endOf('2025-03-20'), kept: 'not_after_pause' });
  });
});

const department = (id: string, overrides: Partial<Department> = {}): Department => ({
  id,
  name: id,
  code: id.slice(0, 3).toUpperCase(),
  mailAliases: [],
  sla: { resolution: { amount: 10, unit: 'working_days' } },
  assignmentMode: 'manual',
  active: true,
  createdAt: 0,
  updatedAt: 0,
  ...overrides,
});

describe('a change of status that leaves pending', () => {
  const context = {
    departments: [department('urbanismo', { calendarId: 'cal-madrid' }), department('sac', { calendarId: 'cal-madrid', sla: { resolution: { amount: 8, unit: 'working_hours' } } }), department('sin-sla', { sla: {} })],
    calendars: [calendarDoc()],
  };
  const pending = intakeTicket(at('2025-03-01 10:00'), { status: 'pending', departmentId: 'urbanismo', dueAt: endOf('2025-03-12'), updatedAt: at('2025-03-07 11:00'), fieldClock: { status: at('2025-03-07 10:00') } });

  it('pauses from when the status was set, counted in the department\'s unit on its calendar', () => {
    const resume = resumeOnStatusChange(pending, 'open', at('2025-03-10 09:30'), context);
    expect(resume).toMatchObject({ pausedFrom: at('2025-03-07 10:00'), resumedAt: at('2025-03-10 09:30'), dueAt: endOf('2025-03-13') });
    expect(dueDateMoved(resume)).toBe(true);
  });

  it('falls back to the last change of the ticket when the status carries no clock', () => {
    const { fieldClock: _dropped, ...unclocked } = pending;
    expect(pauseStartOf(unclocked)).toBe(at('2025-03-07 11:00'));
    expect(resumeOnStatusChange(unclocked, 'resolved', at('2025-03-10 09:30'), context)?.pausedFrom).toBe(at('2025-03-07 11:00'));
  });

  it('is nothing for a ticket that was not pending, or stays pending', () => {
    expect(resumeOnStatusChange({ ...pending, status: 'open' }, 'resolved', at('2025-03-10 09:30'), context)).toBeUndefined();
    expect(resumeOnStatusChange(pending, 'pending', at('2025-03-10 09:30'), context)).toBeUndefined();
  });

  it('uses the council\'s calendar and días hábiles for a department with neither calendar nor period, and for the intake queue', () => {
    expect(deadlineClockOf('sin-sla', context)).toMatchObject({ unit: 'working_days', calendar: { id: 'cal-madrid' } });
    expect(resumeOnStatusChange({ ...pending, departmentId: '' }, 'open', at('2025-03-10 09:30'), context)?.dueAt).toBe(endOf('2025-03-13'));
  });

  it('counts working hours for a department whose period is in hours', () => {
    const ticket = { ...pending, departmentId: 'sac', dueAt: at('2025-03-11 11:00'), fieldClock: { status: at('2025-03-10 13:00') } };
    expect(resumeOnStatusChange(ticket, 'open', at('2025-03-10 13:30'), context)?.dueAt).toBe(at('2025-03-11 11:30'));
  });

  it('leaves the due date alone, and says why, when there is no calendar to count on', () => {
    const resume = resumeOnStatusChange(pending, 'open', at('2025-03-10 09:30'), { departments: context.departments, calendars: [] });
    expect(resume).toMatchObject({ kept: 'no_calendar', dueAt: pending.dueAt });
    expect(dueDateMoved(resume)).toBe(false);
  });
});

describe('the record of a resume in the timeline', () => {
  it('says in Spanish from when to when the period was paused and where the due date moved', () => {
    const resume = resumeDueDate(clock('working_days'), endOf('2025-03-12'), at('2025-03-07 10:00'), at('2025-03-10 09:30'));
    expect(pauseNoteText(resume)).toBe(
      'Plazo suspendido en espera del ciudadano (art. 22.1.a de la Ley 39/2015) del 7 de marzo de 2025, 10:00 al 10 de marzo de 2025, 09:30 (1 día hábil). El vencimiento pasa del 12 de marzo de 2025 al 13 de marzo de 2025.',
    );
  });

  it('writes the times of a due date in working hours', () => {
    const resume = resumeDueDate(clock('working_hours'), at('2025-03-10 12:00'), at('2025-03-07 13:00'), at('2025-03-10 10:00'));
    expect(pauseNoteText(resume)).toContain('(2 h de horario laboral). El vencimiento pasa del 10 de marzo de 2025, 12:00 al 10 de marzo de 2025, 14:00.');
  });

  it('is an automatic internal note with no citizen, by the clerk or by nobody, a millisecond after the resume', () => {
    const resume = resumeDueDate(clock('working_days'), endOf('2025-03-12'), at('2025-03-07 10:00'), at('2025-03-10 09:30'));
    const byClerk = pauseNote(resume, { ticketId: 't1', authorId: 'u-ana' });
    expect(byClerk).toMatchObject({ id: pauseNoteId('t1', at('2025-03-07 10:00')), kind: 'note', ticketId: 't1', citizenId: '', authorId: 'u-ana', auto: true, attachments: [], createdAt: resume.resumedAt + 1 });
    expect(pauseNote(resume, { ticketId: 't1' })).not.toHaveProperty('authorId');
    expect(isPauseNote(byClerk)).toBe(true);
    expect(isPauseNote({ ...byClerk, auto: false })).toBe(false);
  });
});

describe('one note per pause, whoever ends it and wherever', () => {
  const context = {
    departments: [{ id: 'urbanismo', calendarId: 'cal-madrid', active: true, sla: { resolution: { amount: 10, unit: 'working_days' as const } } }],
    calendars: [calendarDoc()],
  };
  const ticketId = '0192f3a4-7b1c-7d2e-8f3a-4b5c6d7e8f90';
  const pending = intakeTicket(at('2025-03-01 10:00'), { id: ticketId, status: 'pending', departmentId: 'urbanismo', dueAt: endOf('2025-03-12'), fieldClock: { status: at('2025-03-07 10:00') } });

  it('gives the clerk\'s resume and the citizen\'s mail the same note id for the same pause', () => {
    const byClerk = resumeOnStatusChange(pending, 'open', at('2025-03-10 09:30'), context)!;
    const byMail = resumeOnStatusChange(pending, 'open', at('2025-03-11 12:00'), context)!;
    const clerkNote = pauseNote(byClerk, { ticketId, authorId: 'u-ana' });
    const mailNote = pauseNote(byMail, { ticketId });
    expect(clerkNote.id).toBe(mailNote.id);
    expect(clerkNote.id).toBe(pauseNoteId(ticketId, pauseStartOf(pending)));
    // Different resumes, different records: the earlier one is kept (art. 22.1.a: the suspension ended then).
    expect(clerkNote.text).not.toBe(mailNote.text);
    expect(comparePauseNotes(clerkNote, mailNote)).toBeGreaterThan(0);
    expect(comparePauseNotes(mailNote, clerkNote)).toBeLessThan(0);
  });

  it('gives two successive pauses of one ticket two notes', () => {
    const first = pauseNote(resumeOnStatusChange(pending, 'open', at('2025-03-10 09:30'), context)!, { ticketId });
    const again = { ...pending, dueAt: endOf('2025-03-13'), fieldClock: { status: at('2025-03-10 11:00') } };
    const second = pauseNote(resumeOnStatusChange(again, 'open', at('2025-03-12 09:00'), context)!, { ticketId });
    expect(second.id).not.toBe(first.id);
    expect(second.text).toContain('El vencimiento pasa del 13 de marzo de 2025 al');
  });

  it('keeps note ids within the schema\'s length for the longest ticket ids, and apart for tickets that differ', () => {
    const longest = 'f'.repeat(ID_MAX_LENGTH);
    expect(pauseNoteId(longest, Date.UTC(2999, 11, 31)).length).toBeLessThanOrEqual(ID_MAX_LENGTH);
    expect(pauseNoteId('t1', 1)).not.toBe(pauseNoteId('t2', 1));
    expect(pauseNoteId('0192f3a4-7b1c-7d2e-8f3a-4b5c6d7e8f90', 1)).not.toBe(pauseNoteId('0192f3a4-7b1c-7d2e-8f3a-4b5c6d7e8f91', 1));
    expect(() => pauseNoteId('t1', -1)).toThrow(RangeError);
  });

  it('agrees on the record to keep whatever the order, for resumes in the same millisecond too', () => {
    const resume = resumeOnStatusChange(pending, 'open', at('2025-03-10 09:30'), context)!;
    const [byAna, byMail] = [pauseNote(resume, { ticketId, authorId: 'u-ana' }), pauseNote(resume, { ticketId })];
    expect(Math.sign(comparePauseNotes(byAna, byMail))).toBe(-Math.sign(comparePauseNotes(byMail, byAna)));
    expect(comparePauseNotes(byAna, byMail)).not.toBe(0);
    expect(comparePauseNotes(byAna, { ...byAna })).toBe(0);
  });
});

describe('resuming, over 3,000 random pauses per unit', () => {
  const FROM = Date.UTC(2025, 0, 1);
  const SPAN = Date.UTC(2026, 11, 1) - FROM;
  const units: [SlaUnit, WorkingCalendar][] = [
    ['working_days', city],
    ['calendar_days', city],
    ['months', city],
    ['working_hours', city],
    ['working_hours', splitDay],
  ];

  it.each(units)('never makes a %s due date earlier, and a moved one is a working day or inside the working hours', (unit, calendar) => {
    const random = mulberry32(unit.length * 7919 + calendar.spans.length);
    let movedCases = 0;
    for (let index = 0; index < 3000; index++) {
      const pausedFrom = FROM + Math.floor(random() * SPAN);
      const resumedAt = pausedFrom + Math.floor(random() * 40 * 86_400_000);
      const raw = pausedFrom + Math.floor((random() - 0.2) * 60 * 86_400_000);
      // Due dates as the SLA writes them: the end of a working day, or a working minute.
      const dueAt = unit === 'working_hours' ? raw : endOfDay(calendar, calendar.zone.dayOf(raw));
      const resume = resumeDueDate({ calendar, unit }, dueAt, pausedFrom, resumedAt);
      const label = `case ${index}: due ${new Date(dueAt).toISOString()}, paused ${new Date(pausedFrom).toISOString()} → ${new Date(resumedAt).toISOString()}`;
      if (resume.dueAt < dueAt) expect.fail(`${label} moved earlier, to ${new Date(resume.dueAt).toISOString()}`);
      if (!Number.isSafeInteger(resume.dueAt)) expect.fail(`${label} gave ${resume.dueAt}`);
      if (resume.dueAt === dueAt) continue;
      movedCases++;
      const day = calendar.zone.dayOf(resume.dueAt);
      if (!calendar.isWorkingDay(day)) expect.fail(`${label} moved to a non-working day`);
      if (unit === 'working_hours') {
        const minute = (resume.dueAt - calendar.zone.instantAt(day, 0)) / 60_000;
        if (!calendar.spans.some((span) => minute > span.start && minute <= span.end)) expect.fail(`${label} moved outside the working hours, to minute ${minute}`);
      } else if (resume.dueAt !== endOfDay(calendar, day)) {
        expect.fail(`${label} is not the end of its day`);
      }
    }
    // The generator must exercise moves, not only the cases that keep the due date.
    expect(movedCases).toBeGreaterThan(1000);
  });
});
