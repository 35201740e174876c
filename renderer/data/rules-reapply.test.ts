import { afterEach, describe, expect, it } from 'vitest';
import { compileRules, previewRule } from '../../core/routing';
import { rule } from '../../core/routing/test-rules';
import { plannedIndex } from '../../core/schemas/test-kit';
import { openTestDatabase, type TestDatabase } from '../../core/schemas/test-kit';
import { messageSchema, ticketSchema, type Citizen, type Message, type Ticket } from '../../core/schemas';
import type { WorkstationDatabase } from '../platform/platform';
import { editOf, REAPPLY_SLICE, reapplyToDepartment, type ReapplyRunProgress } from './rules-reapply';
import { newestTickets, previewSample, routingTicketOf } from './rules-tickets';

const T = Date.UTC(2026, 2, 2, 9); // Monday 2 March 2026, 10:00 in Madrid

function ticket(id: string, changes: Partial<Ticket> = {}): Ticket {
  return { id, reference: `2026-${id}`, subject: '', status: 'open', priority: 'normal', channel: 'email', departmentId: '', assigneeId: '', citizenId: '', createdAt: T, updatedAt: T, lastActivityAt: T, dueAt: T + 1e9, tags: [], ...changes };
}

function mail(ticketId: string, text: string, createdAt = T, changes: Partial<Message> = {}): Message {
  return {
    id: `m-${ticketId}-${createdAt}`,
    kind: 'email_in',
    ticketId,
    citizenId: '',
    text,
    attachments: [],
    createdAt,
    auto: false,
    email: { messageId: `${ticketId}.${createdAt}@vecinos.example`, references: [], from: { address: 'Vecina@Vecinos.example' }, to: [], cc: [], mailbox: 'licencias@ayto.example' },
    ...changes,
  };
}

function citizen(id: string, changes: Partial<Citizen> = {}): Citizen {
  return { id, name: `Vecino ${id}`, nameKey: `vecino ${id}`, documentType: 'dni', documentNumber: '12345678Z', emails: [], phones: [], preferredLanguage: 'es', createdAt: T - 1e10, updatedAt: T - 1e10, ...changes };
}

const companies = rule('Empresas a Hacienda', [{ type: 'citizen', attribute: 'document_type', values: ['cif'] }], [{ type: 'set_department', departmentId: 'hacienda' }], { id: 'rule-empresas' });

const terraces = rule('Terrazas a Urbanismo', [{ type: 'words', field: 'subject_or_body', words: ['terraza'], match: 'any' }], [{ type: 'set_department', departmentId: 'urbanismo' }, { type: 'add_tags', tags: ['terrazas'] }], { id: 'rule-terrazas' });

let db: TestDatabase | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe('tickets as the rules see them', () => {
  it('take the text, sender, mailbox and time of the ticket\'s first message', () => {
    const routed = routingTicketOf(ticket('a', { subject: 'Terraza', priority: 'high', routedBy: 'rule-x', tags: ['t'] }), mail('a', 'Quiero poner una terraza', T - 5000));
    expect(routed).toEqual({
      id: 'a',
      channel: 'email',
      subject: 'Terraza',
      body: 'Quiero poner una terraza',
      priority: 'high',
      receivedAt: T - 5000,
      from: 'Vecina@Vecinos.example',
      mailbox: 'licencias@ayto.example',
      departmentId: '',
      tags: ['t'],
      routedBy: 'rule-x',
      reference: '2026-a',
      lastActivityAt: T,
    });
    expect(routingTicketOf(ticket('b', { channel: 'phone' }), undefined)).toMatchObject({ body: '', receivedAt: T, channel: 'phone' });
  });

  it('are read newest first through the status index, and their first messages through the thread index', () => {
    expect(plannedIndex(ticketSchema, { selector: { status: 'open' }, sort: [{ lastActivityAt: 'desc' }], limit: 500 }).join(',')).toContain('status,lastActivityAt');
    expect(plannedIndex(ticketSchema, { selector: { departmentId: 'urbanismo', status: 'open' }, sort: [{ lastActivityAt: 'desc' }] }).join(',')).toContain('departmentId,status,lastActivityAt');
    expect(plannedIndex(messageSchema, { selector: { ticketId: 'a' }, sort: [{ createdAt: 'asc' }] }).join(',')).toContain('ticketId,createdAt');
  });

  it('give the preview the newest tickets of every status, merged ones left out', async () => {
    db = await openTestDatabase(['tickets', 'messages']);
    const replica = db as unknown as WorkstationDatabase;
    await db.tickets.bulkInsert([
      ticket('old', { lastActivityAt: T - 3000 }),
      ticket('closed', { status: 'closed', lastActivityAt: T - 1000, subject: 'Terraza del bar' }),
      ticket('new', { status: 'new', lastActivityAt: T }),
      ticket('merged', { lastActivityAt: T + 10, mergedInto: 'new' }),
    ]);
    await db.messages.bulkInsert([mail('new', 'Solicito licencia de terraza', T), mail('new', 'Y otra cosa', T + 60_000), mail('old', 'Un árbol caído')]);
    expect((await newestTickets(replica, 2)).map((t) => t.id)).toEqual(['new', 'closed']);
    const sample = await previewSample(replica);
    expect(sample.map((t) => [t.id, t.body])).toEqual([['new', 'Solicito licencia de terraza'], ['closed', ''], ['old', 'Un árbol caído']]);
    const preview = previewRule(terraces, sample, { calendars: [] });
    expect(preview).toEqual({ ok: true, matchedTicketIds: ['new', 'closed'], matched: 2, examined: 3 });
  });
});

describe('citizen conditions in the preview and in re-applying', () => {
  it('see each ticket\'s citizen, as when the ticket arrived', async () => {
    db = await openTestDatabase(['tickets', 'messages', 'citizens']);
    const replica = db as unknown as WorkstationDatabase;
    await db.citizens.bulkInsert([citizen('c-empresa', { documentType: 'cif', documentNumber: 'B12345674' }), citizen('c-vecina')]);
    await db.tickets.bulkInsert([
      ticket('empresa', { citizenId: 'c-empresa', lastActivityAt: T }),
      ticket('vecina', { citizenId: 'c-vecina', lastActivityAt: T - 1 }),
      ticket('anonima', { lastActivityAt: T - 2 }),
      // A citizen this replica does not hold (another department's): no citizen condition holds.
      ticket('ajena', { citizenId: 'c-ajena', lastActivityAt: T - 3 }),
    ]);
    const sample = await previewSample(replica);
    expect(sample.map((t) => [t.id, t.citizen?.documentType])).toEqual([['empresa', 'cif'], ['vecina', 'dni'], ['anonima', undefined], ['ajena', undefined]]);
    expect(previewRule(companies, sample, { calendars: [] })).toMatchObject({ ok: true, matchedTicketIds: ['empresa'] });
    const result = await reapplyToDepartment(replica, compileRules([companies], { calendars: [] }), '', { by: 'lucia', now: () => T + 1000 });
    expect(result).toMatchObject({ examined: 4, changed: 1 });
    expect((await db.tickets.findOne('empresa').exec())!.toJSON()).toMatchObject({ departmentId: 'hacienda', routedBy: 'rule-empresas' });
    expect((await db.tickets.findOne('vecina').exec())!.departmentId).toBe('');
  });
});

describe('re-applying the rules to a department\'s open tickets', () => {
  it('writes the new department, the rule that chose it and the added tags as the supervisor\'s edit', () => {
    expect(editOf({ ticketId: 'a', department: { from: '', to: 'urbanismo', rule: { ruleId: 'r', ruleName: 'R' } }, addTags: ['x', 'y'] }, ['y'])).toEqual({ departmentId: 'urbanismo', routedBy: 'r', tags: ['y', 'x'] });
  });

  it('moves what rules routed, leaves what a person routed, and reports its progress as n of m', async () => {
    db = await openTestDatabase(['tickets', 'messages']);
    const replica = db as unknown as WorkstationDatabase;
    const count = REAPPLY_SLICE + 10;
    const tickets = Array.from({ length: count }, (_, i) => ticket(`t${String(i).padStart(3, '0')}`, { departmentId: 'hacienda', routedBy: 'rule-ibi', lastActivityAt: T - i }));
    tickets[0] = { ...tickets[0]!, routedBy: undefined } as Ticket; // Put in Hacienda by a person.
    delete tickets[0]!.routedBy;
    tickets.push(ticket('closed', { departmentId: 'hacienda', status: 'closed', routedBy: 'rule-ibi' }));
    await db.tickets.bulkInsert(tickets);
    await db.messages.bulkInsert([...tickets.map((t) => mail(t.id, 'Recibo de la tasa de terraza'))]);
    const progress: ReapplyRunProgress[] = [];
    const result = await reapplyToDepartment(replica, compileRules([terraces], { calendars: [] }), 'hacienda', { by: 'lucia', now: () => T + 1000, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ examined: count, total: count, changed: count, stopped: false, failed: [] });
    expect(progress.map((p) => `${p.done} de ${p.total}`)).toEqual([`0 de ${count}`, `${REAPPLY_SLICE} de ${count}`, `${count} de ${count}`]);
    const moved = (await db.tickets.findOne('t001').exec())!.toJSON();
    expect(moved).toMatchObject({ departmentId: 'urbanismo', routedBy: 'rule-terrazas', tags: ['terrazas'], fieldBy: { departmentId: 'lucia', routedBy: 'lucia', tags: 'lucia' }, fieldClock: { departmentId: T + 1000 } });
    // The person's choice of department stands; the tag is still added.
    expect((await db.tickets.findOne('t000').exec())!.toJSON()).toMatchObject({ departmentId: 'hacienda', tags: ['terrazas'] });
    expect((await db.tickets.findOne('closed').exec())!.departmentId).toBe('hacienda');
  });

  it('stops between slices when asked, keeping what it already wrote', async () => {
    db = await openTestDatabase(['tickets', 'messages']);
    const replica = db as unknown as WorkstationDatabase;
    const tickets = Array.from({ length: REAPPLY_SLICE * 3 }, (_, i) => ticket(`s${String(i).padStart(3, '0')}`, { subject: 'Terraza', lastActivityAt: T - i }));
    await db.tickets.bulkInsert(tickets);
    let slices = 0;
    const result = await reapplyToDepartment(replica, compileRules([terraces], { calendars: [] }), '', { by: 'lucia', onProgress: (p) => (slices = p.phase === 'applying' ? slices + 1 : slices), shouldStop: () => slices >= 1 });
    expect(result).toMatchObject({ examined: REAPPLY_SLICE, total: REAPPLY_SLICE * 3, changed: REAPPLY_SLICE, stopped: true });
    expect(await db.tickets.count({ selector: { departmentId: 'urbanismo', status: 'open' } }).exec()).toBe(REAPPLY_SLICE);
  });
});
