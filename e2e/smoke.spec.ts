// The whole chain once: the built screens in Chromium, the web host, the workstation service, the
// central server with the demo council — a clerk signs in through the sign-in screen and her
// inbox fills from the server.
import { expect, test } from './fixtures';
import { accountNamed, deliverMail } from './pages/council';
import { SignInPage } from './support/sign-in-page';

test('a clerk signs in through the sign-in screen and reaches her workspace, online', async ({ centralServer, workstation }) => {
  const clerk = centralServer.account('clerk');
  const { page } = await workstation('clerk');
  const signIn = new SignInPage(page);
  await signIn.expectVisible();
  await signIn.signIn(centralServer.url, clerk.email, clerk.password);
  await expect(page.getByRole('form', { name: 'Entrar en Ventanilla' })).toBeHidden();
  // The workspace shows the sync state: online means the service signed in and replicates.
  await expect(page.getByText('En línea')).toBeVisible();
});

test('a wrong password keeps the clerk on the sign-in screen, saying so', async ({ centralServer, workstation }) => {
  const clerk = centralServer.account('clerk');
  const { page } = await workstation('clerk');
  const signIn = new SignInPage(page);
  await signIn.signIn(centralServer.url, clerk.email, 'no es la contraseña');
  await expect(page.getByText('El correo o la contraseña no son correctos.')).toBeVisible();
  await signIn.expectVisible();
});

test('the screen comes back by itself when the workstation service restarts, still signed in', async ({ centralServer, workstation }) => {
  const clerk = centralServer.account('clerk');
  const { page, host } = await workstation('clerk');
  await new SignInPage(page).signIn(centralServer.url, clerk.email, clerk.password);
  await expect(page.getByText('En línea')).toBeVisible();
  // A crash of the service process (a native fault): the host starts a new one, the page reconnects.
  process.kill(host.servicePid!, 'SIGKILL');
  await expect(page.getByText('Reconectando con el servicio local…')).toBeVisible();
  await expect(page.getByText('En línea')).toBeVisible({ timeout: 45_000 });
  await expect(page.getByRole('form', { name: 'Entrar en Ventanilla' })).toBeHidden();
});

test('two clerks on the same ticket see each other there, and no longer once one leaves', async ({ centralServer, workstation }) => {
  const ana = accountNamed(centralServer, 'Ana Belén Rubio Sanz');
  const carlos = accountNamed(centralServer, 'Carlos Navarro Gil');
  const ticket = await deliverMail(centralServer, ana, { subject: 'Licencia de obra en calle Mayor 3', text: 'Solicito información.', html: '' });
  const stations = await Promise.all([workstation('ana'), workstation('carlos')]);
  for (const [station, account] of [[stations[0], ana], [stations[1], carlos]] as const) {
    await new SignInPage(station.page).signIn(centralServer.url, account.email, account.password);
    await expect(station.page.getByText('En línea')).toBeVisible();
    await station.page.evaluate((id) => (globalThis as unknown as { location: { hash: string } }).location.hash = `#/ticket/${id}`, ticket.id);
    await expect(station.page.getByText('Licencia de obra en calle Mayor 3').first()).toBeVisible();
  }
  const [anaPage, carlosPage] = stations.map((station) => station.page);
  await expect(carlosPage!.getByTestId('presence')).toContainText('Ana Belén Rubio Sanz');
  await expect(anaPage!.getByTestId('presence')).toContainText('Carlos Navarro Gil');
  await anaPage!.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/inbox/mine'));
  await expect(carlosPage!.getByTestId('presence')).toBeHidden();
});
