// A mail is hostile: its HTML arrives with a script, event handlers, a javascript: link and
// remote images. On the ticket it runs nothing and loads nothing until the clerk asks for images.
import { expect, test } from './fixtures';
import { accountNamed, deliverMail } from './pages/council';
import { InboxPage } from './pages/inbox-page';
import { signInAs } from './pages/sign-in';
import { TicketPage } from './pages/ticket-page';

const HOSTILE = `<p>Adjunto la solicitud.</p>
<script>parent.document.title = 'ejecutado'; fetch('https://tracker.example/script')</script>
<img src="https://tracker.example/pixel.gif" alt="logo" onerror="parent.document.title='onerror'">
<img src="http://tracker.example/second.png">
<p onmouseover="parent.document.title='onmouseover'">Pase por aquí</p>
<a href="javascript:parent.document.title='javascript'">Pulse aquí</a>
<a href="https://sede.example/tramite">Sede</a>
<div style="background-image:url(https://tracker.example/bg.png)">Fondo</div>
<style>@import url(https://tracker.example/style.css); body { background: url(https://tracker.example/body.png) }</style>
<iframe src="https://tracker.example/frame"></iframe>
<form action="https://tracker.example/form"><input name="x"></form>
<meta http-equiv="refresh" content="0;url=https://tracker.example/refresh">`;

test('a mail with scripts, event handlers, javascript: links and remote images runs nothing and loads nothing', async ({ centralServer, workstation }) => {
  const ana = accountNamed(centralServer, 'Ana Belén Rubio Sanz');
  const { page } = await workstation('ana');
  const offOrigin: string[] = [];
  const origin = new URL(page.url()).origin;
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('ws') && !url.startsWith('data:') && !url.startsWith('about:')) offOrigin.push(url);
  });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await signInAs(page, centralServer.url, ana);
  const ticketDoc = await deliverMail(centralServer, ana, { subject: 'Solicitud con adjunto', text: 'Adjunto la solicitud.', html: HOSTILE });

  const inbox = new InboxPage(page);
  await inbox.view('Mías');
  await expect(inbox.row(ticketDoc.reference)).toBeVisible({ timeout: 30_000 });
  await inbox.open(ticketDoc.reference);
  const ticket = new TicketPage(page);
  await ticket.expectVisible();

  const frame = page.getByTestId('mail-frame');
  await expect(frame).toBeVisible();
  // Sandboxed without scripts, whatever the sanitiser let through.
  const sandbox = await frame.getAttribute('sandbox');
  expect(sandbox?.split(/\s+/)).not.toContain('allow-scripts');
  const body = page.frameLocator('[data-testid="mail-frame"]').locator('body');
  await expect(body).toContainText('Adjunto la solicitud.');
  await body.getByText('Pase por aquí').hover();
  await body.getByText('Pulse aquí').click({ force: true }).catch(() => undefined);
  const mailFrame = page.frames().find((candidate) => candidate !== page.mainFrame() && candidate.url() === 'about:srcdoc');
  expect(mailFrame).toBeDefined();
  const inside = await mailFrame!.evaluate<{ scripts: number; handlers: string[]; javascriptLinks: number; remoteImages: number }>(`({
    scripts: document.querySelectorAll('script, iframe, form, meta[http-equiv="refresh"]').length,
    handlers: [...document.querySelectorAll('*')].flatMap((node) => [...node.attributes].filter((attribute) => attribute.name.startsWith('on')).map((attribute) => attribute.name)),
    javascriptLinks: [...document.querySelectorAll('a')].filter((a) => /^javascript:/i.test(a.getAttribute('href') ?? '')).length,
    remoteImages: [...document.querySelectorAll('img')].filter((img) => img.getAttribute('src')).length,
  })`);
  expect(inside).toEqual({ scripts: 0, handlers: [], javascriptLinks: 0, remoteImages: 0 });
  await expect(page.getByText('Se han bloqueado 2 imágenes remotas para proteger su privacidad.')).toBeVisible();
  expect(await page.title()).toBe('Ventanilla');
  expect(dialogs).toEqual([]);
  expect(offOrigin).toEqual([]);
});
