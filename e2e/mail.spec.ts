// The email channel end to end (issues 5 and 6): a supervisor adds the council's registry mailbox
// (a Dovecot this test starts) on the "Correo" settings screen; a citizen's mail about a licencia
// de obra delivered to it reaches Urbanismo in her inbox, and the citizen
// receives (at the SMTP server this test starts) the automatic answer with the reference and the
// official link. The settings screen passes axe-core. With VENTANILLA_SCREENSHOTS set to a
// folder, the screens are saved there as mail-*.png.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startDovecot, type TestDovecot } from '../main/mail/test-support/dovecot';
import { startTestSmtpServer, type TestSmtpServer } from '../main/mail/test-support/smtp';
import { expect, test } from './fixtures';
import { accountNamed } from './pages/council';
import { InboxPage } from './pages/inbox-page';
import { MailSettingsPage } from './pages/mail-settings-page';
import { signInAs } from './pages/sign-in';
import { TicketPage } from './pages/ticket-page';

const REGISTRY = { user: 'registro@ayto-villanueva.example', password: 'clave-del-registro' };

async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.VENTANILLA_SCREENSHOTS;
  if (folder) await page.screenshot({ path: path.join(folder, `${name}.png`), fullPage: true });
}

/** The body of a received mail, quoted-printable undone, as UTF-8. */
function bodyOf(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4).replace(/=\r\n/g, '');
  return Buffer.from(body.replace(/=([0-9A-F]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

let dovecot: TestDovecot;
let smtp: TestSmtpServer;
test.beforeAll(async () => {
  [dovecot, smtp] = await Promise.all([startDovecot({ users: [REGISTRY] }), startTestSmtpServer()]);
});
test.afterAll(async () => {
  await dovecot?.stop();
  await smtp?.close();
});

test.setTimeout(180_000);

test('a citizen mail about a licencia de obra reaches Urbanismo and gets the automatic answer', async ({ centralServer, workstation }) => {
  const lucia = accountNamed(centralServer, 'Lucía Fernández Soto');
  const desk = await workstation('lucia');
  const workspace = await signInAs(desk.page, centralServer.url, lucia);
  await workspace.expectSync('online');

  await desk.page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Correo' }).click();
  const settings = new MailSettingsPage(desk.page);
  await settings.expectVisible();
  await settings.expectAccessible();
  await screenshot(desk.page, 'mail-settings-empty');

  await settings.setCouncilName('Ayuntamiento de Villanueva del Prado');
  await settings.fillNewAccount({ name: 'Registro General', address: REGISTRY.user, host: dovecot.host, port: dovecot.port, user: REGISTRY.user, password: REGISTRY.password, smtpHost: '127.0.0.1', smtpPort: smtp.port });
  const results = await settings.testConnection();
  await expect(results).toContainText('Recepción (IMAP): Conectado');
  await expect(results).toContainText('acepta la cuenta');
  await settings.expectAccessible();
  await screenshot(desk.page, 'mail-account-dialog');
  await settings.save();
  await expect(settings.account(REGISTRY.user)).toContainText('Conectado');

  const before = smtp.received.length;
  await dovecot.append([
    [
      'From: Rosa Delgado Pardo <rosa.delgado@correo.example>',
      `To: ${REGISTRY.user}`,
      'Subject: Solicitud de licencia de obra menor en calle Real 14',
      'Message-ID: <licencia-e2e-1@correo.example>',
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Buenos días: quiero solicitar la licencia de obra menor para cambiar el suelo de la cocina. Un saludo.',
      '',
    ].join('\r\n'),
  ]);

  await desk.page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Bandeja' }).click();
  const inbox = new InboxPage(desk.page);
  await inbox.expectVisible();
  await inbox.view('Mis departamentos');
  await expect(inbox.row('Solicitud de licencia de obra menor en calle Real 14')).toBeVisible({ timeout: 30_000 });
  await inbox.open('Solicitud de licencia de obra menor en calle Real 14');
  const ticket = new TicketPage(desk.page);
  await ticket.expectVisible();
  await expect(desk.page.getByRole('combobox', { name: /^Departamento/ })).toHaveText('Urbanismo');
  // The ticket says which rule routed it.
  await expect(desk.page.getByTestId('ticket-routed-by')).toHaveText(/^Enviado a Urbanismo por la regla «.+»$/);
  // Urbanismo assigns by skill: the rule tags the ticket "licencias", and the demo's accounts
  // carry their skills (main/host/demo-council.ts), so one of its two licencias clerks gets it.
  await expect(desk.page.getByRole('combobox', { name: /^Asignado a/ })).toHaveText(/^(Ana Belén Rubio Sanz|Carlos Navarro Gil)$/);
  const reference = (await ticket.reference.innerText()).trim();

  const [answer] = (await smtp.waitFor(before + 1, 30_000)).slice(before);
  expect(answer!.to).toEqual(['rosa.delgado@correo.example']);
  expect(answer!.headers.get('auto-submitted')).toBe('auto-replied');
  expect(answer!.headers.get('subject')).toContain(reference);
  const text = bodyOf(answer!.raw);
  expect(text).toContain(reference);
  expect(text).toMatch(/https:\/\/sede\.[^\s]+\/mis-expedientes/);
  await expect(ticket.entries('Correo enviado')).toHaveCount(1, { timeout: 15_000 });
  await screenshot(desk.page, 'mail-ticket-acknowledged');

  await desk.page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Correo' }).click();
  await settings.expectVisible();
  await expect(desk.page.getByText('0 en cola, 0 con error.')).toBeVisible();
  await screenshot(desk.page, 'mail-settings');
});
