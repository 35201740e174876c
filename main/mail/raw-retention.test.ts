// Raw messages leave the spool once their documents are written and the retention has passed —
// and nothing about it can lose a mail or bring one back twice. The spool on its own first, then
// a workstation ingesting from Dovecot.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pruneRawFiles, rawFilesKept, RawPruner } from './raw-retention';
import { MailSpool } from './spool';
import { ingested, plainMail, useDovecot, waitUntil } from './test-support/mail-fixture';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 2, 1);
const RAW = 'Subject: aviso\r\n\r\ntexto\r\n';

describe('pruning the raw files of the spool', () => {
  let folder: string;
  let spool: MailSpool;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-prune-'));
    spool = MailSpool.open(folder, 'normal');
    spool.resetFolder('acc', 'INBOX', 7n);
  });
  afterEach(() => {
    spool.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** Spools `count` messages with real files; returns their spool ids in UID order. */
  function spoolMessages(count: number): number[] {
    const messages = Array.from({ length: count }, (_, index) => {
      const uid = index + 1;
      const rawFile = spool.rawFileOf('acc', 'INBOX', 7n, uid);
      mkdirSync(path.dirname(rawFile), { recursive: true });
      writeFileSync(rawFile, RAW);
      return { uid, internalDate: T0, size: RAW.length, rawFile };
    });
    spool.record('acc', 'INBOX', 7n, messages, count, { now: T0 });
    return spool.pending(count).map((entry) => entry.id);
  }

  const finish = (ids: number[], at: number, state: 'done' | 'duplicate' = 'done') =>
    spool.finish(ids.map((id) => ({ id, state, messageDocId: `m${id}`, ticketId: `t${id}` })), at);
  const rawOf = (id: number) => spool.rawFileOf('acc', 'INBOX', 7n, spool.db.prepare('SELECT uid FROM spool WHERE id = ?').pluck().get(id) as number);

  it('deletes the files of written messages past the retention and keeps their rows and the last UID', () => {
    const [done, duplicate, young] = spoolMessages(3) as [number, number, number];
    finish([done], T0);
    finish([duplicate], T0, 'duplicate');
    finish([young], T0 + 6 * DAY);

    // Seven days of retention, a week and a millisecond after the first two finished.
    const now = T0 + 7 * DAY + 1;
    const report = pruneRawFiles(spool, { finishedBefore: now - 7 * DAY, limit: 100 }, now);
    expect(report).toEqual({ pruned: 2, bytes: 2 * RAW.length, missing: 0 });
    expect([existsSync(rawOf(done)), existsSync(rawOf(duplicate)), existsSync(rawOf(young))]).toEqual([false, false, true]);
    expect(spool.counts()).toMatchObject({ done: 2, duplicate: 1 });
    expect(spool.folderState('acc', 'INBOX')!.lastUid).toBe(3);
    expect(rawFilesKept(spool)).toEqual({ files: 1, bytes: RAW.length });
  });

  it('never touches a message still in line or one in quarantine, however old', () => {
    const [waiting, quarantined] = spoolMessages(2) as [number, number];
    spool.quarantine(quarantined, 'MIME roto', T0);
    expect(pruneRawFiles(spool, { finishedBefore: T0 + 365 * DAY, limit: 100 }).pruned).toBe(0);
    expect([existsSync(rawOf(waiting)), existsSync(rawOf(quarantined))]).toEqual([true, true]);
    // Retried by a supervisor and written, it ages from then on.
    spool.retryQuarantined(quarantined);
    finish([quarantined], T0 + 10 * DAY);
    const week = 7 * DAY;
    expect(pruneRawFiles(spool, { finishedBefore: T0 + 16 * DAY - week, limit: 100 }).pruned).toBe(0);
    expect(pruneRawFiles(spool, { finishedBefore: T0 + 18 * DAY - week, limit: 100 }).pruned).toBe(1);
  });

  it('keeps the files a reader after ingestion has not reached yet', () => {
    const ids = spoolMessages(4);
    ids.forEach((id, index) => finish([id], T0 + index));
    pruneRawFiles(spool, { finishedBefore: T0 + DAY, limit: 100, keepAfter: { finishedAt: T0 + 1, id: ids[1]! } });
    expect(ids.map((id) => existsSync(rawOf(id)))).toEqual([false, false, true, true]);
  });

  it('finishes a prune a crash interrupted between the files and the rows, counting the files already gone', () => {
    const ids = spoolMessages(3);
    finish(ids, T0);
    // The state a crash leaves: two files unlinked, their rows not yet marked.
    unlinkSync(rawOf(ids[0]!));
    unlinkSync(rawOf(ids[1]!));
    expect(pruneRawFiles(spool, { finishedBefore: T0 + 1, limit: 100 })).toEqual({ pruned: 3, bytes: RAW.length, missing: 2 });
    expect(pruneRawFiles(spool, { finishedBefore: T0 + 1, limit: 100 }).pruned).toBe(0);
    expect(spool.counts()).toMatchObject({ done: 3, fetched: 0 });
  });

  it('prunes at most a batch per call, and the background pruner a bounded number of batches per run', async () => {
    finish(spoolMessages(25), T0);
    expect(pruneRawFiles(spool, { finishedBefore: T0 + 1, limit: 10 }).pruned).toBe(10);
    const pruner = new RawPruner({ spool, retentionMs: 0, batch: 4, batchesPerRun: 2, firstRunAfterMs: 3_600_000, clock: () => T0 + 1 });
    expect((await pruner.run()).pruned).toBe(8);
    expect((await pruner.run()).pruned).toBe(7);
    await pruner.stop();
    expect(rawFilesKept(spool).files).toBe(0);
  });

  it('feeds what became documents in the order it finished, from a cursor', () => {
    const [a, b, c] = spoolMessages(3) as [number, number, number];
    finish([b], T0 + 1);
    finish([a], T0 + 2);
    finish([c], T0 + 2, 'duplicate');
    expect(spool.finishedSince({ finishedAt: 0, id: 0 }, 10).map((row) => row.id)).toEqual([b, a]);
    expect(spool.finishedSince({ finishedAt: T0 + 1, id: b }, 10)).toMatchObject([{ id: a, accountId: 'acc', messageDocId: `m${a}`, ticketId: `t${a}`, finishedAt: T0 + 2, internalDate: T0 }]);
    expect(spool.lastFinished()).toEqual({ finishedAt: T0 + 2, id: a });
  });
});

describe('a workstation whose raw mail was pruned', () => {
  const bed = useDovecot({ folders: ['Registro'] });
  const mail = (n: number) => plainMail({ from: `vecina${n}@correo.test`, subject: `Solicitud ${n}`, messageId: `solicitud-${n}@correo.test`, text: `Texto ${n}` });

  it('fetches only new mail afterwards, and a renumbered folder brings the pruned mail back as duplicates only', async () => {
    const { dovecot } = bed;
    await dovecot.append([mail(1), mail(2), mail(3)], { folder: 'Registro' });
    // Retention zero; the background run is pushed far away so the test decides when.
    const workstation = await bed.startWorkstation({ folder: 'Registro', pollSeconds: 1, rawRetention: { retentionMs: 0, firstRunAfterMs: 3_600_000 } });
    const { mail: channel, local } = workstation;
    await ingested(channel, 3);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await channel.pruneRaw()).pruned).toBe(3);
    const rawFolder = path.join(channel.spool.rawDirectory, encodeURIComponent(workstation.account.id), 'Registro');
    expect(readdirSync(rawFolder)).toEqual([]);

    // The watermark: polls after the prune fetch only the new mail.
    await dovecot.append([mail(4)], { folder: 'Registro' });
    channel.syncNow();
    await ingested(channel, 4);
    expect(channel.status().spool).toMatchObject({ done: 4, duplicate: 0, quarantined: 0 });
    expect(await local.db.messages.count().exec()).toBe(4);

    // The server renumbers the folder: the pruned mails come back under new UIDs, known by Message-ID.
    const before = channel.spool.folderState(workstation.account.id, 'Registro')!;
    const admin = await dovecot.client();
    await admin.mailboxDelete('Registro');
    await admin.mailboxCreate('Registro');
    await admin.logout();
    await dovecot.append([mail(1), mail(2), mail(3), mail(4), mail(5)], { folder: 'Registro' });
    channel.syncNow();
    await waitUntil(() => channel.spool.folderState(workstation.account.id, 'Registro')?.uidValidity !== before.uidValidity, 'the new UIDVALIDITY');
    await ingested(channel, 9);
    expect(channel.status().spool).toMatchObject({ done: 5, duplicate: 4, quarantined: 0 });
    expect(await local.db.messages.count().exec()).toBe(5);
    expect(await local.db.tickets.count().exec()).toBe(5);
  }, 60_000);
});
