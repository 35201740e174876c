import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTION_NAMES,
  INTAKE_DEPARTMENT_ID,
  NO_CITIZEN,
  NO_DUE_DATE,
  UNASSIGNED,
  type Citizen,
} from '../schemas';
import { openTestDatabase, type TestDatabase } from '../schemas/test-kit';
import { Caseload, DEMO_NOW, caseloadBatches, generateCaseload, insertBatch, type GeneratedCaseload } from './caseload';
import { isValidSpanishDocument } from './people';

const TICKETS = 600;

describe('demo caseload', () => {
  let caseload: GeneratedCaseload;
  beforeAll(() => {
    caseload = generateCaseload({ seed: 'test', tickets: TICKETS });
  });

  describe('in a database that validates every write', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase();
    });
    afterAll(async () => {
      await db.close();
    });

    it('writes every document of every collection without a schema error', async () => {
      for (const batch of caseloadBatches({ seed: 'test', tickets: TICKETS, batchSize: 250 })) {
        expect(await insertBatch(db, batch)).toEqual([]);
      }
      for (const name of COLLECTION_NAMES) {
        expect(await db[name].count().exec()).toBe(caseload[name].length);
      }
    });
  });

  it('gives the same documents for the same seed, and other documents for another seed', () => {
    expect(generateCaseload({ seed: 'test', tickets: TICKETS })).toEqual(caseload);
    const other = generateCaseload({ seed: 'other', tickets: TICKETS });
    expect(other.tickets.map((t) => t.id)).not.toEqual(caseload.tickets.map((t) => t.id));
    expect(other.messages.map((m) => m.text)).not.toEqual(caseload.messages.map((m) => m.text));
  });

  it('gives the same documents whatever the batch size, and any ticket alone', () => {
    const small: GeneratedCaseload = { tickets: [], messages: [], citizens: [], departments: [], users: [], templates: [], rules: [], calendars: [] };
    for (const batch of caseloadBatches({ seed: 'test', tickets: TICKETS, batchSize: 7 })) {
      expect(batch.documents.length).toBeLessThanOrEqual(batch.collection === 'templates' || batch.collection === 'users' || batch.collection === 'departments' || batch.collection === 'rules' ? 100 : 7);
      (small[batch.collection] as unknown[]).push(...batch.documents);
    }
    expect(small).toEqual(caseload);
    const alone = new Caseload({ seed: 'test', tickets: TICKETS });
    const ticket = alone.ticket(417);
    expect(ticket.ticket).toEqual(caseload.tickets[417]);
    expect(ticket.messages).toEqual(caseload.messages.filter((m) => m.ticketId === ticket.ticket.id));
    expect(alone.citizen(123)).toEqual(caseload.citizens[123]);
  });

  it('sets up a council of 15 departments and 40 staff with supervisors and an administrator', () => {
    expect(caseload.departments).toHaveLength(15);
    expect(caseload.users).toHaveLength(40);
    expect(caseload.users.filter((u) => u.role === 'admin')).toHaveLength(1);
    expect(caseload.users.filter((u) => u.role === 'supervisor').length).toBeGreaterThanOrEqual(3);
    expect(new Set(caseload.users.map((u) => u.email)).size).toBe(40);
    const departmentIds = new Set(caseload.departments.map((d) => d.id));
    for (const user of caseload.users) for (const id of user.departmentIds) expect(departmentIds).toContain(id);
    for (const department of caseload.departments) {
      expect(caseload.users.some((u) => u.role !== 'admin' && u.departmentIds.includes(department.id))).toBe(true);
    }
    expect(caseload.calendars[0]!.holidays.map((h) => h.name)).toContain('Viernes Santo');
    for (const template of caseload.templates) for (const link of template.links) expect(link.url).toMatch(/^https:\/\//);
  });

  it('gives citizens ID documents with correct check characters', () => {
    const withDocument = caseload.citizens.filter((c): c is Citizen & { documentType: 'dni' | 'nie' | 'cif' } => ['dni', 'nie', 'cif'].includes(c.documentType ?? ''));
    expect(withDocument.length).toBeGreaterThan(caseload.citizens.length * 0.7);
    for (const citizen of withDocument) expect(isValidSpanishDocument(citizen.documentType, citizen.documentNumber)).toBe(true);
    for (const citizen of caseload.citizens) expect(citizen.documentType === undefined).toBe(citizen.documentNumber === '');
    expect(isValidSpanishDocument('dni', '12345678Z')).toBe(true);
    expect(isValidSpanishDocument('dni', '12345678A')).toBe(false);
    expect(isValidSpanishDocument('nie', 'X1234567L')).toBe(true);
    expect(isValidSpanishDocument('cif', 'B12345674')).toBe(true);
  });

  it('numbers tickets by year, spreads them over two years and never past now', () => {
    const { tickets } = caseload;
    expect(tickets).toHaveLength(TICKETS);
    expect(new Set(tickets.map((t) => t.reference)).size).toBe(TICKETS);
    expect(tickets.filter((t) => t.reference.endsWith('-000001')).length).toBeGreaterThanOrEqual(2);
    const created = tickets.map((t) => t.createdAt);
    expect(created).toEqual([...created].sort((a, b) => a - b));
    expect(created[0]!).toBeLessThan(DEMO_NOW - 700 * 86_400_000);
    expect(created[created.length - 1]!).toBeGreaterThan(DEMO_NOW - 2 * 86_400_000);
    for (const t of tickets) {
      expect(t.createdAt).toBeLessThanOrEqual(t.lastActivityAt);
      expect(t.lastActivityAt).toBeLessThanOrEqual(DEMO_NOW);
      expect(t.updatedAt).toBeGreaterThanOrEqual(t.lastActivityAt);
    }
  });

  it('spreads tickets over every status, channel and priority, with intake, unassigned and overdue cases', () => {
    const { tickets } = caseload;
    const values = <K extends 'status' | 'channel' | 'priority'>(key: K) => new Set(tickets.map((t) => t[key]));
    expect(values('status')).toEqual(new Set(['new', 'open', 'pending', 'resolved', 'closed']));
    expect(values('channel')).toEqual(new Set(['email', 'phone', 'visit', 'web_form', 'chat', 'internal']));
    expect(values('priority')).toEqual(new Set(['low', 'normal', 'high', 'urgent']));
    const intake = tickets.filter((t) => t.departmentId === INTAKE_DEPARTMENT_ID);
    expect(intake.length).toBeGreaterThan(0);
    for (const t of intake) expect([t.status, t.assigneeId]).toEqual(['new', UNASSIGNED]);
    expect(tickets.filter((t) => t.assigneeId === UNASSIGNED && t.departmentId !== INTAKE_DEPARTMENT_ID).length).toBeGreaterThan(0);
    expect(tickets.filter((t) => t.status === 'open' && t.dueAt < DEMO_NOW).length).toBeGreaterThan(0);
    expect(tickets.filter((t) => t.dueAt === NO_DUE_DATE).length).toBeGreaterThan(0);
    for (const t of tickets) {
      expect(t.resolvedAt !== undefined).toBe(t.status === 'resolved' || t.status === 'closed');
      expect(t.citizenId === NO_CITIZEN).toBe(t.channel === 'internal');
    }
  });

  it('writes about three messages per ticket, in order, within the ticket\'s life', () => {
    const { tickets, messages } = caseload;
    expect(messages.length / tickets.length).toBeGreaterThan(2.6);
    expect(messages.length / tickets.length).toBeLessThan(3.4);
    const byId = new Map(tickets.map((t) => [t.id, t]));
    const last = new Map<string, number>();
    for (const m of messages) {
      const ticket = byId.get(m.ticketId)!;
      expect(ticket).toBeDefined();
      expect(m.createdAt).toBeGreaterThanOrEqual(last.get(m.ticketId) ?? ticket.createdAt);
      expect(m.createdAt).toBeLessThanOrEqual(ticket.lastActivityAt);
      last.set(m.ticketId, m.createdAt);
      if (m.kind === 'note') expect(m.citizenId).toBe(NO_CITIZEN);
      else expect(m.citizenId).toBe(ticket.citizenId);
      if (m.kind === 'email_in' || m.kind === 'email_out') expect(m.email?.mailbox).toMatch(/@ayto-villanueva\.example$/);
    }
    expect(new Set(messages.map((m) => m.kind))).toEqual(new Set(['email_in', 'email_out', 'note', 'phone_call', 'visit', 'web_form', 'chat']));
  });

  it('writes varied Spanish text that full-text search can tell apart', () => {
    const texts = caseload.messages.map((m) => m.text);
    expect(new Set(texts).size).toBeGreaterThan(texts.length * 0.8);
    expect(texts.filter((t) => /[áéíóúñ]/.test(t)).length).toBeGreaterThan(texts.length * 0.5);
    expect(texts.some((t) => /empadronamiento|licencia de obra menor|recogida de/i.test(t))).toBe(true);
    const surnames = caseload.citizens.map((c) => c.name.split(' ').at(-1));
    expect(new Set(surnames).size).toBeGreaterThan(60);
  });

  it('refuses options that make no caseload', () => {
    expect(() => new Caseload({ tickets: -1 })).toThrow(RangeError);
    expect(() => new Caseload({ tickets: 10, messagesPerTicket: 0.5 })).toThrow(RangeError);
    expect(() => new Caseload({ tickets: 10, now: 12 })).toThrow(RangeError);
    expect(generateCaseload({ tickets: 0 }).tickets).toEqual([]);
  });
});
