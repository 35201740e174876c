// The escalation watcher as the workstation service runs it: started for a signed-in supervisor,
// its notices reaching the screens as the `ticket:escalated` event (the path a browser on the web
// host hears them by), and never started for a clerk. Against the project's real central server.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANA, COUNCIL, temporaryFolder, ticket } from '../sync/test-support/council';
import { AppService } from './app-service';
import { escalationStateFile } from './escalation-watch';
import { councilServer } from './test-support/council-server';
import { ProtocolClient } from './test-support/protocol-client';

const MARTA = { email: 'marta@ayto.test', password: 'una contraseña larga de Marta' };

const central = councilServer('escalation', { ...COUNCIL, users: [...COUNCIL.users, { ...MARTA, name: 'Marta Ruiz', role: 'supervisor', departmentIds: ['urbanismo'] }] });
const { services, folders } = central;

async function signedInScreen(account: { email: string; password: string }) {
  const data = temporaryFolder('ventanilla-escalation-');
  folders.push(data);
  const service = new AppService({ dataDir: data.folder, mail: false });
  services.push(service);
  const holder: { screen?: ProtocolClient } = {};
  const connection = service.connect({ send: (text) => holder.screen!.receive(text), close: () => undefined });
  const screen = new ProtocolClient((text) => connection.receive(text));
  holder.screen = screen;
  const answer = await screen.call('session:sign-in', { serverUrl: central.server.url, ...account });
  if (!answer.ok || answer.value.state !== 'signed-in') throw new Error(`not signed in: ${JSON.stringify(answer)}`);
  return { screen, session: answer.value, dataDir: data.folder };
}

describe('escalation in the workstation service', () => {
  it('tells a supervisor\'s screens of an overdue ticket of her department, and remembers it in the data folder', async () => {
    const { screen, session, dataDir } = await signedInScreen(MARTA);
    const db = await screen.openDatabase(session.databaseName);
    try {
      const late = ticket('t-escalated-0001', Date.now() - 86_400_000, { status: 'open', dueAt: Date.now() - 3_600_000, subject: 'Licencia de obra sin resolver' });
      await db.tickets.insert(late);
      const notice = await screen.nextEvent('ticket:escalated', (value) => value.ticket?.ticketId === late.id, 30_000);
      expect(notice).toMatchObject({ level: 'overdue', departmentId: 'urbanismo', departmentName: 'Urbanismo', count: 1, ticket: { reference: late.reference, subject: late.subject } });
      expect(existsSync(escalationStateFile(dataDir, session.user.id))).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('does not watch for a clerk', async () => {
    const { screen, session, dataDir } = await signedInScreen(ANA);
    const db = await screen.openDatabase(session.databaseName);
    try {
      await db.tickets.insert(ticket('t-escalated-0002', Date.now() - 86_400_000, { status: 'open', dueAt: Date.now() - 3_600_000 }));
      // Longer than the watcher's settle time after a write: a supervisor would have heard by now.
      await new Promise((resolve) => setTimeout(resolve, 4_500));
      expect(screen.events.map((entry) => entry.event)).not.toContain('ticket:escalated');
      expect(existsSync(escalationStateFile(dataDir, session.user.id))).toBe(false);
    } finally {
      await db.close();
    }
  });
});
