// A front office's day through the real system: two clerks of Urbanismo on two workstations
// (each a web host, a workstation service and its replica), one central server. The suggested
// answers of the ticket screen (issue 6) are checked on the way.
import { expect, test } from './fixtures';
import { accountNamed } from './pages/council';
import { InboxPage } from './pages/inbox-page';
import { QuickContactDialog } from './pages/quick-contact-dialog';
import { signInAs } from './pages/sign-in';
import { TicketPage } from './pages/ticket-page';

test('a clerk takes a call from a new citizen and files it; her colleague sees it arrive live; she replies and closes it', async ({ centralServer, workstation }) => {
  const ana = accountNamed(centralServer, 'Ana Belén Rubio Sanz');
  const carlos = accountNamed(centralServer, 'Carlos Navarro Gil');
  const first = await workstation('ana');
  const second = await workstation('carlos');
  const anaDesk = await signInAs(first.page, centralServer.url, ana);
  await signInAs(second.page, centralServer.url, carlos);
  await anaDesk.expectSync('online');

  const carlosInbox = new InboxPage(second.page);
  await carlosInbox.view('Mis departamentos');

  // The call: a citizen the council has never seen, filed on a new ticket of Urbanismo.
  await anaDesk.newCall();
  const call = new QuickContactDialog(first.page);
  await call.expectVisible();
  await call.addCitizen({ name: 'Irene Valdés Montoya', document: '45821937A', phone: '622 41 87 90', email: 'irene.valdes@correo.example' });
  await expect(call.dialog.getByTestId('contact-citizen')).toHaveText('Ciudadano: Irene Valdés Montoya');
  await call.file('Licencia para cerrar la terraza del ático', 'Pregunta si basta con una declaración responsable.', 'Urbanismo');

  const ticket = new TicketPage(first.page);
  await ticket.expectVisible();
  await expect(ticket.entries('Llamada')).toHaveCount(1);
  await expect(ticket.entries('Llamada')).toContainText('Pregunta si basta con una declaración responsable.');
  const reference = (await ticket.reference.innerText()).trim();
  expect(reference).toMatch(/^\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

  // While she reads it, the workstation suggests the answer that fits the call, and says why;
  // one key puts it in the reply box, filled in for this citizen and ticket.
  const suggestions = first.page.getByRole('region', { name: 'Respuestas sugeridas' });
  const best = suggestions.getByRole('button').first();
  await expect(best).toContainText('Licencia de obra menor: documentación');
  // The shared words, most telling first (their order follows the template's weights).
  await expect(best).toContainText(/por: (?=[^·]*licencia)(?=[^·]*declaración)(?=[^·]*responsable)/);
  await expect(best).toHaveAttribute('aria-keyshortcuts', 't');
  // Focus anywhere but a text field (here the strip itself, reached by keyboard), then t.
  await best.focus();
  await first.page.keyboard.press('t');
  const replyBox = first.page.getByRole('region', { name: 'Responder o anotar' }).getByRole('textbox', { name: 'Texto' });
  await expect(replyBox).toHaveValue(/^Estimado\/a Irene Valdés Montoya:\n\nLas obras menores se tramitan mediante declaración responsable/);
  await expect(replyBox).toHaveValue(/\nAna Belén Rubio Sanz\nUrbanismo · Ayuntamiento de Villanueva del Prado\n\nEnlaces de interés:\n- Declaración responsable de obra menor: https:\/\//);
  await expect(replyBox).not.toHaveValue(/\{\{|\[\[/);

  // Carlos did nothing: the ticket appears in his department's view by itself.
  await expect(carlosInbox.row(reference)).toBeVisible({ timeout: 30_000 });
  await expect(carlosInbox.row(reference)).toContainText('Irene Valdés Montoya');

  // A search by words of the call shows where they matched, the words marked.
  await carlosInbox.search.fill('declaracion responsable');
  const snippet = carlosInbox.row(reference).getByTestId('search-snippet');
  await expect(snippet).toContainText('En un mensaje: Pregunta si basta con una declaración responsable.', { timeout: 30_000 });
  await expect(snippet.locator('mark')).toHaveText(['declaración', 'responsable']);
  await carlosInbox.search.fill('');

  // Ana answers by mail and closes the case.
  await ticket.reply('Buenos días, Irene: para cerrar la terraza necesita licencia de obra menor. Un saludo.', 'Cerrado');
  await expect(ticket.entries('Correo enviado')).toHaveCount(1);
  await expect(ticket.status).toHaveText('Cerrado');

  // Closed tickets leave the active views, on Carlos's screen too.
  await expect(carlosInbox.row(reference)).toHaveCount(0, { timeout: 30_000 });
  await carlosInbox.search.fill(reference);
  await expect(carlosInbox.row(reference)).toContainText('Cerrado', { timeout: 30_000 });
});
