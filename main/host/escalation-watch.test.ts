// The escalation watcher on a real local database (our SQLite RxStorage): one summary for a
// backlog, a notice per ticket after, silence after a restart, and a check after writes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TicketEscalation } from '../../core/app-api';
import { endOfDay } from '../../core/calendar';
import { calendarDoc, localTime, madridCityCalendar as city } from '../../core/calendar/test-calendars';
import type { Department, Ticket } from '../../core/schemas';
import { intakeTicket } from '../../core/schemas/test-fixtures';
import { openLocalDatabase, type LocalDatabase } from '../store/local-database';
import { EscalationWatch, escalationStateFile } from './escalation-watch';

const at = (text: string) => localTime(city, text);
const endOf = (date: string) => endOfDay(city, city.zone.dayOf(at(`${date} 12:00`)));

const department = (id: string, name: string): Department => ({ id, name, code: id.slice(0, 3).toUpperCase(), mailAliases: [], calendarId: 'cal-madrid', sla: { resolution: { amount: 10, unit: 'working_days' } }, assignmentMode: 'manual', active: true, createdAt: 0, updatedAt: 0 });

let n = 0;
const ticket = (departmentId: string, dueAt: number, overrides: Partial<Ticket> = {}): Ticket =>
  intakeTicket(at('2025-02-01 10:00'), { id: `t-${departmentId}-${++n}`, reference: `2025-${String(n).padStart(6, '0')}`, subject: `Expediente ${n}`, status: 'open', departmentId, dueAt, ...overrides });

let dir: string;
let local: LocalDatabase;
let clock: number;
const watches: EscalationWatch[] = [];

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ventanilla-escalation-'));
  local = await openLocalDatabase({ directory: dir, name: 'supervisora', durability: 'normal' });
  await local.db.departments.bulkInsert([department('urbanismo', 'Urbanismo'), department('hacienda', 'Hacienda y Tributos'), department('cultura', 'Cultura')]);
  await local.db.calendars.insert(calendarDoc());
  clock = at('2025-03-13 10:00'); // Thursday
});

afterEach(async () => {
  for (const watch of watches.splice(0)) await watch.stop();
  await local.close();
  rmSync(dir, { recursive: true, force: true });
});

function watch(notices: TicketEscalation[], logs: string[] = []): EscalationWatch {
  const started = EscalationWatch.start({
    db: local.db,
    departmentIds: ['urbanismo', 'hacienda'],
    stateFile: escalationStateFile(dir, 'u-supervisora'),
    notify: (notice) => notices.push(notice),
    now: () => clock,
    checkEveryMs: 3_600_000,
    settleMs: 20,
    log: (line) => logs.push(line),
  });
  watches.push(started);
  return started;
}

describe('escalation to a supervisor', () => {
  it('sums up a backlog in one notice per department, tells each ticket that becomes overdue later, and stays quiet after a restart', async () => {
    const backlog = Array.from({ length: 150 }, (_, index) => ticket('urbanismo', endOf('2025-03-10') - index * 60_000));
    const near = [ticket('urbanismo', endOf('2025-03-14')), ticket('hacienda', endOf('2025-03-17'))];
    const ignored = [
      ticket('cultura', endOf('2025-03-10')), // not one of hers
      ticket('urbanismo', endOf('2025-03-10'), { status: 'pending' }), // waiting for the citizen: the clock is stopped
      ticket('urbanismo', endOf('2025-03-10'), { status: 'resolved' }),
      ticket('urbanismo', endOf('2025-03-31')), // not near yet
    ];
    await local.db.tickets.bulkInsert([...backlog, ...near, ...ignored]);

    const notices: TicketEscalation[] = [];
    const first = watch(notices);
    await first.check();
    expect(notices.map((notice) => [notice.departmentName, notice.level, notice.count, notice.ticket?.ticketId])).toEqual([
      ['Hacienda y Tributos', 'near', 1, near[1]!.id],
      ['Urbanismo', 'near', 1, near[0]!.id],
      ['Urbanismo', 'overdue', 150, undefined],
    ]);

    // Friday night: the Friday ticket is overdue now, by time alone.
    notices.length = 0;
    clock = at('2025-03-15 00:30');
    await first.check();
    expect(notices).toEqual([{ level: 'overdue', departmentId: 'urbanismo', departmentName: 'Urbanismo', count: 1, ticket: { ticketId: near[0]!.id, reference: near[0]!.reference, subject: near[0]!.subject, dueAt: near[0]!.dueAt } }]);

    // The service restarts: what was said is remembered.
    await first.stop();
    notices.length = 0;
    await watch(notices).check();
    expect(notices).toEqual([]);
  });

  it('checks again after a write: a ticket routed in already overdue is told without waiting for the timer', async () => {
    const notices: TicketEscalation[] = [];
    const watcher = watch(notices);
    await watcher.check();
    expect(notices).toEqual([]);
    const late = ticket('hacienda', endOf('2025-03-11'));
    await local.db.tickets.insert(late);
    const deadline = Date.now() + 10_000;
    while (notices.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(notices.map((notice) => notice.ticket?.ticketId)).toEqual([late.id]);
  });

  it('starts afresh from a damaged memory, saying so in the log', async () => {
    await local.db.tickets.insert(ticket('urbanismo', endOf('2025-03-10')));
    const file = escalationStateFile(dir, 'u-supervisora');
    const notices: TicketEscalation[] = [];
    await watch(notices).check();
    await watches.pop()!.stop();
    writeFileSync(file, '{ not json');
    const logs: string[] = [];
    notices.length = 0;
    await watch(notices, logs).check();
    expect(notices).toHaveLength(1);
    expect(logs.join('\n')).toMatch(/is damaged .* starting afresh/);
  });
});
