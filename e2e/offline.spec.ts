// The central server goes away in the middle of the morning: both clerks keep working on their
// replicas (open tickets, edit, reassign), and when it comes back both screens converge — every
// edit kept, field by field (core/sync/ticket-merge.ts).
import { expect, test } from './fixtures';
import { accountNamed } from './pages/council';
import { InboxPage } from './pages/inbox-page';
import { QuickContactDialog } from './pages/quick-contact-dialog';
import { signInAs } from './pages/sign-in';
import { TicketPage } from './pages/ticket-page';

test.setTimeout(240_000);

test('two clerks keep working while the central server is down, and converge when it is back', async ({ centralServer, workstation }) => {
  const ana = accountNamed(centralServer, 'Ana Belén Rubio Sanz');
  const carlos = accountNamed(centralServer, 'Carlos Navarro Gil');
  const first = await workstation('ana');
  const second = await workstation('carlos');
  const anaDesk = await signInAs(first.page, centralServer.url, ana);
  const carlosDesk = await signInAs(second.page, centralServer.url, carlos);
  await anaDesk.expectSync('online');
  await carlosDesk.expectSync('online');

  // A ticket both will edit while offline: Ana opens it online, so both replicas have it.
  await anaDesk.newCall();
  const call = new QuickContactDialog(first.page);
  await call.dialog.getByRole('button', { name: 'Sin identificar' }).click();
  await call.file('Ruido de obras fuera de horario', '', 'Urbanismo');
  const anaTicket = new TicketPage(first.page);
  await anaTicket.expectVisible();
  const shared = (await anaTicket.reference.innerText()).trim();
  const carlosInbox = new InboxPage(second.page);
  await carlosInbox.view('Mis departamentos');
  await expect(carlosInbox.row(shared)).toBeVisible({ timeout: 30_000 });

  await centralServer.stop();
  await anaDesk.expectSync('offline');
  await carlosDesk.expectSync('offline');

  // Offline, Ana raises the priority of the shared ticket and adds a note…
  await anaTicket.choose('Prioridad', 'Urgente');
  await anaTicket.note('Tercera queja esta semana.');
  await expect(anaTicket.entries('Nota interna')).toHaveCount(1);
  // …and opens a new one from a visit.
  await anaDesk.newVisit();
  const visit = new QuickContactDialog(first.page);
  await visit.dialog.getByRole('button', { name: 'Sin identificar' }).click();
  await visit.file('Consulta sobre el vado de la calle Real', '', 'Urbanismo');
  await anaTicket.expectVisible();
  const created = (await anaTicket.reference.innerText()).trim();

  // Offline too, Carlos takes the shared ticket (reassign) and puts it on hold (edit).
  await carlosInbox.open(shared);
  const carlosTicket = new TicketPage(second.page);
  await carlosTicket.expectVisible();
  await carlosTicket.choose('Asignado a', 'Carlos Navarro Gil');
  await carlosTicket.choose('Estado', 'Pendiente');
  await expect(second.page.getByTestId('sync-status')).toContainText(/cambios? pendientes?/);

  await centralServer.start();
  await anaDesk.expectSync('online');
  await carlosDesk.expectSync('online');

  // Both screens show every edit: Ana's priority and note, Carlos's assignee and status.
  for (const page of [first.page, second.page]) {
    const view = new TicketPage(page);
    if (page === first.page) {
      await page.goto(page.url().replace(/#.*$/, '') + '#/inbox/departments');
      await new InboxPage(page).open(shared);
    }
    await expect(page.getByRole('combobox', { name: /^Prioridad/ })).toHaveText('Urgente', { timeout: 60_000 });
    await expect(page.getByRole('combobox', { name: /^Asignado a/ })).toHaveText('Carlos Navarro Gil', { timeout: 60_000 });
    await expect(page.getByRole('combobox', { name: /^Estado/ })).toHaveText('Pendiente', { timeout: 60_000 });
    await expect(view.entries('Nota interna')).toHaveCount(1, { timeout: 60_000 });
  }
  // And the ticket Ana opened offline reaches Carlos.
  await carlosTicket.back();
  await expect(carlosInbox.row(created)).toBeVisible({ timeout: 60_000 });
});
