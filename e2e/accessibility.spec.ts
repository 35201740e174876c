// Every screen passes axe-core without a serious or critical violation, and a clerk can do the
// day's work with the keyboard alone: j/k, Enter, r, n, a, /, ?, Esc. With VENTANILLA_SCREENSHOTS
// set to a folder, each screen is also saved there as a PNG (to be looked at, in Spanish).
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { newId, newReference } from '../core/ids';
import { NO_DUE_DATE, type Ticket } from '../core/schemas';
import { accountNamed, pushTickets } from './pages/council';
import { CitizenPage } from './pages/citizen-page';
import { InboxPage } from './pages/inbox-page';
import { NotFoundPage } from './pages/not-found-page';
import { QuickContactDialog } from './pages/quick-contact-dialog';
import { RulesPage } from './pages/rules-page';
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

/**
 * Boxes that scroll sideways on the screen as it is now, leaving out the ones meant to (a data
 * table's box, the inbox's view tabs): at 320 CSS px (400 % zoom, WCAG 1.4.10) nothing else may.
 */
async function sidewaysScrolling(page: Page): Promise<string[]> {
  // A string: the e2e sources compile without the DOM's types.
  return page.evaluate<string[]>(`(() => {
    const found = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) found.push('the page (' + root.scrollWidth + ' px in ' + root.clientWidth + ')');
    for (const element of document.querySelectorAll('body *')) {
      const style = getComputedStyle(element);
      if (!/(auto|scroll)/.test(style.overflowX) || element.scrollWidth <= element.clientWidth + 1) continue;
      if (element.querySelector(':scope > table') || element.classList.contains('MuiTabs-scroller')) continue;
      found.push(element.tagName.toLowerCase() + '.' + String(element.className).split(' ')[0] + ' (' + element.scrollWidth + ' px in ' + element.clientWidth + '): ' + (element.textContent || '').slice(0, 60));
    }
    return found;
  })()`);
}

/** Goes to a screen by its address, as a link or the back button would. */
async function goTo(page: Page, hash: string): Promise<void> {
  await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
}

test('a supervisor\'s screens reflow at 320 CSS px, show every focus, and say what they mean', async ({ centralServer, workstation }) => {
  const lucia = accountNamed(centralServer, 'Lucía Fernández Soto');
  const ana = accountNamed(centralServer, 'Ana Belén Rubio Sanz');
  // A ticket whose priority and assignee two clerks changed offline: the sync kept the later
  // values and the overwritten ones in its history (core/sync/ticket-merge.ts).
  const now = Date.now();
  const conflicted: Ticket = {
    id: newId(now),
    reference: newReference(new Date(now).getUTCFullYear()),
    subject: 'Vado permanente en la calle Mayor',
    status: 'open',
    priority: 'normal',
    channel: 'visit',
    departmentId: lucia.departmentIds[0]!,
    assigneeId: lucia.id,
    citizenId: '',
    createdAt: now,
    updatedAt: now,
    lastActivityAt: now,
    dueAt: NO_DUE_DATE,
    tags: [],
    history: [{ field: 'priority', value: 'urgent', by: ana.id, clock: now - 60_000, overwrittenAt: now }],
  };
  await pushTickets(centralServer, [conflicted]);

  const { page } = await workstation('lucia');
  const desk = await signInAs(page, centralServer.url, lucia);
  await desk.expectSync('online');
  await page.setViewportSize({ width: 320, height: 640 });
  const inbox = new InboxPage(page);

  // Filters that leave the view empty say so, and offer to clear them.
  await goTo(page, '#/inbox/mine?status=closed&channel=web_form&priority=low');
  await expect(page.getByTestId('inbox-status')).toHaveText('Ningún expediente de esta vista cumple los filtros elegidos.');
  await expect.poll(() => sidewaysScrolling(page)).toEqual([]);
  await screenshot(page, 'e2e-10-inbox-320-filtered');
  await page.getByTestId('inbox-empty').getByRole('button', { name: 'Quitar filtros' }).click();
  await expect(page).toHaveURL(/#\/inbox\/mine$/);
  await expect(page.getByTestId('inbox-status')).not.toHaveText('Ningún expediente de esta vista cumple los filtros elegidos.');

  // The ticket names what the sync overwrote in words, not field ids; its reply box wraps.
  await inbox.view('Mías');
  await inbox.open(conflicted.reference);
  const ticket = new TicketPage(page);
  await expect(ticket.reference).toHaveText(conflicted.reference);
  // How it began, in a whole Spanish phrase ("Abierto por presencial" was not).
  await expect(page.getByText(/^Abierto en una visita presencial el \d{1,2} \w+ \d{4}, \d{1,2}:\d{2}/)).toBeVisible();
  await expect(page.getByTestId('ticket-conflicts')).toHaveText(`Valores sustituidos al sincronizar: Prioridad: «Urgente», de ${ana.name}`);
  await expect.poll(() => sidewaysScrolling(page)).toEqual([]);
  // The reply box's last row wraps: "Después" and the send button stay inside the screen.
  for (const control of [page.getByRole('button', { name: 'Enviar respuesta' }), page.getByRole('combobox', { name: /^Después/ })]) {
    const box = await control.boundingBox();
    expect(box && box.x + box.width, 'inside the 320 px').toBeLessThanOrEqual(320);
  }
  await screenshot(page, 'e2e-11-ticket-320');

  // A ticket that is not on this computer says what to do, with a heading and a way back.
  await goTo(page, '#/ticket/no-such-ticket');
  await expect(page.getByRole('heading', { name: 'Expediente no encontrado', level: 1 })).toBeVisible();
  await expect(page.getByTestId('not-found')).toContainText('Búsquelo por su referencia');
  await new NotFoundPage(page).expectAccessible();

  // The supervisor's screens (behind "Más" at this width): the forms wrap, only the data tables scroll sideways.
  await goTo(page, '#/supervisor');
  const supervisor = new SupervisorPage(page);
  await supervisor.expectVisible();
  const counts = (await page.getByTestId('escalation-counts').innerText()).trim();
  // "1 vencido", never "1 vencidos".
  expect(counts).toMatch(/^(1 vencido|\d+ vencidos) · \d+ a punto de vencer$/);
  expect(counts.startsWith('1 ') ? counts.startsWith('1 vencido ·') : true).toBe(true);
  await expect.poll(() => sidewaysScrolling(page)).toEqual([]);
  await screenshot(page, 'e2e-12-supervisor-320');
  await supervisor.expectAccessible();

  await goTo(page, '#/rules');
  const rules = new RulesPage(page);
  await rules.expectVisible();
  // An automatic answer is named by its template's title, not its key.
  await expect(rules.row('Acuse de recibo del correo entrante')).toContainText('Responder con la plantilla: Acuse de recibo');
  await expect.poll(() => sidewaysScrolling(page)).toEqual([]);
  await rules.newRule();
  await expect(rules.editor).toBeVisible();
  // The editor's form sits inside the dialog: a <form> may not take the dialog role (axe aria-allowed-role).
  await expect(page.locator('form[role="dialog"]')).toHaveCount(0);
  await expect(rules.editor.locator('form')).toHaveCount(1);
  await expect.poll(() => sidewaysScrolling(page)).toEqual([]);
  await screenshot(page, 'e2e-13-rule-editor-320');
  await rules.expectAccessible();
  await page.keyboard.press('Escape');

  await goTo(page, '#/settings/mail');
  await expect(page.getByRole('heading', { name: 'Correo', level: 1 })).toBeVisible();
  await expect.poll(() => sidewaysScrolling(page)).toEqual([]);

  // A new visit's citizen form keeps every field usable.
  await desk.newVisit();
  const visit = new QuickContactDialog(page);
  await visit.dialog.getByRole('button', { name: 'Dar de alta a un ciudadano nuevo' }).click();
  const form = visit.dialog.getByRole('form', { name: 'Dar de alta a un ciudadano nuevo' });
  for (const field of ['Documento de identidad', 'Código postal', 'Municipio']) {
    expect((await form.getByRole('textbox', { name: field }).boundingBox())?.width ?? 0, `${field} is wide enough to type in`).toBeGreaterThan(100);
  }
  await expect.poll(() => sidewaysScrolling(page)).toEqual([]);
  await screenshot(page, 'e2e-14-new-citizen-320');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');

  // The list of shortcuts scrolls at this size: the keyboard can reach it (axe: scrollable-region-focusable).
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Atajos de teclado' })).toBeVisible();
  await inbox.expectAccessible();
  await page.keyboard.press('Escape');

  // Every button of the top bar shows a focus ring when reached by Tab (not only MUI's faint ripple).
  await page.setViewportSize({ width: 1400, height: 900 });
  await desk.openInbox();
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Bandeja' }).focus();
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    await expect(focused).toHaveCSS('outline-style', 'solid');
    await expect(focused).toHaveCSS('outline-width', '3px');
  }
});
