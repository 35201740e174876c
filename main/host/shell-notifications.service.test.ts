// The Electron shell's native notifications, wired as main/index.ts wires them, minus Electron:
// the shell's own connection to the workstation service (service-port-client.ts) hears the
// service's events and asks for the clerk's language, and `wireNotifications` shows them. Against
// the real service and central server; Electron's Notification is a recording stand-in. (Here, not
// in main/shell: the Electron type check of main/shell must not pull in the whole service.)
import { describe, expect, it } from 'vitest';
import { COUNCIL, temporaryFolder, ticket } from '../sync/test-support/council';
import { wireNotifications } from '../shell/notifications';
import { ShellServiceClient } from '../shell/service-port-client';
import { AppService } from './app-service';
import { councilServer } from './test-support/council-server';
import { ProtocolClient, until } from './test-support/protocol-client';

const MARTA = { email: 'marta@ayto.test', password: 'una contraseña larga de Marta' };
const central = councilServer('shell-notifications', { ...COUNCIL, users: [...COUNCIL.users, { ...MARTA, name: 'Marta Ruiz', role: 'supervisor', departmentIds: ['urbanismo'] }] });

type Shown = { title: string; body: string; click(): void };

/** A supervisor's workstation service, a screen on it, and the shell's own connection with notifications wired. */
async function supervisorDesk() {
  const data = temporaryFolder('ventanilla-shell-notifications-');
  central.folders.push(data);
  const service = new AppService({ dataDir: data.folder, mail: false });
  central.services.push(service);
  const holder: { screen?: ProtocolClient; shell?: ShellServiceClient } = {};
  const screenConnection = service.connect({ send: (text) => holder.screen!.receive(text), close: () => undefined });
  const screen = new ProtocolClient((text) => screenConnection.receive(text));
  holder.screen = screen;
  const shellConnection = service.connect({ send: (text) => holder.shell!.receive(text), close: () => undefined });
  const shell = new ShellServiceClient({ post: (text) => shellConnection.receive(text) });
  holder.shell = shell;

  const shown: Shown[] = [];
  const opened: string[] = [];
  wireNotifications(shell, {
    create: (options) => {
      const listeners: (() => void)[] = [];
      const notification = { show: () => shown.push({ title: options.title, body: options.body, click: () => listeners.forEach((listener) => listener()) }), on: (_event: 'click', listener: () => void) => listeners.push(listener) };
      return notification;
    },
    isSupported: () => true,
    open: (route) => opened.push(route),
  });
  const answer = await screen.call('session:sign-in', { serverUrl: central.server.url, ...MARTA });
  if (!answer.ok || answer.value.state !== 'signed-in') throw new Error(`not signed in: ${JSON.stringify(answer)}`);
  return { screen, session: answer.value, shown, opened };
}

describe('native notifications of the Electron shell', () => {
  it('shows an escalation of the supervisor’s department in her language, and opens the ticket when clicked', { timeout: 120_000 }, async () => {
    const { screen, session, shown, opened } = await supervisorDesk();
    // Her setting (the account menu): the notification's text follows it.
    expect(await screen.call('settings:set', { language: 'en' })).toMatchObject({ ok: true });
    const db = await screen.openDatabase(session.databaseName);
    try {
      const late = ticket('t-shell-notice-0001', Date.now() - 86_400_000, { status: 'open', dueAt: Date.now() - 3_600_000, subject: 'Licencia de obra sin resolver' });
      await db.tickets.insert(late);
      await until(() => shown.length > 0, 60_000, 'a native notification');
      expect(shown).toEqual([expect.objectContaining({ title: `Ticket ${late.reference} is overdue (Urbanismo)`, body: 'Licencia de obra sin resolver' })]);
      shown[0]!.click();
      expect(opened).toEqual([`ticket/${late.id}`]);
    } finally {
      await db.close();
    }
  });
});
