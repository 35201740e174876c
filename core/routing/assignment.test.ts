import { describe, expect, it } from 'vitest';
import { UNASSIGNED, type Department, type User } from '../schemas';
import { assignmentCandidates, chooseAssignee, clerkLoads, manualAssignmentProblem, type AssignmentCandidate } from './assignment';

const T0 = Date.UTC(2025, 0, 1);
const padron = (overrides: Partial<Department> = {}) => ({ id: 'padron', name: 'Padrón', assignmentMode: 'round_robin' as const, ...overrides });
const clerk = (userId: string, overrides: Partial<AssignmentCandidate> = {}): AssignmentCandidate => ({ userId, skills: [], working: true, openTickets: 0, ...overrides });

describe('fair assignment', () => {
  it('assigns in turn: the clerk whose last assignment is oldest, someone never assigned first', () => {
    const clerks = [clerk('ana', { lastAssignedAt: T0 + 2 }), clerk('blas', { lastAssignedAt: T0 + 1 }), clerk('carmen')];
    expect(chooseAssignee({ id: 't1', tags: [] }, padron(), clerks)).toEqual({ assigneeId: 'carmen', mode: 'round_robin', reason: 'assigned', eligible: 3 });
    expect(chooseAssignee({ id: 't1', tags: [] }, padron(), clerks.slice(0, 2)).assigneeId).toBe('blas');
  });

  it('goes round every clerk once before anyone gets a second ticket', () => {
    const tickets: { departmentId: string; assigneeId: string; status: 'open'; createdAt: number }[] = [];
    const users = ['ana', 'blas', 'carmen', 'dario'];
    const chosen: string[] = [];
    for (let i = 0; i < 8; i++) {
      const loads = clerkLoads(tickets, 'padron');
      const candidates = users.map((userId) => clerk(userId, { openTickets: loads.get(userId)?.openTickets ?? 0, ...(loads.get(userId)?.lastAssignedAt !== undefined ? { lastAssignedAt: loads.get(userId)!.lastAssignedAt! } : {}) }));
      const { assigneeId } = chooseAssignee({ id: `t${i}`, tags: [] }, padron(), candidates);
      chosen.push(assigneeId);
      tickets.push({ departmentId: 'padron', assigneeId, status: 'open', createdAt: T0 + i });
    }
    expect(new Set(chosen.slice(0, 4)).size).toBe(4);
    expect(chosen.slice(4)).toEqual(chosen.slice(0, 4));
  });

  it('chooses the same clerk for the same ticket on two workstations, whatever order they list clerks in', () => {
    const clerks = [clerk('ana'), clerk('blas'), clerk('carmen'), clerk('dario')];
    for (let i = 0; i < 200; i++) {
      const ticket = { id: `0190a1b2-${i}`, tags: [] };
      expect(chooseAssignee(ticket, padron(), clerks).assigneeId).toBe(chooseAssignee(ticket, padron(), [...clerks].reverse()).assigneeId);
    }
  });

  it('spreads tickets among clerks never assigned before, by the ticket id', () => {
    const clerks = [clerk('ana'), clerk('blas'), clerk('carmen'), clerk('dario')];
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const { assigneeId } = chooseAssignee({ id: `ticket-${i}`, tags: [] }, padron(), clerks);
      counts.set(assigneeId, (counts.get(assigneeId) ?? 0) + 1);
    }
    expect(counts.size).toBe(4);
    for (const count of counts.values()) expect(count).toBeGreaterThan(60);
  });

  it('gives least-open departments to the clerk with the fewest open tickets', () => {
    const clerks = [clerk('ana', { openTickets: 5 }), clerk('blas', { openTickets: 2, lastAssignedAt: T0 + 9 }), clerk('carmen', { openTickets: 3 })];
    expect(chooseAssignee({ id: 't', tags: [] }, padron({ assignmentMode: 'least_open' }), clerks).assigneeId).toBe('blas');
  });

  it('gives skill departments to the clerk whose skills cover the ticket best, accents aside', () => {
    const clerks = [clerk('ana', { skills: ['licencias'] }), clerk('blas', { skills: ['Licencias', 'Disciplina urbanística'], openTickets: 4 }), clerk('carmen', { skills: ['ibi'] })];
    const department = padron({ assignmentMode: 'skill' });
    expect(chooseAssignee({ id: 't', tags: ['licencias'], category: 'disciplina urbanistica' }, department, clerks).assigneeId).toBe('blas');
    expect(chooseAssignee({ id: 't', tags: ['licencias'] }, department, clerks).assigneeId).toBe('ana');
    expect(chooseAssignee({ id: 't', tags: ['vados'] }, department, clerks)).toMatchObject({ assigneeId: UNASSIGNED, reason: 'no_skilled_clerk' });
  });

  it('considers only clerks who are working and below the cap, and says why nobody was chosen', () => {
    const department = padron({ maxOpenPerClerk: 3 });
    expect(chooseAssignee({ id: 't', tags: [] }, department, [clerk('ana', { working: false }), clerk('blas', { openTickets: 3 }), clerk('carmen', { openTickets: 2, lastAssignedAt: T0 })]).assigneeId).toBe('carmen');
    expect(chooseAssignee({ id: 't', tags: [] }, department, [clerk('ana', { working: false })])).toMatchObject({ assigneeId: UNASSIGNED, reason: 'nobody_working' });
    expect(chooseAssignee({ id: 't', tags: [] }, department, [clerk('blas', { openTickets: 3 })])).toMatchObject({ assigneeId: UNASSIGNED, reason: 'all_at_cap' });
    expect(chooseAssignee({ id: 't', tags: [] }, padron({ assignmentMode: 'manual' }), [clerk('ana')])).toMatchObject({ assigneeId: UNASSIGNED, reason: 'manual_mode' });
  });
});

describe('who can be assigned', () => {
  const user = (id: string, overrides: Partial<User> = {}): User => ({ id, name: id, email: `${id}@ayto.example`, role: 'clerk', departmentIds: ['padron'], skills: [], language: 'es', active: true, away: false, createdAt: T0, updatedAt: T0, ...overrides });
  const users = [user('ana'), user('blas', { away: true }), user('carmen', { active: false }), user('dario', { departmentIds: ['hacienda'] }), user('elena', { role: 'supervisor' })];

  it('takes the department\'s active clerks, away ones as not working, supervisors only when asked', () => {
    const loads = clerkLoads(
      [
        { departmentId: 'padron', assigneeId: 'ana', status: 'open', createdAt: T0 },
        { departmentId: 'padron', assigneeId: 'ana', status: 'closed', createdAt: T0 + 5, fieldClock: { assigneeId: T0 + 7 } },
        { departmentId: 'hacienda', assigneeId: 'ana', status: 'open', createdAt: T0 + 9 },
        { departmentId: 'padron', assigneeId: '', status: 'new', createdAt: T0 + 9 },
      ],
      'padron',
    );
    expect(loads.get('ana')).toEqual({ openTickets: 1, lastAssignedAt: T0 + 7 });
    const candidates = assignmentCandidates({ id: 'padron' }, users, () => true, loads);
    expect(candidates).toEqual([
      { userId: 'ana', skills: [], working: true, openTickets: 1, lastAssignedAt: T0 + 7 },
      { userId: 'blas', skills: [], working: false, openTickets: 0 },
    ]);
    expect(assignmentCandidates({ id: 'padron' }, users, (id) => id !== 'ana', loads, { includeSupervisors: true }).map((c) => [c.userId, c.working])).toEqual([
      ['ana', false],
      ['blas', false],
      ['elena', true],
    ]);
  });

  it('lets a supervisor assign by hand anyone active who serves the department', () => {
    const department = { id: 'padron', name: 'Padrón' };
    expect(manualAssignmentProblem(users[0], department)).toBeUndefined();
    expect(manualAssignmentProblem(users[1], department)).toBeUndefined();
    expect(manualAssignmentProblem(users[2], department)).toMatch(/no longer active/);
    expect(manualAssignmentProblem(users[3], department)).toMatch(/does not serve Padrón/);
    expect(manualAssignmentProblem(undefined, department)).toBe('no such user');
  });
});
