// Presence end to end: two clerks' presence clients against the real central server
// (server/presence), which keeps who is on which ticket in memory — so a restart forgets it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceEntry } from '../../core/app-api';
import { API_PATHS, parseLoginResponse } from '../../core/sync';
import { prepareCouncil, pushAs, startCentralServer, type CentralServer } from '../sync/test-support/central-server';
import { ADMIN, ANA, COUNCIL, LUIS, temporaryFolder, ticket } from '../sync/test-support/council';
import { PresenceClient } from './presence-client';
import { until } from './test-support/protocol-client';

let server: CentralServer;
let folder: { folder: string; remove(): void };

beforeAll(async () => {
  const council = await prepareCouncil({
    ...COUNCIL,
    users: [...COUNCIL.users, { email: 'pilar@ayto.test', password: 'una contraseña larga de Pilar', name: 'Pilar Padrón', role: 'clerk', departmentIds: ['padron'] }],
  });
  folder = temporaryFolder('ventanilla-presence-');
  council.copyTo(folder.folder);
  council.remove();
  server = await startCentralServer({ dataDir: folder.folder });
  await pushAs(server.url, ADMIN, 'tickets', [{ newDocumentState: { ...ticket('t-urb', Date.now()), _deleted: false } }]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  folder?.remove();
});

async function clerk(credentials: { email: string; password: string }, heartbeatMs?: number) {
  const response = await fetch(`${server.url}${API_PATHS.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  const login = parseLoginResponse(await response.json());
  if (!login.ok) throw new Error(login.error.message);
  let seen: PresenceEntry[] = [];
  let answers = 0;
  const client = new PresenceClient({
    credentials: () => ({ token: login.value.accessToken, expiresAt: login.value.accessTokenExpiresAt, serverUrl: server.url }),
    heartbeatMs,
    onChange: (entries) => {
      seen = entries;
      answers++;
    },
  });
  client.setActive(true);
  return { client, user: login.value.user, seen: () => seen, answers: () => answers };
}

describe('presence', () => {
  it('shows a clerk who else is viewing or replying to a ticket, live, and forgets them when they leave', async () => {
    const ana = await clerk(ANA);
    const luis = await clerk(LUIS);
    try {
      ana.client.announce('t-urb', 'viewing');
      await until(() => luis.seen().some((entry) => entry.userId === ana.user.id && entry.ticketId === 't-urb'), 10_000, 'Luis seeing Ana');
      expect(luis.seen().find((entry) => entry.userId === ana.user.id)).toMatchObject({ userName: 'Ana Pérez', activity: 'viewing' });

      ana.client.announce('t-urb', 'replying');
      await until(() => luis.seen().some((entry) => entry.userId === ana.user.id && entry.activity === 'replying'), 10_000, 'Luis seeing Ana reply');

      ana.client.announce(null, 'viewing');
      await until(() => !luis.seen().some((entry) => entry.userId === ana.user.id), 10_000, 'Ana gone');
    } finally {
      ana.client.stop();
      luis.client.stop();
    }
  });

  it('shows nobody on a ticket to a clerk of another department', async () => {
    const ana = await clerk(ANA);
    const pilar = await clerk({ email: 'pilar@ayto.test', password: 'una contraseña larga de Pilar' });
    const luis = await clerk(LUIS);
    try {
      ana.client.announce('t-urb', 'viewing');
      await until(() => luis.seen().some((entry) => entry.userId === ana.user.id), 10_000, 'Luis seeing Ana');
      // Pilar's own announcement is answered with the list she may see: without Ana's ticket of Urbanismo.
      const before = pilar.answers();
      pilar.client.announce('t-other', 'viewing');
      await until(() => pilar.answers() > before, 10_000, 'an answer to Pilar');
      expect(pilar.seen().some((entry) => entry.ticketId === 't-urb')).toBe(false);
    } finally {
      ana.client.stop();
      pilar.client.stop();
      luis.client.stop();
    }
  });

  it('says again what the clerk is doing as soon as a restarted server is back, not at the next heartbeat', async () => {
    // A heartbeat far away: only the reconnection can bring Ana back to Luis's screen in time.
    const ana = await clerk(ANA, 10 * 60_000);
    const luis = await clerk(LUIS, 10 * 60_000);
    try {
      ana.client.announce('t-urb', 'replying');
      await until(() => luis.seen().some((entry) => entry.userId === ana.user.id && entry.activity === 'replying'), 10_000, 'Luis seeing Ana reply');

      await server.stop();
      await server.restart();
      const before = luis.answers();
      // The new server process knows nobody; Ana's workstation reconnects and says it again.
      await until(
        () => luis.answers() > before && luis.seen().some((entry) => entry.userId === ana.user.id && entry.ticketId === 't-urb' && entry.activity === 'replying'),
        20_000,
        'Luis seeing Ana reply again after the restart',
      );
    } finally {
      ana.client.stop();
      luis.client.stop();
    }
  });

  it('refuses a presence announcement without a valid token', async () => {
    const response = await fetch(`${server.url}/api/v1/presence`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticketId: 't-urb', activity: 'viewing' }) });
    expect(response.status).toBe(401);
  });
});
