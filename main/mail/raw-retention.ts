/**
 * How long the spool keeps raw messages (issue 5): a message's raw file is what the ingester
 * parsed, and it stays for a while after the message became documents — to parse it again after
 * a parser fix, or to look at what exactly arrived (forensics) — and then goes, or a mailbox of a
 * council fills the clerk's disk with every letter twice.
 *
 * When a raw file may go ("safe"): its message is `done` (the documents are in the local replica,
 * written through RxDB on our durable SQLite storage, and its attachments were written as blobs
 * and flushed before the documents) or `duplicate` (they were there already), it finished longer
 * ago than the retention (7 days by default), and whatever reads raw headers after ingestion
 * (AfterIngest, main/host/mail) has passed it. Replication to the central server is not waited
 * for: the replica survives a crash on its own, the raw file sits on the same disk as the replica
 * (it protects against nothing the replica does not), and an office working without a central
 * server never replicates. Quarantined messages keep theirs until a supervisor deals with them
 * (retried, they become `done` and age from then); messages still in line (`fetched`) are in
 * flight and are never touched.
 *
 * Why re-fetching cannot bring a pruned message back as a new one: the row stays (only the file
 * goes), the folder's last UID never moves back, and if the server renumbers the folder
 * (UIDVALIDITY) the message comes again under a new UID and is recognised by its Message-ID
 * (`duplicate`). raw-retention.test.ts proves both against Dovecot.
 */
import { statSync, unlinkSync } from 'node:fs';
import type { FinishedCursor, MailSpool } from './spool';

/** Raw files are kept this long after their message became documents. */
export const RAW_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** How often the background pruner runs (and once, a minute after the channel starts). */
export const RAW_PRUNE_EVERY_MS = 60 * 60 * 1000;
/** Files deleted per batch (unlinks are synchronous: at most ~90 ms a batch measured here, 7,500 files/s) and batches per run (10,000 files): a run never holds the service for long. */
export const RAW_PRUNE_BATCH = 200;
export const RAW_PRUNE_BATCHES_PER_RUN = 50;

export type PruneRawOptions = {
  /** Raw files of messages finished before this time (ms) may go. */
  finishedBefore: number;
  /** At most this many files in one call (a run stays short; the next call takes the rest). */
  limit: number;
  /**
   * Rows after this one are still to be read by someone (AfterIngest reads the raw headers to
   * decide an automatic answer): they keep their files whatever their age.
   */
  keepAfter?: FinishedCursor;
};

export type PruneReport = {
  /** Rows whose raw file is gone now. */
  pruned: number;
  /** Bytes freed (the files' sizes on disk). */
  bytes: number;
  /** Files already gone (a prune interrupted between the unlink and the commit). */
  missing: number;
};

/**
 * Deletes the raw files of messages whose documents are written (`done`, or `duplicate`: they
 * were already there) and that finished before `finishedBefore`; quarantined messages and
 * messages still in line (`fetched`) keep theirs. The row stays: it is the record that the UID
 * was taken and of what it became.
 *
 * A crash in the middle is harmless: the files go first and the rows are marked after, so a
 * crash between the two leaves rows whose file is already gone — the next call finds them again,
 * counts them `missing` and marks them. The opposite order would leave files nobody deletes.
 */
export function pruneRawFiles(spool: MailSpool, options: PruneRawOptions, now: number = Date.now()): PruneReport {
  const keepAfter = options.keepAfter ?? { finishedAt: Number.MAX_SAFE_INTEGER, id: 0 };
  const rows = spool.db
    .prepare(
      `SELECT id, raw_file FROM spool
       WHERE raw_pruned_at IS NULL AND state IN ('done', 'duplicate') AND finished_at < ?
         AND (finished_at < ? OR (finished_at = ? AND id <= ?))
       ORDER BY finished_at, id LIMIT ?`,
    )
    .all(options.finishedBefore, keepAfter.finishedAt, keepAfter.finishedAt, keepAfter.id, options.limit) as { id: number; raw_file: string }[];
  const report: PruneReport = { pruned: 0, bytes: 0, missing: 0 };
  const gone: number[] = [];
  let failure: Error | undefined;
  for (const row of rows) {
    try {
      const size = statSync(row.raw_file).size;
      unlinkSync(row.raw_file);
      report.bytes += size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        // A file we may not delete (permissions, a read-only disk): what went so far is recorded, and the caller hears why.
        failure = new Error(`No se pudo borrar el mensaje en bruto ${row.raw_file}: ${(error as Error).message}`, { cause: error });
        break;
      }
      report.missing++;
    }
    gone.push(row.id);
  }
  const mark = spool.db.prepare('UPDATE spool SET raw_pruned_at = ? WHERE id = ?');
  spool.db.transaction(() => {
    for (const id of gone) mark.run(now, id);
  })();
  report.pruned = gone.length;
  if (failure) throw failure;
  return report;
}

/** How many raw files the spool still holds, and their bytes as recorded. */
export function rawFilesKept(spool: MailSpool): { files: number; bytes: number } {
  return spool.db.prepare('SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes FROM spool WHERE raw_pruned_at IS NULL').get() as { files: number; bytes: number };
}

export type RawPrunerOptions = {
  spool: MailSpool;
  /** Default RAW_RETENTION_MS. */
  retentionMs?: number;
  /** Default RAW_PRUNE_EVERY_MS; the first run comes `firstRunAfterMs` (a minute) after start. */
  everyMs?: number;
  firstRunAfterMs?: number;
  batch?: number;
  batchesPerRun?: number;
  /** Rows after this cursor are still needed (AfterIngest's position). */
  keepAfter?: () => FinishedCursor | undefined;
  clock?: () => number;
  log?: (line: string) => void;
};

/**
 * Prunes in the background: a bounded run every hour, one batch at a time with a turn of the
 * event loop between batches (fetching and ingesting go on meanwhile).
 */
export class RawPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneReport> | undefined;
  private stopped = false;

  constructor(private readonly options: RawPrunerOptions) {}

  start(): void {
    this.schedule(this.options.firstRunAfterMs ?? 60_000);
  }

  /** One run now (tests, a supervisor's "free space" button); resolves with what it did. */
  run(): Promise<PruneReport> {
    this.running ??= this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(afterMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.run()
        .catch((error: unknown) => this.options.log?.(`raw mail not pruned: ${(error as Error).message}`))
        .finally(() => this.schedule(this.options.everyMs ?? RAW_PRUNE_EVERY_MS));
    }, afterMs);
    this.timer.unref?.();
  }

  private async runOnce(): Promise<PruneReport> {
    const { spool } = this.options;
    const total: PruneReport = { pruned: 0, bytes: 0, missing: 0 };
    const batch = this.options.batch ?? RAW_PRUNE_BATCH;
    for (let run = 0; run < (this.options.batchesPerRun ?? RAW_PRUNE_BATCHES_PER_RUN); run++) {
      if (this.stopped || !spool.db.open) break;
      const now = (this.options.clock ?? Date.now)();
      const keepAfter = this.options.keepAfter?.();
      const report = pruneRawFiles(spool, { finishedBefore: now - (this.options.retentionMs ?? RAW_RETENTION_MS), limit: batch, ...(keepAfter && { keepAfter }) }, now);
      total.pruned += report.pruned;
      total.bytes += report.bytes;
      total.missing += report.missing;
      if (report.pruned < batch) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total.pruned > 0) this.options.log?.(`raw mail pruned: ${total.pruned} file(s), ${total.bytes} bytes${total.missing > 0 ? ` (${total.missing} already gone)` : ''}`);
    return total;
  }
}
