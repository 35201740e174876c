// The demo council of `npm start` and the e2e tests, seeded on a real central server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF } from '../../core/demo/council';
import { assignmentCandidates, chooseAssignee } from '../../core/routing';
import type { Department, User } from '../../core/schemas';
import { API_PATHS, parseLoginResponse } from '../../core/sync';
import { serverDocuments } from '../sync/test-support/central-server';
import { temporaryFolder } from '../sync/test-support/council';
import { freePort, startCentralServerProcess, type CentralServerProcess } from './central-server-process';
import { DEMO_PASSWORD, readDemoCouncil, seedDemoCouncil } from './demo-council';

let server: CentralServerProcess;
let folder: { folder: string; remove(): void };

beforeAll(async () => {
  folder = temporaryFolder('ventanilla-demo-council-');
  server = await startCentralServerProcess({ dataDir: folder.folder, port: await freePort() });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  folder?.remove();
});

describe('the demo council', () => {
  it('gives its staff accounts that sign in, and their tickets keep pointing at them', async () => {
    const council = await seedDemoCouncil({ serverDataDir: folder.folder, serverUrl: server.url, tickets: 120, accountNames: ['Roberto Sáez Carmona', 'Ana Belén Rubio Sanz'] });
    expect(council.accounts.map((account) => [account.name, account.role])).toEqual([
      ['Roberto Sáez Carmona', 'admin'],
      ['Ana Belén Rubio Sanz', 'clerk'],
    ]);
    const ana = council.accounts[1]!;
    const response = await fetch(`${server.url}${API_PATHS.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ana.email, password: DEMO_PASSWORD }) });
    const login = parseLoginResponse(await response.json());
    expect(login.ok && login.value.user).toMatchObject({ id: ana.id, departmentIds: ['urbanismo'] });

    const admin = { email: council.accounts[0]!.email, password: DEMO_PASSWORD };
    const tickets = await serverDocuments(server.url, admin, 'tickets');
    expect(tickets).toHaveLength(120);
    const users = await serverDocuments(server.url, admin, 'users');
    // Every assignee is a user the server knows: the demo's ids were mapped to the accounts' ids.
    const known = new Set(users.map((user) => user.id));
    expect(tickets.filter((ticket) => ticket.assigneeId !== '' && !known.has(ticket.assigneeId as string)).map((ticket) => ticket.assigneeId)).toEqual([]);
    expect(tickets.filter((ticket) => ticket.assigneeId !== '').length, 'assigned tickets').toBeGreaterThan(0);
    // One users document per person: the account's, not a second one under the demo's id.
    expect(users.filter((user) => user.email === ana.email).map((user) => user.id)).toEqual([ana.id]);
  });

  it('gives its staff accounts their skills, so a department that assigns by skill chooses among them', async () => {
    const council = readDemoCouncil(folder.folder)!;
    const admin = { email: council.accounts[0]!.email, password: DEMO_PASSWORD };
    const users = (await serverDocuments(server.url, admin, 'users')) as unknown as User[];
    const ana = users.find((user) => user.id === council.accounts[1]!.id)!;
    expect(ana.skills).toEqual(STAFF.find((plan) => plan.name === ana.name)!.skills);
    // Urbanismo assigns by skill; the licencias rule tags what it routes. Only the staff with an
    // account sign in, so the choice must fall on one of them.
    const urbanismo = ((await serverDocuments(server.url, admin, 'departments')) as unknown as Department[]).find((department) => department.id === 'urbanismo')!;
    expect(urbanismo.assignmentMode).toBe('skill');
    const withAccount = users.filter((user) => council.accounts.some((account) => account.id === user.id));
    const outcome = chooseAssignee({ id: 'licencia-nueva', tags: ['licencias'] }, urbanismo, assignmentCandidates(urbanismo, withAccount, () => true, new Map()));
    expect(outcome).toMatchObject({ assigneeId: ana.id, reason: 'assigned' });
  });

  it('is seeded once: a second start finds it and changes nothing', async () => {
    const first = readDemoCouncil(folder.folder);
    expect(first).toBeDefined();
    const again = await seedDemoCouncil({ serverDataDir: folder.folder, serverUrl: server.url, tickets: 999 });
    expect(again).toEqual(first);
  });
});
