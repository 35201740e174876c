// Routing rules from a supervisor's workstation: written with the central server down, they wait
// in her replica and reach a clerk of the department once it is back — the clerk's new call is
// sent where the new rule says. The rules screen passes axe-core and works with the keyboard
// alone. With VENTANILLA_SCREENSHOTS set to a folder, the screens are saved there (in Spanish).
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { accountNamed } from './pages/council';
import { QuickContactDialog } from './pages/quick-contact-dialog';
import { RulesPage } from './pages/rules-page';
import { signInAs } from './pages/sign-in';

async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.VENTANILLA_SCREENSHOTS;
  if (folder) await page.screenshot({ path: path.join(folder, `${name}.png`) });
}

/** The department a new call with this reason is suggested to go to, on the clerk's screen. */
async function suggestedDepartment(page: Page, reason: string): Promise<string> {
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('button', { name: 'Nueva llamada' }).click();
  const call = new QuickContactDialog(page);
  await call.expectVisible();
  await call.dialog.getByRole('button', { name: 'Sin identificar' }).click();
  await call.dialog.getByRole('textbox', { name: 'Motivo' }).fill(reason);
  const department = (await call.dialog.getByRole('combobox', { name: /^Departamento/ }).innerText()).trim();
  await page.keyboard.press('Escape');
  await expect(call.dialog).toBeHidden();
  return department;
}

test.setTimeout(240_000);

test('a rule a supervisor writes offline reaches a clerk of her department when the server is back', async ({ centralServer, workstation }) => {
  const lucia = accountNamed(centralServer, 'Lucía Fernández Soto');
  const ana = accountNamed(centralServer, 'Ana Belén Rubio Sanz');
  const boss = await workstation('lucia');
  const clerk = await workstation('ana');
  const desk = await signInAs(boss.page, centralServer.url, lucia);
  const anaDesk = await signInAs(clerk.page, centralServer.url, ana);
  await desk.expectSync('online');
  await anaDesk.expectSync('online');

  // Today a call about a terrace's tax receipt goes to Hacienda (the council's "recibo" rule).
  const reason = 'Recibo de la tasa de terraza del bar de la plaza';
  await expect.poll(() => suggestedDepartment(clerk.page, reason), { timeout: 30_000 }).toBe('Hacienda y Tributos');

  await boss.page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Reglas' }).click();
  const rules = new RulesPage(boss.page);
  await rules.expectVisible();
  await expect(rules.row('IBI, plusvalía y recibos a Hacienda')).toBeVisible();

  await centralServer.stop();
  await desk.expectSync('offline');
  await rules.newRule();
  await rules.writeWordsRule('Terrazas a Urbanismo', 'Urbanismo', 'terraza, velador', 'Urbanismo');
  await expect(rules.previewCount).toHaveText(/^Esta regla habría coincidido con \d+ de los últimos \d+ expedientes$/);
  await rules.save();
  await expect(rules.row('Terrazas a Urbanismo')).toBeVisible();
  await expect(boss.page.getByTestId('sync-status')).toContainText(/cambios? pendientes?/);

  await centralServer.start();
  await desk.expectSync('online');
  await anaDesk.expectSync('online');
  // Ana never opened the rules screen (clerks have none): the rule reaches her replica and routes her call.
  await expect.poll(() => suggestedDepartment(clerk.page, reason), { timeout: 60_000, intervals: [1_000, 2_000, 3_000] }).toBe('Urbanismo');
});

test('the rules screen passes axe-core and a supervisor edits, switches off, moves and re-applies rules with the keyboard', async ({ centralServer, workstation }) => {
  const lucia = accountNamed(centralServer, 'Lucía Fernández Soto');
  const { page } = await workstation('lucia');
  await page.setViewportSize({ width: 1400, height: 900 });
  const desk = await signInAs(page, centralServer.url, lucia);
  await desk.expectSync('online');

  // The top bar's "Reglas", reached with Tab and opened with Enter from the inbox: Enter on a
  // focused link is the link's, not the inbox's "open the selected ticket" shortcut.
  const nav = page.getByRole('link', { name: 'Reglas' });
  await page.locator('body').focus();
  for (let i = 0; i < 10 && !(await nav.evaluate((element) => element === element.ownerDocument.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(nav).toBeFocused();
  await page.keyboard.press('Enter');
  const rules = new RulesPage(page);
  await rules.expectVisible();
  await expect(rules.row('Acuse de recibo del correo entrante')).toBeVisible();
  // Council-wide rules are the administrators': read-only here.
  await expect(rules.row('Acuse de recibo del correo entrante').getByRole('button', { name: /^Borrar/ })).toHaveCount(0);
  await screenshot(page, 'rules-1-list');
  await rules.expectAccessible();

  // A new rule, from the keyboard alone: Enter on "Nueva regla", type, Tab to each field.
  await page.getByRole('button', { name: 'Nueva regla' }).focus();
  await page.keyboard.press('Enter');
  await expect(rules.editor).toBeVisible();
  await expect(rules.editor.getByRole('textbox', { name: 'Nombre de la regla' })).toBeFocused();
  await page.keyboard.type('Licencias de obra a Urbanismo');
  const tabTo = async (target: ReturnType<typeof page.getByRole>) => {
    for (let i = 0; i < 20 && !(await target.evaluate((element) => element === element.ownerDocument.activeElement)); i++) await page.keyboard.press('Tab');
    await expect(target).toBeFocused();
  };
  await tabTo(rules.editor.getByRole('combobox', { name: /^Pertenece a/ }));
  // Medio Ambiente comes first (by name), Urbanismo next.
  await page.keyboard.press('Enter');
  await expect(page.getByRole('listbox')).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(rules.editor.getByRole('combobox', { name: /^Pertenece a/ })).toHaveText('Urbanismo');
  await tabTo(rules.editor.getByRole('textbox', { name: 'Palabras o frases' }));
  await page.keyboard.type('licencia de obra, obra menor');
  await expect(rules.previewCount).toHaveText(/^Esta regla habría coincidido con [1-9]\d* de los últimos \d+ expedientes$/);
  await expect(rules.editor.getByRole('list', { name: 'Expedientes que habría tomado' }).getByRole('listitem').first()).toBeVisible();
  await screenshot(page, 'rules-2-editor');
  await rules.expectAccessible();

  // A condition on the citizen, from the keyboard: only people (DNI, NIE) — the preview counts again.
  await rules.editor.getByRole('button', { name: 'Añadir condición' }).focus();
  await page.keyboard.press('Enter');
  const citizen = rules.editor.getByRole('group', { name: 'Condición 2' });
  await tabTo(citizen.getByRole('combobox', { name: /^Condición 2/ }));
  await page.keyboard.press('Enter');
  await page.getByRole('listbox').getByRole('option', { name: 'Ciudadano', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(citizen.getByRole('combobox', { name: /^Del ciudadano, mirar/ })).toHaveText('Tipo de documento');
  await tabTo(citizen.getByRole('checkbox', { name: 'Persona (DNI)' }));
  await page.keyboard.press('Space');
  await tabTo(citizen.getByRole('checkbox', { name: 'Persona extranjera (NIE)' }));
  await page.keyboard.press('Space');
  await expect(citizen.getByRole('checkbox', { name: 'Persona (DNI)' })).toBeChecked();
  await expect(rules.previewCount).toHaveText(/^Esta regla habría coincidido con \d+ de los últimos \d+ expedientes$/);
  await screenshot(page, 'rules-2b-citizen');
  await rules.expectAccessible();
  // Not this time: the condition goes, and the rule is the words one again.
  await citizen.getByRole('button', { name: 'Quitar la condición 2' }).click();
  await expect(citizen).toHaveCount(0);

  // Saving with a department missing says so where it is, and saves nothing.
  const action = rules.editor.getByRole('group', { name: 'Acción 1' });
  await rules.choose(/^Departamento/, 'Urbanismo', action);
  await rules.editor.getByRole('textbox', { name: 'Palabras o frases' }).fill('');
  await rules.editor.getByRole('button', { name: 'Guardar' }).click();
  await expect(rules.editor.getByRole('group', { name: 'Condición 1' }).getByRole('alert')).toHaveText('Escriba al menos uno.');
  await screenshot(page, 'rules-3-errors');
  await rules.editor.getByRole('textbox', { name: 'Palabras o frases' }).fill('licencia de obra, obra menor');
  await rules.editor.getByRole('textbox', { name: 'Palabras o frases' }).press('Enter');
  await expect(rules.editor).toBeHidden();
  const row = rules.row('Licencias de obra a Urbanismo');
  await expect(row).toBeVisible();

  // Switch it off and on again with Space; move it up with Enter.
  const toggle = row.getByRole('switch', { name: 'Activa: Licencias de obra a Urbanismo' });
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(toggle).not.toBeChecked();
  await page.keyboard.press('Space');
  await expect(toggle).toBeChecked();
  const before = await rules.table.getByRole('row').allInnerTexts();
  const position = before.findIndex((text) => text.includes('Licencias de obra a Urbanismo'));
  await row.getByRole('button', { name: 'Subir «Licencias de obra a Urbanismo»' }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await rules.table.getByRole('row').allInnerTexts()).findIndex((text) => text.includes('Licencias de obra a Urbanismo'))).toBe(position - 1);

  // Re-apply the rules to Urbanismo's open tickets: progress, then what changed.
  await rules.reapply('Urbanismo');
  await expect(rules.reapplyResult).toHaveText(/^Terminado: (\d+) de \1 revisados, \d+ cambiados\.$/, { timeout: 60_000 });
  await rules.reapplyResult.scrollIntoViewIfNeeded();
  await screenshot(page, 'rules-4-reapply');
  await rules.expectAccessible();
});
