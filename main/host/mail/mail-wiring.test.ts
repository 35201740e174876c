// The mail channel wired into the workstation service, through the app API, against a real
// Dovecot and a real SMTP server on loopback: a supervisor adds a mailbox, a citizen's mail is
// routed by the council's rules, assigned, and acknowledged; replies the screens queue leave.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvents, MailAccountForm, MailAccountView, MailStatusView, Session } from '../../../core/app-api';
import { defaultCouncil } from '../../../core/routing/test-council';
import { departmentCalendar, departmentDeadlines } from '../../../core/routing';
import { workingCalendar } from '../../../core/calendar';
import { formatDate } from '../../../core/templates';
import type { Collections, Ticket, User } from '../../../core/schemas';
import type { RxDatabase } from 'rxdb';
import { startDovecot, type TestDovecot } from '../../mail/test-support/dovecot';
import { startTestSmtpServer, type TestSmtpServer } from '../../mail/test-support/smtp';
import { mailAccountForm, waitUntil } from '../../mail/test-support/mail-fixture';
import { temporaryFolder } from '../../sync/test-support/council';
import { AppService } from '../app-service';
import { workstationIdOf } from '../workstation-id';
import { newId } from '../../../core/ids';
import type { MailWiringOptions } from './mail-wiring';
import { mailSecretBoxes } from './shell-secrets';

const MAILBOX = { user: 'registro@ayuntamiento-ejemplo.es', password: 'clave-del-registro' };
let dovecot: TestDovecot;
let smtp: TestSmtpServer;
const services: AppService[] = [];
const folders: { remove(): void }[] = [];

beforeAll(async () => {
  [dovecot, smtp] = await Promise.all([startDovecot({ users: [MAILBOX] }), startTestSmtpServer()]);
}, 60_000);

afterAll(async () => {
  await dovecot?.close();
  await smtp?.close();
});

afterEach(async () => {
  for (const service of services.splice(0)) await service.stop();
  for (const folder of folders.splice(0)) folder.remove();
});

type Workstation = { service: AppService; db: RxDatabase<Collections>; events: MailStatusView[]; dataDir: string };

async function call<T>(service: AppService, channel: string, arg: unknown): Promise<T> {
  const answer = await service.call(channel, arg);
  if (!answer.ok) throw new Error(`${channel}: ${answer.error.code} ${answer.error.message}`);
  return answer.value as T;
}

const clerk = (id: string, name: string, skills: string[]): User => ({ id, name, email: `${id}@ayuntamiento-ejemplo.es`, role: 'clerk', departmentIds: ['urbanismo'], skills, language: 'es', active: true, away: false, createdAt: 1, updatedAt: 1 });

/** A standalone office with the shipped council defaults and two Urbanismo clerks. */
async function office(dataDir?: string, secrets?: MailWiringOptions['secrets']): Promise<Workstation> {
  let folder = dataDir;
  if (!folder) {
    const made = temporaryFolder('ventanilla-host-mail-');
    folders.push(made);
    folder = made.folder;
  }
  const service = new AppService({ dataDir: folder, mail: { channel: { backoff: { initialMs: 100, maxMs: 1_000 }, parseWorkers: 0, durability: 'normal' }, outboxBackoff: { initialMs: 200, maxMs: 1_000 }, ...(secrets && { secrets }) } });
  services.push(service);
  const events: MailStatusView[] = [];
  service.connect({
    send: (text) => {
      const message = JSON.parse(text) as { t: string; event?: keyof AppEvents; value?: unknown };
      if (message.t === 'event' && message.event === 'mail:status') events.push(message.value as MailStatusView);
    },
    close: () => undefined,
  });
  await service.start();
  if (!dataDir) {
    await call<Session>(service, 'session:work-locally', { name: 'Jefa de Registro', email: 'jefa@ayuntamiento-ejemplo.es' });
    await call(service, 'settings:set', { councilName: 'Ayuntamiento de Ejemplo' });
  }
  const db = service.session.database!;
  if (!dataDir) {
    const council = defaultCouncil({ createdAt: Date.now() - 1_000 });
    await db.calendars.bulkInsert(council.calendars);
    await db.departments.bulkInsert(council.departments);
    await db.rules.bulkInsert(council.rules);
    await db.templates.bulkInsert(council.templates);
    await db.users.bulkInsert([clerk('u-marta', 'Marta Ruiz', ['licencias']), clerk('u-pablo', 'Pablo Gil', ['disciplina'])]);
    // No account yet: the mail channel starts on demand (main/host/mail-seam.ts).
    await (await service.session.ensureMail())!.routing.settled();
  }
  return { service, db, events, dataDir: folder };
}

const form = (overrides: Partial<MailAccountForm> = {}): MailAccountForm => mailAccountForm(dovecot, MAILBOX, smtp.port, overrides);

/** The text of a received mail: quoted-printable undone, as UTF-8. */
function bodyOf(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4).replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const hex = body[i] === '=' ? body.slice(i + 1, i + 3) : '';
    if (/^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(body.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n').replace(/\n(?=\S)/g, ' ').replace(/ +/g, ' ');
}

const citizenMail = (id: string, subject: string, body: string, extra = '') =>
  `From: Lucía Moreno <lucia.moreno@correo.example>\r\nTo: ${MAILBOX.user}\r\nSubject: ${subject}\r\nMessage-ID: <${id}@correo.example>\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n${extra}\r\n${body}\r\n`;

async function ticketOf(db: RxDatabase<Collections>, subject: string): Promise<Ticket> {
  let found: Ticket | undefined;
  await waitUntil(async () => {
    found = (await db.tickets.findOne({ selector: { subject } }).exec())?.toJSON() as Ticket | undefined;
    return found !== undefined;
  }, `the ticket "${subject}"`);
  return found!;
}

describe('the mail channel of a signed-in workstation', () => {
  it('keeps one workstation id across restarts, and tells the screens in the session', async () => {
    const first = await office();
    const session = await call<Session>(first.service, 'session:get', {});
    expect(session.state === 'signed-in' && session.workstationId).toBe(workstationIdOf(first.dataDir));
    await first.service.stop();
    services.splice(services.indexOf(first.service), 1);
    const again = await office(first.dataDir);
    const reopened = await call<Session>(again.service, 'session:get', {});
    expect(reopened.state === 'signed-in' && reopened.workstationId).toBe(session.state === 'signed-in' && session.workstationId);
  });

  it('routes a citizen mail about a licencia de obra to Urbanismo, assigns it, and answers with the official link and the due date in días hábiles', async () => {
    const { service, db, events } = await office();
    const test = await call<{ imap: { ok: boolean; message: string }; smtp: { ok: boolean } }>(service, 'mail:test-account', form());
    expect(test.imap).toMatchObject({ ok: true });
    expect(test.smtp).toMatchObject({ ok: true });
    const account = await call<MailAccountView>(service, 'mail:save-account', form());
    expect(account).toMatchObject({ address: MAILBOX.user, hasPassword: true, smtpConfigured: true });
    expect(JSON.stringify(await call(service, 'mail:accounts', {}))).not.toContain(MAILBOX.password);

    const before = smtp.received.length;
    await dovecot.append([citizenMail('licencia-1', 'Solicitud de licencia de obra en calle Mayor 3', 'Buenos días, quiero pedir una licencia de obra para reformar la cocina.')]);
    const ticket = await ticketOf(db, 'Solicitud de licencia de obra en calle Mayor 3');
    expect(ticket).toMatchObject({ departmentId: 'urbanismo', channel: 'email', category: 'licencias', routedBy: 'regla-licencias-obra' });
    expect(ticket.dueAt).toBeGreaterThan(ticket.createdAt);

    await waitUntil(async () => (await db.tickets.findOne(ticket.id).exec())?.assigneeId === 'u-marta', 'the ticket assigned to the clerk who handles licencias');
    const [answer] = (await smtp.waitFor(before + 1, 30_000)).slice(before);
    expect(answer!.to).toEqual(['lucia.moreno@correo.example']);
    expect(answer!.headers.get('auto-submitted')).toBe('auto-replied');
    expect(answer!.headers.get('subject')).toContain(ticket.reference);
    expect(answer!.headers.get('in-reply-to')).toBe('<licencia-1@correo.example>');
    const text = bodyOf(answer!.raw);
    expect(text).toContain('https://sede.ayuntamiento-ejemplo.es/urbanismo/licencias-de-obra');
    // Ten días hábiles from when the council received it, in the department's calendar.
    const council = defaultCouncil();
    const urbanismo = council.departments.find((department) => department.id === 'urbanismo')!;
    const calendar = departmentCalendar(urbanismo, council.calendars);
    const { responseDueAt } = departmentDeadlines(urbanismo, calendar, ticket.createdAt);
    expect(text).toContain(`antes del ${formatDate(responseDueAt, workingCalendar(calendar).zone, 'es')} (diez días hábiles)`);
    expect(text).toContain('Ayuntamiento de Ejemplo');

    await waitUntil(() => events.some((event) => event.running && event.accounts.some((status) => status.accountId === account.id && status.connected)), 'a mail status event with the account connected');
    const status = await call<MailStatusView>(service, 'mail:status', {});
    expect(status.accounts[0]).toMatchObject({ accountId: account.id, connected: true });
  }, 60_000);

  it('sends nothing automatic back to automatic mail, and nothing for mail that was in the mailbox before the account was added', async () => {
    const { service, db } = await office();
    await dovecot.append([citizenMail('vieja-1', 'Consulta antigua sobre obra menor', 'Una consulta de hace días.')], { date: new Date(Date.now() - 10 * 24 * 3600_000) });
    await call(service, 'mail:save-account', form());
    await dovecot.append([citizenMail('ausente-1', 'Fuera de la oficina: licencia de obra', 'Estoy de vacaciones.', 'Auto-Submitted: auto-replied\r\n')]);
    const before = smtp.received.length;
    await ticketOf(db, 'Consulta antigua sobre obra menor');
    await ticketOf(db, 'Fuera de la oficina: licencia de obra');
    await service.session.mail!.afterIngest.idle();
    await service.session.mail!.outbox.idle();
    const answers = await db.messages.find({ selector: { kind: 'email_out' } }).exec();
    expect(answers.filter((answer) => /obra menor|Fuera de la oficina/.test(answer.subject ?? ''))).toEqual([]);
    expect(smtp.received.slice(before).filter((mail) => /obra menor|Fuera de la oficina/.test(mail.headers.get('subject') ?? ''))).toEqual([]);
  }, 60_000);

  it('sends a reply a screen queued in the database with this workstation id, shows a refused one as failed, and sends it on retry', async () => {
    const { service, db } = await office();
    await call(service, 'mail:save-account', form());
    await dovecot.append([citizenMail('respuesta-1', 'Duda sobre el IBI', 'Hola, ¿cuándo se paga el IBI?')]);
    const ticket = await ticketOf(db, 'Duda sobre el IBI');
    const inbound = (await db.messages.findOne({ selector: { ticketId: ticket.id, kind: 'email_in' } }).exec())!.toJSON();
    const session = await call<Session>(service, 'session:get', {});
    if (session.state !== 'signed-in') throw new Error('signed out');
    smtp.refuseRecipients(/lucia\.moreno/, { code: 550, message: 'No such user' });
    const now = Date.now();
    const replyId = newId(now);
    // What renderer/data/reply.ts writes.
    await db.messages.insert({
      id: replyId,
      kind: 'email_out',
      ticketId: ticket.id,
      citizenId: ticket.citizenId,
      subject: `Re: Duda sobre el IBI [${ticket.reference}]`,
      text: 'El IBI se paga en noviembre.',
      email: { messageId: `reply-${now}@ayuntamiento-ejemplo.es`, inReplyTo: inbound.email!.messageId, references: [inbound.email!.messageId], from: { address: MAILBOX.user }, to: [{ address: 'lucia.moreno@correo.example' }], cc: [], mailbox: MAILBOX.user },
      attachments: [],
      createdAt: now,
      auto: false,
      outbox: { state: 'queued', workstationId: session.workstationId, attempts: 0, changedAt: now },
    });
    await waitUntil(async () => (await call<MailStatusView>(service, 'mail:status', {})).outbox.items.some((item) => item.id === replyId && item.state === 'failed'), 'the refused reply shown as failed');
    const failed = (await call<MailStatusView>(service, 'mail:status', {})).outbox.items.find((item) => item.id === replyId)!;
    expect(failed.error).toMatch(/550|No such user/);

    smtp.refuseRecipients(undefined);
    const before = smtp.received.length;
    await call(service, 'mail:outbox-retry', { id: replyId });
    await call(service, 'mail:outbox-send-now', {});
    await waitUntil(async () => (await db.messages.findOne(replyId).exec())?.outbox?.state === 'sent', 'the reply sent after the retry');
    expect(smtp.received.slice(before).some((mail) => mail.headers.get('message-id') === `<reply-${now}@ayuntamiento-ejemplo.es>`)).toBe(true);
  }, 60_000);

  it('keeps the mailbox password sealed with the key the app\'s shell hands over, and connects with it after a restart', async () => {
    // What main/host/service-process.ts builds from the shell's first message (OS keychain).
    const secrets = mailSecretBoxes({ type: 'mail-secrets', key: randomBytes(32).toString('base64') }, () => undefined);
    const first = await office(undefined, secrets);
    const account = await call<MailAccountView>(first.service, 'mail:save-account', form());
    const mailFolders = readdirSync(path.join(first.dataDir, 'mail')).map((name) => path.join(first.dataDir, 'mail', name, 'mail'));
    const sealed = mailFolders.map((folder) => path.join(folder, 'secrets.sealed.json')).filter((file) => existsSync(file));
    expect(sealed).toHaveLength(1);
    expect(readFileSync(sealed[0]!, 'utf8')).not.toContain(MAILBOX.password);
    expect(mailFolders.some((folder) => existsSync(path.join(folder, 'secrets.json')))).toBe(false);
    await waitUntil(() => first.service.session.mail!.status().accounts.some((status) => status.accountId === account.id && status.connected), 'the account connected with the sealed password');

    await first.service.stop();
    services.splice(services.indexOf(first.service), 1);
    const again = await office(first.dataDir, secrets);
    expect(await call<MailAccountView[]>(again.service, 'mail:accounts', {})).toMatchObject([{ id: account.id, hasPassword: true }]);
    await waitUntil(() => again.service.session.mail!.status().accounts.some((status) => status.accountId === account.id && status.connected), 'connected again after the restart');
  });

  it('says in words why an account cannot connect, and refuses bad settings saying why', async () => {
    const { service } = await office();
    const wrong = await call<{ imap: { ok: boolean; message: string } }>(service, 'mail:test-account', form({ password: 'no-es-esta' }));
    expect(wrong.imap).toEqual({ ok: false, message: expect.stringMatching(/Usuario o contraseña incorrectos/) });
    const refused = await service.call('mail:save-account', form({ host: 'correo.example.com', security: 'none' }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/sin cifrado solo se admite un servidor local/) } });
    const noDepartment = await service.call('mail:save-account', form({ defaultDepartmentId: 'no-existe' }));
    expect(noDepartment).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const malformed = await service.call('mail:save-account', { ...form(), port: 'ciento cuarenta y tres' });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await call(service, 'mail:accounts', {})).toEqual([]);
  }, 60_000);
});
