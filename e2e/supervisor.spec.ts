// A supervisor rebalances a queue with the central server down: the counts come from her replica,
// the reassignments wait in it, and reach the clerk once the server is back.
import { expect, test } from './fixtures';
import { accountNamed } from './pages/council';
import { InboxPage } from './pages/inbox-page';
import { signInAs } from './pages/sign-in';
import { SupervisorPage } from './pages/supervisor-page';

test.setTimeout(240_000);

test('a supervisor reassigns a queue offline and the clerk receives it when the server is back', async ({ centralServer, workstation }) => {
  const lucia = accountNamed(centralServer, 'Lucía Fernández Soto');
  const carlos = accountNamed(centralServer, 'Carlos Navarro Gil');
  const boss = await workstation('lucia');
  const clerk = await workstation('carlos');
  const desk = await signInAs(boss.page, centralServer.url, lucia);
  const carlosDesk = await signInAs(clerk.page, centralServer.url, carlos);
  await desk.expectSync('online');
  const carlosInbox = new InboxPage(clerk.page);
  await carlosInbox.view('Mías');
  const before = await carlosInbox.count('Mías');

  await desk.openSupervisor();
  const supervisor = new SupervisorPage(boss.page);
  await supervisor.expectVisible();
  await supervisor.department('Urbanismo');
  // Someone else's queue (a clerk on leave, or the unassigned tickets) goes to Carlos.
  const from = (await supervisor.holders()).find((name) => name !== carlos.name);
  expect(from).toBeDefined();
  await supervisor.holder(from!);
  const moving = await supervisor.queue.getByRole('row').count() - 1;
  expect(moving).toBeGreaterThan(0);

  await centralServer.stop();
  await desk.expectSync('offline');
  await supervisor.selectAllShown();
  await supervisor.reassignTo('Carlos Navarro Gil');
  await expect(boss.page.getByText(`${moving} expediente${moving === 1 ? '' : 's'} reasignado${moving === 1 ? '' : 's'}`)).toBeVisible();
  // Her own replica already counts them as Carlos's.
  await expect(supervisor.queue.getByRole('row')).toHaveCount(1);
  await expect(boss.page.getByTestId('sync-status')).toContainText(/cambios? pendientes?/);

  await centralServer.start();
  await desk.expectSync('online');
  await carlosDesk.expectSync('online');
  await expect.poll(() => carlosInbox.count('Mías'), { timeout: 60_000 }).toBe(before + moving);
});
