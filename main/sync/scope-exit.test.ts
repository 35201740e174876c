// What leaves a clerk's replica without the clerk ever deleting it: a ticket they create straight
// into a department that is not theirs (routing at the counter), with its messages. The server
// records its exit from the clerk's scope; the replica drops it — keeping, as the deleted
// document, only a tombstone trimmed of the citizen's data — and gets it back if it returns.
import { describe, expect, it } from 'vitest';
import { pushAs, serverDocuments } from './test-support/central-server';
import { ADMIN, ANA, note, ticket } from './test-support/council';
import { useSyncFixture } from './test-support/sync-fixture';

const fixture = useSyncFixture('ventanilla-scope-exit-');

describe('a ticket created into another department', () => {
  it('leaves the replica of the clerk who created it, with its messages, and comes back when it returns', async () => {
    const ana = await fixture.workstation('ana', ANA, { online: true });
    const now = Date.now();
    const routed = ticket('t-padron', now, { departmentId: 'padron', subject: 'Alta en el padrón de Marta Ruiz' });
    await ana.insert('tickets', [ticket('t-mine', now), routed]);
    await ana.insert('messages', [note('m-padron', 't-padron', now, 'Trae DNI 12345678Z y contrato de alquiler')]);
    await ana.awaitPushed('tickets', ['t-mine', 't-padron']);
    await ana.awaitPushed('messages', ['m-padron']);

    await ana.waitFor('tickets', 't-padron', { gone: true, timeoutMs: 20_000 });
    await ana.waitFor('messages', 'm-padron', { gone: true, timeoutMs: 20_000 });
    expect((await ana.dump('tickets')).map((document) => document.id)).toEqual(['t-mine']);
    // What stays in the replica's storage, as the deleted document, holds nothing of the citizen.
    expect(await ana.stored('tickets', 't-padron')).toMatchObject({ _deleted: true, subject: '', departmentId: 'padron' });
    expect(await ana.stored('messages', 'm-padron')).toMatchObject({ _deleted: true, text: '' });
    expect(JSON.stringify([await ana.stored('tickets', 't-padron'), await ana.stored('messages', 'm-padron')])).not.toMatch(/Marta|12345678Z/);
    // The workstation never pushed a deletion: the server holds both as written.
    const [held] = (await serverDocuments(fixture.server.url, ADMIN, 'tickets')).filter((document) => document.id === 't-padron');
    expect(held).toMatchObject({ departmentId: 'padron', subject: routed.subject, _deleted: false });

    // Padrón sends it back to Urbanismo: Ana's replica has it again, and its note.
    const { _deleted: _unused, ...stored } = held!;
    await pushAs(fixture.server.url, ADMIN, 'tickets', [
      { assumedMasterState: held!, newDocumentState: { ...stored, departmentId: 'urbanismo', _deleted: false } },
    ]);
    await ana.waitFor('tickets', 't-padron', { timeoutMs: 20_000 });
    await ana.waitFor('messages', 'm-padron', { timeoutMs: 20_000 });
    const [back] = (await ana.dump('tickets')).filter((document) => document.id === 't-padron');
    expect(back).toMatchObject({ departmentId: 'urbanismo', subject: routed.subject });
    expect(await ana.refused()).toEqual([]);
  }, 90_000);
});
