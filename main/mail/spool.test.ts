import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MailSpool } from './spool';

let folder: string;
let spool: MailSpool;

beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'ventanilla-spool-'));
  spool = MailSpool.open(folder, 'normal');
});
afterEach(() => {
  spool.close();
  rmSync(folder, { recursive: true, force: true });
});

const message = (uid: number) => ({ uid, internalDate: 1_700_000_000_000 + uid, size: 100, rawFile: `/raw/${uid}.eml` });

describe('the mail spool', () => {
  it('keeps UIDVALIDITY and HIGHESTMODSEQ beyond 2^53 exactly (BigInt)', () => {
    const huge = 2n ** 62n + 12345n;
    spool.resetFolder('acc', 'INBOX', huge);
    spool.setHighestModseq('acc', 'INBOX', huge + 1n);
    spool.close();
    spool = MailSpool.open(folder, 'normal');
    expect(spool.folderState('acc', 'INBOX')).toEqual({ uidValidity: huge, lastUid: 0, highestModseq: huge + 1n });
  });

  it('drops the address table earlier versions kept, now that the contact index answers, and keeps everything else', () => {
    spool.resetFolder('acc', 'INBOX', 7n);
    // As a spool of an earlier version left it: its own address → citizen table and checkpoint.
    spool.db.exec("CREATE TABLE citizen_emails (address TEXT NOT NULL, citizen_id TEXT NOT NULL, PRIMARY KEY (address, citizen_id)) STRICT, WITHOUT ROWID; INSERT INTO citizen_emails VALUES ('ana@correo.test', 'cit-1')");
    spool.setMeta('citizen-lookup-checkpoint', '{"id":"cit-1","lwt":1}');
    spool.close();
    spool = MailSpool.open(folder, 'normal');
    expect(spool.db.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'citizen_emails%'").all()).toEqual([]);
    expect(spool.getMeta('citizen-lookup-checkpoint')).toBeUndefined();
    expect(spool.folderState('acc', 'INBOX')).toEqual({ uidValidity: 7n, lastUid: 0 });
  });

  it('records a batch and the new last UID together, and a repeated batch adds nothing', () => {
    spool.resetFolder('acc', 'INBOX', 7n);
    expect(spool.record('acc', 'INBOX', 7n, [message(1), message(2)], 2)).toBe(2);
    expect(spool.record('acc', 'INBOX', 7n, [message(2), message(3)], 3)).toBe(1);
    expect(spool.folderState('acc', 'INBOX')!.lastUid).toBe(3);
    expect(spool.pending(10).map((entry) => entry.uid)).toEqual([1, 2, 3]);
  });

  it('refuses a batch fetched under a UIDVALIDITY the folder no longer has, keeping nothing of it', () => {
    spool.resetFolder('acc', 'INBOX', 7n);
    spool.resetFolder('acc', 'INBOX', 8n);
    expect(() => spool.record('acc', 'INBOX', 7n, [message(1)], 1)).toThrow(/UIDVALIDITY/);
    expect(spool.pending(10)).toEqual([]);
  });

  it('starts a folder over from UID 1 when its UIDVALIDITY changes', () => {
    spool.resetFolder('acc', 'INBOX', 7n);
    spool.record('acc', 'INBOX', 7n, [message(1)], 40);
    spool.resetFolder('acc', 'INBOX', 9n);
    expect(spool.folderState('acc', 'INBOX')).toEqual({ uidValidity: 9n, lastUid: 0 });
  });

  it('tells the processor when there is new work', () => {
    spool.resetFolder('acc', 'INBOX', 7n);
    const heard = vi.fn();
    spool.onSpooled(heard);
    spool.record('acc', 'INBOX', 7n, [message(1)], 1);
    spool.record('acc', 'INBOX', 7n, [message(1)], 1);
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it('sets a message aside with its reason, and can put it back in line', () => {
    spool.resetFolder('acc', 'INBOX', 7n);
    spool.record('acc', 'INBOX', 7n, [message(1), message(2)], 2);
    const [first] = spool.pending(1);
    spool.quarantine(first!.id, 'no se pudo leer');
    expect(spool.quarantined()).toMatchObject([{ spoolId: first!.id, uid: 1, reason: 'no se pudo leer', accountId: 'acc', folder: 'INBOX' }]);
    expect(spool.counts()).toMatchObject({ fetched: 1, quarantined: 1 });
    expect(spool.retryQuarantined(first!.id)).toBe(true);
    expect(spool.quarantined()).toEqual([]);
    expect(spool.countPending()).toBe(2);
  });

  it('marks what became documents, once', () => {
    spool.resetFolder('acc', 'INBOX', 7n);
    spool.record('acc', 'INBOX', 7n, [message(1)], 1);
    const [entry] = spool.pending(1);
    spool.finish([{ id: entry!.id, state: 'done', messageDocId: 'm', ticketId: 't' }]);
    spool.finish([{ id: entry!.id, state: 'duplicate', messageDocId: 'm', ticketId: 't' }]);
    expect(spool.counts()).toMatchObject({ done: 1, duplicate: 0, fetched: 0 });
  });
  it('keeps its counts by state right through fetching, finishing, quarantine and retry, without counting its rows', () => {
    const counted = () => {
      const byState = { fetched: 0, done: 0, duplicate: 0, quarantined: 0 };
      for (const row of spool.db.prepare('SELECT state, count(*) AS n FROM spool GROUP BY state').all() as { state: keyof typeof byState; n: number }[]) byState[row.state] = row.n;
      return byState;
    };
    spool.resetFolder('acc', 'INBOX', 1n);
    spool.record('acc', 'INBOX', 1n, [1, 2, 3, 4, 5].map(message), 5);
    // Fetched again after a crash: the rows are there already, and nothing is counted twice.
    spool.record('acc', 'INBOX', 1n, [4, 5, 6].map(message), 6);
    const [first, second, third, fourth] = spool.pending(10);
    spool.finish([
      { id: first!.id, state: 'done', messageDocId: 'm1', ticketId: 't1' },
      { id: second!.id, state: 'duplicate', messageDocId: 'm1', ticketId: 't1' },
    ]);
    // Finished again (a replay): the row is no longer 'fetched', nothing moves.
    spool.finish([{ id: first!.id, state: 'done', messageDocId: 'm1', ticketId: 't1' }]);
    spool.quarantine(third!.id, 'ilegible');
    spool.quarantine(fourth!.id, 'ilegible');
    spool.retryQuarantined(fourth!.id);

    expect(spool.counts()).toEqual({ fetched: 3, done: 1, duplicate: 1, quarantined: 1 });
    expect(spool.counts()).toEqual(counted());
    expect(spool.countPending()).toBe(3);
  });

  it('counts the rows of a spool made before it kept counts, once, when it is opened', () => {
    spool.resetFolder('acc', 'INBOX', 1n);
    spool.record('acc', 'INBOX', 1n, [1, 2, 3].map(message), 3);
    spool.finish([{ id: spool.pending(1)[0]!.id, state: 'done', messageDocId: 'm1', ticketId: 't1' }]);
    // As an earlier version left it: no counts table, no triggers.
    spool.db.exec('DROP TRIGGER spool_counts_insert; DROP TRIGGER spool_counts_update; DROP TRIGGER spool_counts_delete; DROP TABLE spool_counts');
    spool.close();

    spool = MailSpool.open(folder, 'normal');
    expect(spool.counts()).toEqual({ fetched: 2, done: 1, duplicate: 0, quarantined: 0 });
    spool.record('acc', 'INBOX', 1n, [4].map(message), 4);
    expect(spool.countPending()).toBe(3);
  });
});
