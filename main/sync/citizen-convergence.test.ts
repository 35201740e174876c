// Citizens merge field by field (core/sync/citizen-merge.ts), end to end: two clerks correct one
// citizen's card while the server is down, and both corrections survive on both workstations.
import { describe, expect, it } from 'vitest';
import type { Citizen } from '../../core/schemas';
import { serverDocuments } from './test-support/central-server';
import { ADMIN, ANA, LUIS } from './test-support/council';
import type { Workstation } from './test-support/workstation-process';
import { useSyncFixture } from './test-support/sync-fixture';

const fixture = useSyncFixture('ventanilla-citizens-');

function citizen(at: number): Citizen {
  return {
    id: '018f0000-0000-7000-8000-0000000000c1',
    name: 'María José García López',
    nameKey: 'garcia lopez maria jose',
    documentType: 'dni',
    documentNumber: '12345678Z',
    emails: ['mjgarcia@correo.example'],
    phones: ['+34600111222'],
    address: { line1: 'Calle Mayor 12, 3º B', postalCode: '28013' },
    preferredLanguage: 'es',
    createdAt: at,
    updatedAt: at,
  };
}

async function sameEverywhere(stations: Workstation[], id: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const copies = await Promise.all(stations.map(async (station) => (await station.dump('citizens')).find((document) => document.id === id)));
    const onServer = (await serverDocuments(fixture.server.url, ADMIN, 'citizens')).find((document) => document.id === id);
    const texts = [...copies, onServer && { ...onServer, _deleted: undefined }].map((copy) => JSON.stringify(copy, Object.keys(copy ?? {}).sort()));
    if (copies[0] && texts.every((text) => text === texts[0])) return copies[0];
    if (Date.now() > deadline) throw new Error(`no convergence within ${timeoutMs} ms:\n${texts.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('citizens edited in two places offline', () => {
  it('keep both clerks’ corrections, and the phones both added', async () => {
    const ana = await fixture.workstation('ana', ANA, { online: true });
    const luis = await fixture.workstation('luis', LUIS, { online: true });
    const t0 = Date.now();
    const maria = citizen(t0);
    await ana.insert('citizens', [maria]);
    await sameEverywhere([ana, luis], maria.id);

    await fixture.server.stop();
    await Promise.all([ana, luis].map((station) => station.waitForStatus((status) => status.state === 'offline', 20_000, 'offline')));
    // At the counter Ana adds a mobile and corrects the address; on the phone Luis adds a work
    // e-mail, another phone and the language she prefers.
    await ana.patch('citizens', maria.id, { phones: ['+34600111222', '+34611222333'], address: { line1: 'Calle Mayor 12, 3º C', postalCode: '28013' }, updatedAt: t0 + 1_000 });
    await luis.patch('citizens', maria.id, { emails: ['mjgarcia@correo.example', 'maria@trabajo.example'], phones: ['+34600111222', '+34910000000'], preferredLanguage: 'ca', updatedAt: t0 + 2_000 });

    await fixture.server.restart();
    const merged = await sameEverywhere([ana, luis], maria.id);
    expect(merged).toMatchObject({
      address: { line1: 'Calle Mayor 12, 3º C', postalCode: '28013' },
      emails: ['mjgarcia@correo.example', 'maria@trabajo.example'],
      preferredLanguage: 'ca',
      updatedAt: t0 + 2_000,
    });
    expect([...(merged.phones as string[])].sort()).toEqual(['+34600111222', '+34611222333', '+34910000000']);
    expect(await ana.refused()).toEqual([]);
    expect(await luis.refused()).toEqual([]);
  }, 90_000);
});
