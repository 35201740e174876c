// Legal deadlines at the supervisor's desk: an overdue ticket of her department is listed among
// those needing attention (a ticket waiting for the citizen is not: its period is suspended), and
// when she takes a ticket out of waiting, its due date moves later and the timeline says so.
import { expect, test } from './fixtures';
import { API_PATHS } from '../core/sync/replication-protocol';
import { newId, newReference } from '../core/ids';
import type { Ticket } from '../core/schemas';
import type { CentralServer } from './fixtures';
import { accountNamed } from './pages/council';
import { signInAs } from './pages/sign-in';
import { SupervisorPage } from './pages/supervisor-page';
import { TicketPage } from './pages/ticket-page';

test.setTimeout(180_000);

const HOUR = 3_600_000;

/** Tickets written by the council (as the administrator), as another workstation's would arrive. */
async function pushTickets(server: CentralServer, tickets: Ticket[]): Promise<void> {
  const admin = server.account('admin');
  const login = await fetch(`${server.url}${API_PATHS.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: admin.email, password: admin.password }) });
  const { accessToken } = (await login.json()) as { accessToken?: string };
  if (!accessToken) throw new Error(`the administrator could not sign in (${login.status})`);
  const response = await fetch(`${server.url}${API_PATHS.push('tickets')}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(tickets.map((ticket) => ({ newDocumentState: { ...ticket, _deleted: false } }))),
  });
  if (!response.ok) throw new Error(`push refused (${response.status}): ${await response.text()}`);
}

function ticket(subject: string, changes: Partial<Ticket>): Ticket {
  const now = Date.now();
  return {
    id: newId(now),
    reference: newReference(new Date(now).getUTCFullYear()),
    subject,
    status: 'open',
    priority: 'normal',
    channel: 'email',
    departmentId: 'urbanismo',
    assigneeId: '',
    citizenId: '',
    createdAt: now - 20 * 24 * HOUR,
    updatedAt: now - 5 * 24 * HOUR,
    lastActivityAt: now - 5 * 24 * HOUR,
    dueAt: now - HOUR,
    tags: [],
    ...changes,
  };
}

test('a supervisor sees an overdue ticket of her department, and taking one out of waiting moves its due date', async ({ centralServer, workstation }) => {
  const lucia = accountNamed(centralServer, 'Lucía Fernández Soto');
  const desk = await workstation('lucia');
  const overdue = ticket('Vado permanente sin resolver (escalado)', {});
  // Waiting for the citizen for five days, due an hour ago: suspended, so neither listed nor late.
  const waiting = ticket('Plano pendiente del vecino (escalado)', { status: 'pending', fieldClock: { status: Date.now() - 5 * 24 * HOUR } });
  await pushTickets(centralServer, [overdue, waiting]);

  const workspace = await signInAs(desk.page, centralServer.url, lucia);
  await workspace.expectSync('online');
  await workspace.openSupervisor();
  const supervisor = new SupervisorPage(desk.page);
  await supervisor.expectVisible();
  const attention = desk.page.getByRole('table', { name: 'Expedientes que requieren atención' });
  const row = attention.getByRole('row').filter({ hasText: overdue.subject });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Vencido');
  await expect(attention.getByRole('row').filter({ hasText: waiting.subject })).toHaveCount(0);

  await desk.page.goto(`${desk.page.url().split('#')[0]}#/ticket/${encodeURIComponent(waiting.id)}`);
  // A ticket with no message yet: its heading, not its timeline, says the screen is there.
  await expect(desk.page.getByRole('heading', { name: waiting.subject, level: 1 })).toBeVisible();
  const view = new TicketPage(desk.page);
  await view.choose('Estado', 'Abierto');
  const note = view.entries('Nota interna').filter({ hasText: 'Plazo suspendido en espera del ciudadano' });
  await expect(note).toBeVisible();
  await expect(note).toContainText('El vencimiento pasa del');
  await expect(note).toContainText(lucia.name);
});
