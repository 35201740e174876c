// Every screen passes axe-core without a serious or critical violation, and a clerk can do the
// day's work with the keyboard alone: j/k, Enter, r, n, a, /, ?, Esc. With VENTANILLA_SCREENSHOTS
// set to a folder, each screen is also saved there as a PNG (to be looked at, in Spanish).
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { accountNamed } from './pages/council';
import { CitizenPage } from './pages/citizen-page';
import { InboxPage } from './pages/inbox-page';
import { QuickContactDialog } from './pages/quick-contact-dialog';
import { signInAs } from './pages/sign-in';
import { SupervisorPage } from './pages/supervisor-page';
import { TicketPage } from './pages/ticket-page';
import { SignInPage } from './support/sign-in-page';

async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.VENTANILLA_SCREENSHOTS;
  if (folder) await page.screenshot({ path: path.join(folder, `${name}.png`) });
}

test.setTimeout(180_000);

test('every screen passes axe-core without serious or critical violations', async ({ centralServer, workstation }) => {
  const lucia = accountNamed(centralServer, 'Lucía Fernández Soto');
  const { page } = await workstation('lucia');
  await page.setViewportSize({ width: 1400, height: 900 });
  const signIn = new SignInPage(page);
  await signIn.expectVisible();
  await screenshot(page, 'e2e-01-sign-in');
  await signIn.expectAccessible();

  const desk = await signInAs(page, centralServer.url, lucia);
  await desk.expectSync('online');
  const inbox = new InboxPage(page);
  await inbox.view('Mis departamentos');
  await expect(inbox.list.getByRole('option').first()).toBeVisible();
  await screenshot(page, 'e2e-02-inbox');
  await inbox.expectAccessible();

  await inbox.list.getByRole('option').first().dblclick();
  const ticket = new TicketPage(page);
  await ticket.expectVisible();
  await screenshot(page, 'e2e-03-ticket');
  await ticket.expectAccessible();

  const citizenLink = page.locator('a[href^="#/citizen/"]').first();
  if (await citizenLink.count()) {
    await citizenLink.click();
    const citizen = new CitizenPage(page);
    await citizen.expectVisible();
    await screenshot(page, 'e2e-04-citizen');
    await citizen.expectAccessible();
  }

  await desk.newCall();
  const call = new QuickContactDialog(page);
  await call.expectVisible();
  await (await call.lookup('ga')).first().waitFor();
  await screenshot(page, 'e2e-05-new-call');
  await call.expectAccessible();
  await page.keyboard.press('Escape');

  await desk.openSupervisor();
  const supervisor = new SupervisorPage(page);
  await supervisor.expectVisible();
  await screenshot(page, 'e2e-06-supervisor');
  await supervisor.expectAccessible();

  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Atajos de teclado' })).toBeVisible();
  await screenshot(page, 'e2e-07-shortcuts');
  await supervisor.expectAccessible();
});

test('a clerk works the inbox and a ticket with the keyboard alone', async ({ centralServer, workstation }) => {
  const carlos = accountNamed(centralServer, 'Carlos Navarro Gil');
  const { page } = await workstation('carlos');
  await signInAs(page, centralServer.url, carlos);
  const inbox = new InboxPage(page);
  await inbox.view('Mis departamentos');
  const rows = inbox.list.getByRole('option');
  await expect(rows.nth(1)).toBeVisible();
  await page.getByTestId('inbox-status').click();

  // j moves down, k up; the selected row has the focus, with a visible outline.
  await page.keyboard.press('j');
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(rows.nth(1)).toBeFocused();
  await expect(rows.nth(1)).not.toHaveCSS('outline-style', 'none');
  await page.keyboard.press('k');
  await expect(rows.nth(0)).toBeFocused();
  const reference = await rows.nth(0).getAttribute('data-reference');

  // Enter opens it; n writes a note; Esc goes back to the list.
  await page.keyboard.press('Enter');
  const ticket = new TicketPage(page);
  await ticket.expectVisible();
  await expect(ticket.reference).toHaveText(reference!);
  await page.locator('h1').click();
  await page.keyboard.press('n');
  await expect(page.getByRole('textbox', { name: /Texto de la nota/ })).toBeFocused();
  await page.keyboard.type('Nota escrita solo con el teclado.');
  await page.keyboard.press('Control+Enter');
  await expect(ticket.entries('Nota interna').last()).toContainText('Nota escrita solo con el teclado.');
  // Esc leaves the text box; a opens the assignee list; Esc closes it, and Esc again goes back.
  await page.keyboard.press('Escape');
  await page.keyboard.press('a');
  await expect(page.getByRole('listbox')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('listbox')).toBeHidden();
  await page.keyboard.press('Escape');
  await inbox.expectVisible();

  // / goes to the search box; ? shows the shortcuts.
  await page.keyboard.press('/');
  await expect(inbox.search).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(inbox.search).not.toBeFocused();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Atajos de teclado' })).toBeVisible();
  await page.keyboard.press('Escape');

  // Tab reaches every control of the top bar.
  const reached = new Set<string>();
  await page.keyboard.press('Home');
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate<string>("document.activeElement?.textContent?.trim() || document.activeElement?.getAttribute('aria-label') || ''"));
  }
  for (const control of ['Bandeja', 'Nueva llamada', 'Nueva visita', 'Atajos de teclado', carlos.name]) {
    expect([...reached].some((text) => text.toLowerCase().includes(control.toLowerCase())), `${control} reached by Tab (${[...reached].join(' | ')})`).toBe(true);
  }

  // Enter on a focused link of the top bar follows the link: the inbox's Enter ("open the
  // selected ticket") leaves links and buttons alone.
  await expect(page).toHaveURL(/#\/inbox\/departments/);
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Bandeja' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/inbox\/mine$/);
  await inbox.expectVisible();
});
